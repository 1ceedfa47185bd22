namespace BlazorTickets.Features.Tickets;

public enum TicketStatus
{
    New = 0,
    Open = 1,
    InProgress = 2,
    WaitingForCustomer = 3,
    Answered = 4,
    Closed = 5,
}

public static class TicketStatusExtensions
{
    public static string DisplayName(this TicketStatus status) => status switch
    {
        TicketStatus.InProgress => "In progress",
        TicketStatus.WaitingForCustomer => "Waiting for customer",
        _ => status.ToString(),
    };
}
