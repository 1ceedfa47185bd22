using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BlazorTickets.Features.Replies;

/// <summary>An outgoing mail's delivery state is news about the ticket it answers.</summary>
public sealed class ReplyTicketTouches : ITicketTouches
{
    public TicketTouch? Of(EntityEntry entry) =>
        entry.Entity is OutboxMail { TicketId: int ticketId } ? new TicketTouch(ticketId, TicketFields.Delivery) : null;
}
