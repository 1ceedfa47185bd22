using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.Desk;

/// <summary>
/// The ticket list without its grid: the filter and position the URL holds, the page read last (so the next page is
/// read by keyset), how a ticket change patches the page on screen or asks for it to be read again, and the
/// unbilled time of its rows while the list shows tickets with unbilled time.
/// </summary>
public sealed class TicketListState(TicketService tickets, LiveTicketRows liveRows, BillingService billing)
{
    private bool positionRead;
    // The page shown last: the next page starts right after its last row (keyset), which stays fast however deep.
    private (TicketListFilter Filter, TicketListPosition Position, TicketListRow? LastRow)? shownPage;
    // The page on screen, as the grid shows it; read by change events on the publisher's thread.
    private volatile LiveDeskPage livePage = LiveDeskPage.Empty;
    private IReadOnlyDictionary<int, UnbilledAmount> unbilled = new Dictionary<int, UnbilledAmount>();

    public TicketListFilter Filter { get; private set; } = new();

    /// <summary>Where the URL says the grid is; the grid starts there and reports back through <see cref="MoveTo"/>.</summary>
    public TicketListPosition Position { get; private set; } = TicketListPosition.Default;
    public int TotalCount { get; private set; }
    public bool TotalIsCapped { get; private set; }
    public IReadOnlyList<Option<int>> Tenants { get; private set; } = [];
    public string? CurrentUserId { get; private set; }
    public IReadOnlyList<TicketListRow> Rows => livePage.Rows;

    /// <summary>The row's billable unbilled time, priced like the bill run; only while the filter asks for unbilled time.</summary>
    public UnbilledAmount? UnbilledOf(int ticketId) => unbilled.GetValueOrDefault(ticketId);

    public async Task SignInAsync(string? userId)
    {
        CurrentUserId = userId;
        Tenants = await tickets.GetTenantsAsync();
    }

    /// <summary>Takes sort and page from the URL the first time only (afterwards the grid owns them); true that first time.</summary>
    public bool ReadPositionOnce(string query)
    {
        if (positionRead)
        {
            return false;
        }
        positionRead = true;
        Position = TicketListPosition.FromQuery(query);
        return true;
    }

    /// <summary>True when the URL's filter differs from the one shown; the grid must then read it from its first page.</summary>
    public bool FollowFilter(string query)
    {
        var fromUrl = TicketListFilter.FromQuery(query);
        if (fromUrl == Filter)
        {
            return false;
        }
        Filter = fromUrl;
        return true;
    }

    /// <summary>The address of a new filter: it starts on its first page, in the same order.</summary>
    public string UrlFor(TicketListFilter next) => "/tickets" + (Position with { Page = 0 }).ToQuery(next);

    /// <summary>The grid's column name and direction as a sort; the default for a column that cannot sort.</summary>
    public static TicketSort SortOf(string? column, bool descending)
    {
        var field = column switch
        {
            nameof(TicketListRow.HandlerName) => TicketSortField.Handler,
            nameof(TicketListRow.CustomerName) => TicketSortField.Customer,
            var name when Enum.TryParse<TicketSortField>(name, out var parsed) => parsed,
            _ => TicketSort.Default.Field,
        };
        return new TicketSort(field, descending);
    }

    /// <summary>The direction a column starts in: the URL's sort on its column, none on the others and for the default order.</summary>
    public MudBlazor.SortDirection InitialDirectionOf(TicketSortField field) =>
        Position.Sort != TicketSort.Default && Position.Sort.Field == field
            ? (Position.Sort.Descending ? MudBlazor.SortDirection.Descending : MudBlazor.SortDirection.Ascending)
            : MudBlazor.SortDirection.None;

    /// <summary>The grid moved; the address to show it under, or null when it stays where it was.</summary>
    public string? MoveTo(TicketListPosition shown)
    {
        if (shown == Position)
        {
            return null;
        }
        Position = shown;
        return "/tickets" + Position.ToQuery(Filter);
    }

    /// <summary>Reads the page at <see cref="Position"/>; the page right after the last one shown starts behind its last row.</summary>
    public async Task<IReadOnlyList<TicketListRow>> LoadAsync(CancellationToken ct)
    {
        var (filter, shown) = (Filter, Position);
        var after = shownPage is { } before && before.Filter == filter && before.Position == shown with { Page = shown.Page - 1 }
            && string.IsNullOrWhiteSpace(filter.Text) ? before.LastRow : null;
        var result = await tickets.QueryAsync(filter, CurrentUserId, shown.Sort, shown.Page, shown.PageSize, ct, after);
        shownPage = (filter, shown, result.Items.Count > 0 ? result.Items[^1] : null);
        TotalCount = result.TotalCount;
        TotalIsCapped = result.TotalIsCapped;
        var page = new LiveDeskPage(filter, shown, Tenants.Select(t => t.Id).ToArray(), result.Items);
        unbilled = filter.UnbilledOnly ? await billing.UnbilledAsync(result.Items.Select(r => r.Id).ToList(), ct) : new Dictionary<int, UnbilledAmount>();
        livePage = page;
        return livePage.Rows;
    }

    /// <summary>The changes that may touch the page on screen; decided from the event alone, on the publisher's thread.</summary>
    public IReadOnlyList<TicketChange> MayAffect(TicketsChanged change)
    {
        var page = livePage;
        return change.Changes.Where(page.MayAffect).ToList();
    }

    /// <summary>Patches the page on screen; <see cref="LiveDeskUpdate.Reload"/> when any change needs it read again.</summary>
    public async Task<LiveDeskUpdate> ApplyAsync(long sequence, IReadOnlyList<TicketChange> changes)
    {
        var reloadPage = false;
        var patched = false;
        foreach (var change in changes)
        {
            var page = livePage;
            var row = change.Touches(TicketFields.Deleted) ? null : await ReadRowAsync(sequence, change.TicketId, page.Filter);
            if (!ReferenceEquals(page, livePage))
            {
                // The page was read again meanwhile, after the change was committed.
                continue;
            }
            var update = page.Apply(change, row);
            reloadPage |= update == LiveDeskUpdate.Reload;
            patched |= update == LiveDeskUpdate.Patched;
        }
        if (!reloadPage && livePage.Filter.UnbilledOnly)
        {
            patched |= await ReadUnbilledAgainAsync(changes);
        }
        return reloadPage ? LiveDeskUpdate.Reload : patched ? LiveDeskUpdate.Patched : LiveDeskUpdate.Unchanged;
    }

    // What moves a row's unbilled amount: its time, its billing, the consent, and the tenant (whose currency it is).
    private const TicketFields UnbilledFields = TicketFields.TimeEntries | TicketFields.Billing | TicketFields.TimeTrackingConsent
        | TicketFields.Tenant | TicketFields.Other;

    private async Task<bool> ReadUnbilledAgainAsync(IReadOnlyList<TicketChange> changes)
    {
        var page = livePage;
        var shownIds = changes.Where(c => c.Touches(UnbilledFields)).Select(c => c.TicketId)
            .Where(id => page.Rows.Any(r => r.Id == id)).Distinct().ToList();
        if (shownIds.Count == 0)
        {
            return false;
        }
        var read = await billing.UnbilledAsync(shownIds);
        var next = unbilled.Where(u => !shownIds.Contains(u.Key)).Concat(read).ToDictionary();
        var changed = shownIds.Any(id => next.GetValueOrDefault(id) != unbilled.GetValueOrDefault(id));
        unbilled = next;
        return changed;
    }

    // Lists of every circuit read a changed row once per change, filter and user: the key says who may share a read.
    private Task<TicketListRow?> ReadRowAsync(long sequence, int ticketId, TicketListFilter forFilter)
    {
        var key = string.Join('|', sequence, ticketId, string.Join(',', Tenants.Select(t => t.Id)), forFilter.MineOnly ? CurrentUserId : "", forFilter.ToQuery());
        return liveRows.ReadAsync(key, () => tickets.GetListRowAsync(ticketId, forFilter, CurrentUserId));
    }
}
