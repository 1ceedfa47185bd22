using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;

namespace BlazorTickets.Features.Billing;

public enum QuoteStatus
{
    Draft = 0,
    Sent = 1,
    Accepted = 2,
    Rejected = 3,
    Cancelled = 4,
}

public class Quote
{
    public int Id { get; set; }
    public string Number { get; set; } = "";
    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public int CustomerId { get; set; }
    public Customer Customer { get; set; } = null!;
    public QuoteStatus Status { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedById { get; set; }
    public string Currency { get; set; } = "EUR";
    public decimal VatRate { get; set; }
    public decimal Net { get; set; }
    public decimal Vat { get; set; }
    public decimal Gross { get; set; }
    public List<QuoteLine> Lines { get; set; } = [];
}

public class QuoteLine
{
    public int Id { get; set; }
    public int QuoteId { get; set; }
    public Quote Quote { get; set; } = null!;
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public int UserGroupId { get; set; }
    public UserGroup UserGroup { get; set; } = null!;
    public string Text { get; set; } = "";
    public decimal Hours { get; set; }
    public decimal Rate { get; set; }
    public decimal Amount { get; set; }
    public List<TimeEntry> TimeEntries { get; set; } = [];
}
