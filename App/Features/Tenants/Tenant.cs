namespace BlazorTickets.Features.Tenants;

public class Tenant
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string SenderAddress { get; set; } = "";
    public string SenderName { get; set; } = "";
    public string Currency { get; set; } = "EUR";
    public decimal VatRate { get; set; } = 19m;
    public string QuoteNumberPrefix { get; set; } = "Q";
    /// <summary>Timer entries are rounded up to this many minutes; 0 means no rounding.</summary>
    public int TimeRoundingMinutes { get; set; }
}
