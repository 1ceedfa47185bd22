namespace BlazorTickets.Features.Tickets;

/// <summary>Brings a newer saved version into an edit in progress without touching what the agent has changed.</summary>
public static class TicketEditMerge
{
    /// <summary>
    /// Every field the agent left as loaded takes the value of <paramref name="incoming"/>, in both
    /// <paramref name="original"/> and <paramref name="edit"/>. Fields the agent changed keep their value and their old
    /// original, and <paramref name="original"/> keeps its version, so the save still reports the conflict.
    /// </summary>
    /// <returns>The names of the fields the agent changed that the newer version changed too.</returns>
    public static IReadOnlySet<string> TakeUntouched(TicketEdit original, TicketEdit edit, TicketEdit incoming)
    {
        var contested = new HashSet<string>();
        void Merge<T>(string name, Func<TicketEdit, T> get, Action<TicketEdit, T> set, Func<T, T, bool>? same = null)
        {
            same ??= EqualityComparer<T>.Default.Equals;
            if (same(get(original), get(edit)))
            {
                set(original, get(incoming));
                set(edit, get(incoming));
            }
            else if (!same(get(original), get(incoming)))
            {
                contested.Add(name);
            }
        }
        static bool SameSet<T>(IReadOnlyCollection<T> a, IReadOnlyCollection<T> b) => a.ToHashSet().SetEquals(b);

        Merge(nameof(TicketEdit.Subject), e => e.Subject, (e, v) => e.Subject = v);
        Merge(nameof(TicketEdit.Status), e => e.Status, (e, v) => e.Status = v);
        Merge(nameof(TicketEdit.HandlerId), e => e.HandlerId, (e, v) => e.HandlerId = v);
        Merge(nameof(TicketEdit.WatcherIds), e => e.WatcherIds, (e, v) => e.WatcherIds = v.ToArray(), SameSet);
        Merge(nameof(TicketEdit.CustomerId), e => e.CustomerId, (e, v) => e.CustomerId = v);
        Merge(nameof(TicketEdit.AssignedCustomerIds), e => e.AssignedCustomerIds, (e, v) => e.AssignedCustomerIds = v.ToArray(), SameSet);
        Merge(nameof(TicketEdit.CustomerNote), e => e.CustomerNote, (e, v) => e.CustomerNote = v);
        Merge(nameof(TicketEdit.InternalNote), e => e.InternalNote, (e, v) => e.InternalNote = v);
        Merge(nameof(TicketEdit.ExpectedDate), e => e.ExpectedDate?.Date, (e, v) => e.ExpectedDate = v);
        Merge(nameof(TicketEdit.EstimatedEffortHours), e => e.EstimatedEffortHours, (e, v) => e.EstimatedEffortHours = v);
        Merge(nameof(TicketEdit.ProcessingStart), e => e.ProcessingStart, (e, v) => e.ProcessingStart = v);
        Merge(nameof(TicketEdit.ProcessingEnd), e => e.ProcessingEnd, (e, v) => e.ProcessingEnd = v);
        Merge(nameof(TicketEdit.TenantId), e => e.TenantId, (e, v) => e.TenantId = v);
        Merge(nameof(TicketEdit.TimeTrackingAllowed), e => e.TimeTrackingAllowed, (e, v) => e.TimeTrackingAllowed = v);
        return contested;
    }
}
