using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// Says which ticket a saved entity of another feature is news about, and which of the ticket's fields it changed,
/// so that the change interceptor publishes it without knowing that feature. Each feature registers its own.
/// </summary>
public interface ITicketTouches
{
    /// <summary>The ticket and fields <paramref name="entry"/> touches; null when it is not an entity of this feature.</summary>
    TicketTouch? Of(EntityEntry entry);
}

public readonly record struct TicketTouch(int TicketId, TicketFields Fields);
