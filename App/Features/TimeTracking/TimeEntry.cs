using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;

namespace BlazorTickets.Features.TimeTracking;

public class TimeEntry
{
    public int Id { get; set; }
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
    public DateTime Start { get; set; }
    public DateTime End { get; set; }
    public int Minutes { get; set; }
    public string Note { get; set; } = "";
    public bool Billable { get; set; } = true;
    public int? QuoteLineId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>At most one per user: the unique index on UserId enforces it.</summary>
public class RunningTimer
{
    public int Id { get; set; }
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public DateTime StartedAt { get; set; }
    public string Note { get; set; } = "";
}
