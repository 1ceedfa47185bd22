using BlazorTickets.Features.Tenants;

namespace BlazorTickets.Features.TextBlocks;

public class TextBlock
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public bool IsReplyTemplate { get; set; }
}

public static class TextBlockKeys
{
    public const string ContactReplyCustomer = "contact.reply.customer";
}
