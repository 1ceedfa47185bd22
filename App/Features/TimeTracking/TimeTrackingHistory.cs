using System.Globalization;
using BlazorTickets.Features.Tickets.History;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>
/// Time entries in their ticket's history: added, changed (minutes before → after) and deleted. The entry's id is
/// the field, its minutes the values; an entry added in the same save as its ticket has no id yet.
/// </summary>
public sealed class TimeTrackingHistory : ITicketHistorySource
{
    public static string FieldOf(int entryId) => entryId == 0 ? "TimeEntry" : $"TimeEntry {entryId.ToString(CultureInfo.InvariantCulture)}";

    public static string? Format(int? minutes) => minutes?.ToString(CultureInfo.InvariantCulture);

    public IEnumerable<HistoryDraft> Of(EntityEntry entry)
    {
        if (entry.Entity is not TimeEntry time)
        {
            yield break;
        }
        switch (entry.State)
        {
            case EntityState.Added:
                yield return new HistoryDraft(time.TicketId, time.Ticket, HistoryKind.TimeEntry, FieldOf(time.Id), null, Format(time.Minutes), IsInternal: true);
                break;
            case EntityState.Deleted:
                yield return new HistoryDraft(time.TicketId, time.Ticket, HistoryKind.TimeEntry, FieldOf(time.Id), Format(time.Minutes), null, IsInternal: true);
                break;
            case EntityState.Modified when entry.Property(nameof(TimeEntry.Minutes)).IsModified
                                            && !Equals(entry.Property(nameof(TimeEntry.Minutes)).OriginalValue, time.Minutes):
                yield return new HistoryDraft(time.TicketId, time.Ticket, HistoryKind.TimeEntry, FieldOf(time.Id),
                    Format((int?)entry.Property(nameof(TimeEntry.Minutes)).OriginalValue), Format(time.Minutes), IsInternal: true);
                break;
        }
    }
}
