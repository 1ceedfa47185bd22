namespace BlazorTickets.Features.Tickets.History;

/// <summary>The groups the ticket page filters its history by; every kind belongs to exactly one besides <see cref="All"/>.</summary>
public enum HistoryFilter
{
    All,
    Changes,
    Messages,
    TimeAndBilling,
}

public static class HistoryFilters
{
    public static bool Matches(this HistoryFilter filter, HistoryKind kind) => filter switch
    {
        HistoryFilter.All => true,
        HistoryFilter.Changes => kind is HistoryKind.Created or HistoryKind.Field or HistoryKind.Status or HistoryKind.Handler
            or HistoryKind.Watchers or HistoryKind.Customers or HistoryKind.Consent or HistoryKind.Merge or HistoryKind.Split,
        HistoryFilter.Messages => kind is HistoryKind.MessageIn or HistoryKind.MessageOut or HistoryKind.Note,
        HistoryFilter.TimeAndBilling => kind is HistoryKind.TimeEntry or HistoryKind.Billing,
        _ => false,
    };

    public static string Label(this HistoryFilter filter) => filter switch
    {
        HistoryFilter.Changes => "Changes",
        HistoryFilter.Messages => "Messages and notes",
        HistoryFilter.TimeAndBilling => "Time and billing",
        _ => "Everything",
    };
}
