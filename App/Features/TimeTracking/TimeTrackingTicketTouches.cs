using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>Time entries and running timers are news about their ticket.</summary>
public sealed class TimeTrackingTicketTouches : ITicketTouches
{
    public TicketTouch? Of(EntityEntry entry) => entry.Entity switch
    {
        TimeEntry e => new TicketTouch(e.TicketId, TimeEntryFieldsOf(entry)),
        RunningTimer r => new TicketTouch(r.TicketId, TicketFields.Timer),
        _ => null,
    };

    // Billing links an entry to a quote line (or releases it): that is billing news, and time news only if more changed.
    private static TicketFields TimeEntryFieldsOf(EntityEntry entry) =>
        entry.State == EntityState.Modified && entry.Property(nameof(TimeEntry.QuoteLineId)).IsModified
            ? TicketFields.Billing | (entry.Properties.Any(p => p.IsModified && p.Metadata.Name != nameof(TimeEntry.QuoteLineId)) ? TicketFields.TimeEntries : 0)
            : TicketFields.TimeEntries;
}
