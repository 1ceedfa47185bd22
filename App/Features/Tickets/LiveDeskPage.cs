namespace BlazorTickets.Features.Tickets;

public enum LiveDeskUpdate
{
    Unchanged,
    /// <summary>Rows changed in memory: redraw.</summary>
    Patched,
    /// <summary>Only the database can tell what the page holds now: read it again.</summary>
    Reload,
}

/// <summary>
/// The page a desk list shows, and the rules by which a ticket change leaves it alone, patches one of its rows, moves
/// a row to its new place, or needs the page read again. <see cref="MayAffect"/> decides from the event alone.
/// </summary>
public sealed class LiveDeskPage
{
    /// <summary>The fields a row of the list shows or is ordered by.</summary>
    private const TicketFields RowFields = TicketFields.Subject | TicketFields.Status | TicketFields.Handler | TicketFields.Customer
        | TicketFields.Tenant | TicketFields.ExpectedDate | TicketFields.Updated | TicketFields.LastMessageAt
        // Every new message moves UpdatedAt, also where the ticket itself is written with ExecuteUpdate.
        | TicketFields.Messages | TicketFields.InternalMessages | TicketFields.Sla
        | TicketFields.Created | TicketFields.Deleted | TicketFields.Other;

    private readonly TicketListFilter filter;
    private readonly TicketListPosition position;
    private readonly IReadOnlyCollection<int> visibleTenantIds;
    private readonly List<TicketListRow> rows;
    private readonly TicketFields membershipFields;
    private readonly TicketFields orderFields;
    // Read by change events on the publisher's thread.
    private volatile int[] shownIds;

    public LiveDeskPage(TicketListFilter filter, TicketListPosition position, IReadOnlyCollection<int> visibleTenantIds, IEnumerable<TicketListRow> rows)
    {
        this.filter = filter;
        this.position = position;
        this.visibleTenantIds = visibleTenantIds;
        this.rows = rows.ToList();
        shownIds = this.rows.Select(r => r.Id).ToArray();
        membershipFields = MembershipFields(filter);
        orderFields = OrderFields(filter, position.Sort);
    }

    public static readonly LiveDeskPage Empty = new(new TicketListFilter(), TicketListPosition.Default, [], []);

    public TicketListFilter Filter => filter;

    /// <summary>The rows on screen; the grid shows this very list, so a patch shows at the next render.</summary>
    public IReadOnlyList<TicketListRow> Rows => rows;

    /// <summary>The fields that decide whether the filter matches a ticket: only these can move rows in or out.</summary>
    public static TicketFields MembershipFields(TicketListFilter filter)
    {
        var fields = TicketFields.Created | TicketFields.Deleted | TicketFields.Tenant | TicketFields.Other;
        if (filter.Statuses.Count > 0) fields |= TicketFields.Status;
        if (!string.IsNullOrEmpty(filter.HandlerId) || filter.UnassignedOnly) fields |= TicketFields.Handler;
        if (filter.MineOnly) fields |= TicketFields.Handler | TicketFields.Watchers;
        if (filter.CustomerId is not null) fields |= TicketFields.Customer;
        if (filter.OverdueOnly) fields |= TicketFields.ExpectedDate | TicketFields.Status;
        if (filter.UnbilledOnly) fields |= TicketFields.TimeEntries | TicketFields.Billing | TicketFields.TimeTrackingConsent;
        if (filter.SlaAtRisk || filter.SlaBreached) fields |= TicketFields.Sla;
        if (!string.IsNullOrWhiteSpace(filter.Text)) fields |= TicketFields.Subject | TicketFields.Messages | TicketFields.Customer;
        return fields;
    }

    private static bool OrdersByRelevance(TicketListFilter filter, TicketSort sort) =>
        !string.IsNullOrWhiteSpace(filter.Text) && !int.TryParse(filter.Text.Trim().TrimStart('#'), out _) && sort == TicketSort.Default;

    /// <summary>The fields that move a row within the list's order.</summary>
    public static TicketFields OrderFields(TicketListFilter filter, TicketSort sort) => OrdersByRelevance(filter, sort)
        ? TicketFields.Subject | TicketFields.Messages | TicketFields.Customer
        : sort.Field switch
        {
            TicketSortField.Number => TicketFields.None,
            TicketSortField.Subject => TicketFields.Subject,
            TicketSortField.Status => TicketFields.Status,
            TicketSortField.Handler => TicketFields.Handler,
            TicketSortField.Customer => TicketFields.Customer,
            TicketSortField.ExpectedDate => TicketFields.ExpectedDate,
            TicketSortField.LastMessageAt => TicketFields.LastMessageAt | TicketFields.Messages,
            TicketSortField.SlaDueAt => TicketFields.Sla,
            _ => TicketFields.Updated | TicketFields.Messages | TicketFields.InternalMessages,
        } | TicketFields.Other;

    /// <summary>Whether the change can alter this page at all; false means no query and no redraw.</summary>
    public bool MayAffect(TicketChange change)
    {
        var shown = shownIds.Contains(change.TicketId);
        if (!change.Touches(RowFields | membershipFields)
            && !(shown && filter.UnbilledOnly && change.Touches(TicketFields.TimeEntries | TicketFields.Billing)))
        {
            return false;
        }
        if (change.TenantId != 0 && !change.Touches(TicketFields.Tenant)
            && (!visibleTenantIds.Contains(change.TenantId) || (filter.TenantId is int tenantId && tenantId != change.TenantId)))
        {
            // Neither on screen nor able to come onto it: another tenant's ticket.
            return false;
        }
        // Not on this page: only a change of membership or of its place in the order can bring it here.
        return shown || change.Touches(membershipFields | orderFields);
    }

    /// <summary>Applies a change, given the ticket's row as the list's filter now reads it (null: no longer matches).</summary>
    public LiveDeskUpdate Apply(TicketChange change, TicketListRow? row)
    {
        var index = rows.FindIndex(r => r.Id == change.TicketId);
        if (row is null)
        {
            // It left the filter: the page needs the next row in its place and the count one less.
            return index >= 0 ? LiveDeskUpdate.Reload : LiveDeskUpdate.Unchanged;
        }
        if (index < 0 && change.Touches(membershipFields))
        {
            // It may have joined the filter: the count changes and so may the page.
            return LiveDeskUpdate.Reload;
        }
        if (!change.Touches(orderFields) && index >= 0)
        {
            rows[index] = row;
        }
        else if (!PlaceInOrder(row, index))
        {
            return LiveDeskUpdate.Reload;
        }
        shownIds = rows.Select(r => r.Id).ToArray();
        return LiveDeskUpdate.Patched;
    }

    /// <summary>
    /// Puts a row whose place in the order changed where it now belongs, on the first page of an order that can be
    /// compared here. False when only the database can tell (another page, a text column, relevance).
    /// </summary>
    private bool PlaceInOrder(TicketListRow row, int index)
    {
        var compare = ComparerOf(position.Sort);
        if (compare is null || position.Page != 0 || OrdersByRelevance(filter, position.Sort))
        {
            return false;
        }
        var pageFull = rows.Count >= position.PageSize;
        if (index >= 0)
        {
            rows.RemoveAt(index);
        }
        var place = rows.FindIndex(other => compare(row, other) < 0);
        if (place < 0)
        {
            if (pageFull)
            {
                // It belongs after this page: the next row moves up, which only the database knows.
                return index < 0;
            }
            place = rows.Count;
        }
        rows.Insert(place, row);
        if (rows.Count > position.PageSize)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        return true;
    }

    /// <summary>The list's order for the columns whose order in memory matches SQLite's; null for the others.</summary>
    private static Comparison<TicketListRow>? ComparerOf(TicketSort sort)
    {
        Comparison<TicketListRow>? ascending = sort.Field switch
        {
            TicketSortField.Number => (a, b) => a.Number.CompareTo(b.Number),
            TicketSortField.Status => (a, b) => a.Status.CompareTo(b.Status),
            TicketSortField.UpdatedAt => (a, b) => a.UpdatedAt.CompareTo(b.UpdatedAt),
            // Nullable.Compare puts null first, as SQLite does in ascending order.
            TicketSortField.LastMessageAt => (a, b) => Nullable.Compare(a.LastMessageAt, b.LastMessageAt),
            TicketSortField.ExpectedDate => (a, b) => Nullable.Compare(a.ExpectedDate, b.ExpectedDate),
            TicketSortField.SlaDueAt => (a, b) => a.SlaDueAt.CompareTo(b.SlaDueAt),
            _ => null,
        };
        if (ascending is null)
        {
            return null;
        }
        return sort.Descending
            ? (a, b) => ascending(b, a) is var c and not 0 ? c : b.Id.CompareTo(a.Id)
            : (a, b) => ascending(a, b) is var c and not 0 ? c : a.Id.CompareTo(b.Id);
    }
}
