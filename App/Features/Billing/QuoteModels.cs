using BlazorTickets.Shared;
namespace BlazorTickets.Features.Billing;

public sealed record QuoteRow(
    int Id,
    string Number,
    QuoteStatus Status,
    DateTime CreatedAt,
    string CustomerName,
    string TenantName,
    string Currency,
    decimal Net,
    decimal Vat,
    decimal Gross,
    int LineCount,
    int CustomerId,
    int TenantId);

/// <summary>Sums of the filtered quotes, per currency (amounts in different currencies never add up).</summary>
public sealed record QuoteTotals(string Currency, int Count, decimal Net, decimal Vat, decimal Gross);

public sealed record QuotePage(IReadOnlyList<QuoteRow> Rows, int TotalCount, IReadOnlyList<QuoteTotals> Totals);

public sealed record QuoteLineView(int Id, int TicketId, int TicketNumber, string Text, string UserGroupName, decimal Hours, decimal Rate, decimal Amount, int EntryCount);

public sealed record QuoteDetails(
    int Id,
    string Number,
    QuoteStatus Status,
    DateTime CreatedAt,
    string? CreatedByName,
    int TenantId,
    string TenantName,
    string TenantSenderName,
    string TenantSenderAddress,
    int CustomerId,
    string CustomerNumber,
    string CustomerName,
    string CustomerCompany,
    string CustomerAddress,
    string Currency,
    decimal VatRate,
    decimal Net,
    decimal Vat,
    decimal Gross,
    IReadOnlyList<QuoteLineView> Lines)
{
    public decimal Hours => Lines.Sum(l => l.Hours);
}

public abstract record QuoteStatusResult
{
    public sealed record Changed(QuoteStatus Status, int ReleasedEntries) : QuoteStatusResult;
    /// <summary>Nothing changed; why is a form-level error.</summary>
    public sealed record Refused(FieldErrors Errors) : QuoteStatusResult
    {
        public Refused(string reason) : this(FieldErrors.OfForm(reason)) { }
    }
}

public static class QuoteMessages
{
    public const string NotFound = "The quote does not exist.";
    public const string NotAllowed = "This status change is not allowed.";
    public const string ChangedMeanwhile = "Someone changed this quote in the meantime; reload it.";
}

public sealed record QuotePdfFile(byte[] Content, string FileName)
{
    public const string ContentType = "application/pdf";
}
