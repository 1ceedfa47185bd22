namespace BlazorTickets.Features.Webhooks;

public static class WebhookEventTypes
{
    public const string TicketCreated = "ticket.created";
    public const string TicketUpdated = "ticket.updated";
    public const string MessageReceived = "message.received";
    public const string MessageSent = "message.sent";
    public const string TimeEntryCreated = "time_entry.created";
    public const string QuoteCreated = "quote.created";
    public const string QuoteStatusChanged = "quote.status_changed";

    public static readonly IReadOnlyList<string> All =
        [TicketCreated, TicketUpdated, MessageReceived, MessageSent, TimeEntryCreated, QuoteCreated, QuoteStatusChanged];
}
