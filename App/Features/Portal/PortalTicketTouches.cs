using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BlazorTickets.Features.Portal;

/// <summary>A customer giving or withdrawing consent to time tracking is news about the ticket.</summary>
public sealed class PortalTicketTouches : ITicketTouches
{
    public TicketTouch? Of(EntityEntry entry) =>
        entry.Entity is TimeTrackingConsentChange c ? new TicketTouch(c.TicketId, TicketFields.TimeTrackingConsent) : null;
}
