using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;

namespace BlazorTickets.Features.Tickets;

public class Ticket : IVersioned
{
    public int Id { get; set; }
    public int Number { get; set; }
    public string Subject { get; set; } = "";
    public TicketStatus Status { get; set; }

    public string? HandlerId { get; set; }
    public AppUser? Handler { get; set; }
    public List<TicketWatcher> Watchers { get; set; } = [];

    public int? CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public List<TicketAssignedCustomer> AssignedCustomers { get; set; } = [];

    public string CustomerNote { get; set; } = "";
    public string InternalNote { get; set; } = "";
    public DateOnly? ExpectedDate { get; set; }
    /// <summary>Estimated effort in hours.</summary>
    public decimal? EstimatedEffortHours { get; set; }
    public DateTime? ProcessingStart { get; set; }
    public DateTime? ProcessingEnd { get; set; }

    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    /// <summary>The mailbox the ticket came in through; its replies go out under that mailbox's identity.</summary>
    public int? MailboxId { get; set; }
    public bool TimeTrackingAllowed { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
    public DateTime? LastMessageAt { get; set; }

    /// <summary>The handler's display name, for sorting the list by an index; kept by triggers (<see cref="TicketListSql"/>).</summary>
    public string? HandlerName { get; private set; }
    /// <summary>The customer's name, for sorting the list by an index; kept by triggers (<see cref="TicketListSql"/>).</summary>
    public string? CustomerName { get; private set; }

    /// <summary>
    /// Gives a new ticket the names its insert trigger would copy, so that the row is written once; the trigger still
    /// corrects them if they are wrong. Updates ignore them: the triggers alone write them afterwards.
    /// </summary>
    public void CopyListNames(string? handlerName, string? customerName) => (HandlerName, CustomerName) = (handlerName, customerName);
    /// <summary>Whether billable time not yet on a quote exists, for the unbilled filter's index; kept by triggers (<see cref="TicketUnbilledSql"/>), never written by EF.</summary>
    public bool HasUnbilledTime { get; private set; }

    /// <summary>
    /// When the earliest service-level target still running is due; <see cref="NoDue"/> when none runs (no policy, all
    /// met, or paused), so that sorting by it puts the most urgent first. Written by the service levels' recompute
    /// without touching <see cref="Version"/>: a recompute never makes an agent's save a conflict.
    /// </summary>
    public DateTime SlaDueAt { get; set; } = NoDue;
    /// <summary>When the earliest running target reaches its at-risk share; null when none runs.</summary>
    public DateTime? SlaAtRiskAt { get; set; }

    public static readonly DateTime NoDue = DateTime.MaxValue;

    /// <summary>Concurrency token, bumped on every save.</summary>
    public int Version { get; set; }

    public List<TicketMessage> Messages { get; set; } = [];

    /// <summary>
    /// The ticket a mail named (by its tag or thread) although its sender does not belong to that ticket: this ticket
    /// mentions it, and the mail never joined it.
    /// </summary>
    public int? RelatedTicketId { get; set; }
    public Ticket? RelatedTicket { get; set; }

    /// <summary>Set when this ticket was merged into another: it is closed, and opening it or mail naming it leads there.</summary>
    public int? MergedIntoTicketId { get; set; }

    public string Tag => FormatNumber(Number);
    public static string FormatNumber(int number) => $"#{number}";
}

public class TicketWatcher
{
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
}

public class TicketAssignedCustomer
{
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public int CustomerId { get; set; }
    public Customer Customer { get; set; } = null!;
}
