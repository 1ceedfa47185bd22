using BlazorTickets.Features.Tenants;

namespace BlazorTickets.Features.TextBlocks;

public static class TextBlockDefaults
{
    /// <summary>The block a new tenant starts with; replies to customers are rendered with it.</summary>
    public static TextBlock ContactReplyCustomer(Tenant tenant) => new()
    {
        Tenant = tenant,
        Key = TextBlockKeys.ContactReplyCustomer,
        Name = "Contact: reply to customer",
        Subject = "{{subject}}",
        Body = "{{message}}\n\n{{signature}}\n\nTicket {{ticket_number}} · please keep the ticket number in the subject when you reply.\n\n{{quoted_original}}",
    };
}
