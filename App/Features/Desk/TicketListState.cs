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
    // The page on screen; read by change events on the publisher's thread.
    private volatile LiveDeskPage livePage = LiveDeskPage.Empty;
    private IReadOnlyDictionary<int, UnbilledAmount> unbilled = new Dictionary<int, UnbilledAmount>();
    private readonly OrderedDictionary<int, TicketListRow> selected = [];

    public TicketListFilter Filter { get; private set; } = new();

    /// <summary>Where the list is: read from the URL once, then moved by sort and pager through <see cref="MoveTo"/>.</summary>
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

    /// <summary>Takes sort and page from the URL the first time only (afterwards the list owns them); true that first time.</summary>
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

    /// <summary>True when the URL's filter differs from the one shown; the list must then read it from its first page.</summary>
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

    /// <summary>
    /// Reads the URL: the first time its position and filter, afterwards only its filter (the list owns sort and page
    /// from then on). A new filter starts on its first page with nothing selected. True when the list must be read.
    /// </summary>
    public bool FollowUrl(string query)
    {
        if (ReadPositionOnce(query))
        {
            Filter = TicketListFilter.FromQuery(query);
            return true;
        }
        if (!FollowFilter(query))
        {
            return false;
        }
        Position = Position with { Page = 0 };
        selected.Clear();
        return true;
    }

    /// <summary>The order after a click on a column's header: its own order flips, another column starts ascending.</summary>
    public TicketListPosition SortedBy(TicketSortField field) => Position with
    {
        Sort = new TicketSort(field, Position.Sort.Field == field && !Position.Sort.Descending),
        Page = 0,
    };

    /// <summary>The aria-sort value of a column's header: only the column the list is ordered by has one.</summary>
    public string? AriaSortOf(TicketSortField field) =>
        Position.Sort.Field != field ? null : Position.Sort.Descending ? "descending" : "ascending";

    public TicketListPosition WithPageSize(int pageSize) =>
        Position with { PageSize = TicketListPosition.PageSizes.Contains(pageSize) ? pageSize : TicketListPosition.DefaultPageSize, Page = 0 };

    /// <summary>A page of the list, kept within its known pages; past a capped count every page may hold rows.</summary>
    public TicketListPosition AtPage(int page) => Position with { Page = TotalIsCapped ? Math.Max(page, 0) : Math.Clamp(page, 0, Math.Max(0, PageCount - 1)) };

    public TicketListPosition AtFirstPage() => Position with { Page = 0 };

    public TicketListPosition AtPreviousPage() => AtPage(PageNumber - 1);

    public TicketListPosition AtNextPage() => AtPage(PageNumber + 1);

    /// <summary>The last page: by its number when the count is exact, else as the first page of the reversed order.</summary>
    public TicketListPosition AtLastPage() => TotalIsCapped ? Position with { Page = TicketListPosition.LastPage } : AtPage(PageCount - 1);

    /// <summary>The pages the count knows of; a capped count knows only the pages up to its cap and one more.</summary>
    public int PageCount => Math.Max(1, (TotalCount + Position.PageSize - 1) / Position.PageSize);

    /// <summary>The last page past a capped count: it shows the list's last rows, whose numbers nobody counted.</summary>
    public bool ShowsUncountedLastPage => Position.IsLastPage && TotalIsCapped;

    // The shown page's number; the last page has one when the count is exact.
    private int PageNumber => Position.IsLastPage ? (TotalIsCapped ? -1 : PageCount - 1) : Position.Page;

    public bool IsOnFirstPage => Position.Page == 0;

    /// <summary>The page before the uncounted last page has no number either: from there only the first page is known.</summary>
    public bool HasPreviousPage => PageNumber > 0;

    public bool HasNextPage => !Position.IsLastPage
        && ((PageNumber + 1) * Position.PageSize < TotalCount || (TotalIsCapped && Rows.Count == Position.PageSize));

    /// <summary>
    /// Past a capped count the last page is read from the end of the order; relevance (a search in its default order)
    /// has no end to read from.
    /// </summary>
    public bool HasLastPage => !Position.IsLastPage && (TotalIsCapped ? !OrdersByRelevance : PageNumber < PageCount - 1);

    private bool OrdersByRelevance => !string.IsNullOrWhiteSpace(Filter.Text) && Position.Sort == TicketSort.Default;

    /// <summary>The number of the page's first row, from 1; 0 when the list is empty or on the uncounted last page.</summary>
    public int FirstShown => Rows.Count == 0 || ShowsUncountedLastPage ? 0 : PageNumber * Position.PageSize + 1;

    public int LastShown => Rows.Count == 0 || ShowsUncountedLastPage ? 0 : PageNumber * Position.PageSize + Rows.Count;

    /// <summary>
    /// Where a capped count stopped: 1,000 for a search, 10,000 for any other list (the count is one more than its cap);
    /// null when the count is exact.
    /// </summary>
    public int? CountCapReached => TotalIsCapped ? TotalCount - 1 : null;

    /// <summary>The rows selected for an action, in the order they were selected; they stay selected across pages.</summary>
    public IReadOnlyCollection<TicketListRow> Selected => selected.Values;

    public bool IsSelected(int ticketId) => selected.ContainsKey(ticketId);

    public void ToggleSelected(TicketListRow row)
    {
        if (!selected.Remove(row.Id))
        {
            selected[row.Id] = row;
        }
    }

    public bool AllShownSelected => Rows.Count > 0 && Rows.All(r => selected.ContainsKey(r.Id));

    /// <summary>Selects every row of the page, or clears the page's rows when all of them were selected already.</summary>
    public void ToggleAllShown()
    {
        if (AllShownSelected)
        {
            foreach (var row in Rows)
            {
                selected.Remove(row.Id);
            }
            return;
        }
        foreach (var row in Rows)
        {
            selected[row.Id] = row;
        }
    }

    public void ClearSelection() => selected.Clear();

    /// <summary>The list moved; the address to show it under, or null when it stays where it was.</summary>
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
        var after = shownPage is { } before && shown.Page > 0 && before.Filter == filter && before.Position == shown with { Page = shown.Page - 1 }
            && string.IsNullOrWhiteSpace(filter.Text) ? before.LastRow : null;
        var result = shown.IsLastPage
            ? await tickets.QueryLastPageAsync(filter, CurrentUserId, shown.Sort, shown.PageSize, ct)
            : await tickets.QueryAsync(filter, CurrentUserId, shown.Sort, shown.Page, shown.PageSize, ct, after);
        if (shown.IsLastPage && !result.TotalIsCapped)
        {
            // An exact count numbers its last page; show that page, so that its rows match their numbers in the pager.
            var numbered = shown with { Page = Math.Max(0, (result.TotalCount - 1) / shown.PageSize) };
            result = await tickets.QueryAsync(filter, CurrentUserId, numbered.Sort, numbered.Page, numbered.PageSize, ct);
            Position = Position == shown ? numbered : Position;
            shown = numbered;
        }
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
