namespace BlazorTickets.Features.Billing;

/// <summary>Why a ticket, or some of its entries, stay out of a bill run. English keys, translated in the UI.</summary>
public static class SkipReasons
{
    public const string NoCustomer = "The ticket has no customer";
    public const string NoConsent = "No consent to time tracking";
    public const string TimerRunning = "A timer is running on the ticket";
    public const string NoUnbilledTime = "No unbilled billable time";
    public const string NotFound = "Ticket not found";
    /// <summary>Formatted with the number of entries.</summary>
    public const string NonBillableEntries = "{0} non-billable entries are not billed";
    /// <summary>Formatted with the number of entries.</summary>
    public const string NoBillingGroup = "{0} entries by users without a billing group are not billed";
    public const string NonBillableEntry = "{0} non-billable entry is not billed";
    public const string NoBillingGroupEntry = "{0} entry by a user without a billing group is not billed";

    /// <summary>The singular of a reason formatted with a count, so one entry does not read "1 entries".</summary>
    public static string ForCount(string reason, int count) => (reason, count) switch
    {
        (NonBillableEntries, 1) => NonBillableEntry,
        (NoBillingGroup, 1) => NoBillingGroupEntry,
        _ => reason,
    };
    /// <summary>Formatted with who billed it and the quote's number: another run (often a colleague's) got there first.</summary>
    public const string AlreadyBilled = "The time was already billed by {0} on quote {1}";
}

/// <summary>
/// A ticket left out of a bill run (<see cref="WholeTicket"/>), or a billed ticket some of whose entries were left out.
/// <see cref="Count"/> is the number of entries for the reasons that are formatted with it;
/// <see cref="BilledBy"/> and <see cref="QuoteNumber"/> tell where time already billed went (<see cref="SkipReasons.AlreadyBilled"/>).
/// </summary>
public sealed record SkippedTicket(
    int TicketId, int Number, string Subject, string Reason, bool WholeTicket, int Count = 0, string? BilledBy = null, string? QuoteNumber = null);

public sealed record BillingPreviewLine(int UserGroupId, string UserGroupName, decimal Hours, decimal Rate, decimal Amount);

public sealed record BillingPreviewTicket(int TicketId, int Number, string Subject, IReadOnlyList<BillingPreviewLine> Lines)
{
    public decimal Amount => Lines.Sum(l => l.Amount);
}

/// <summary>What one quote of the run will hold: one customer of one tenant.</summary>
public sealed record BillingPreviewQuote(
    int TenantId,
    string TenantName,
    int CustomerId,
    string CustomerName,
    string Currency,
    decimal VatRate,
    IReadOnlyList<BillingPreviewTicket> Tickets)
{
    public decimal Net => Tickets.Sum(t => t.Amount);
    public decimal Vat => Money.Vat(Net, VatRate);
    public decimal Gross => Net + Vat;
    public decimal Hours => Tickets.SelectMany(t => t.Lines).Sum(l => l.Hours);

    /// <summary>Hours and amount per user group, for the preview's summary.</summary>
    public IReadOnlyList<BillingPreviewLine> ByGroup => Tickets.SelectMany(t => t.Lines)
        .GroupBy(l => (l.UserGroupId, l.UserGroupName, l.Rate))
        .Select(g => new BillingPreviewLine(g.Key.UserGroupId, g.Key.UserGroupName, g.Sum(l => l.Hours), g.Key.Rate, g.Sum(l => l.Amount)))
        .OrderBy(l => l.UserGroupName)
        .ToList();
}

public sealed record BillingPreview(IReadOnlyList<BillingPreviewQuote> Quotes, IReadOnlyList<SkippedTicket> Skipped)
{
    public int BillableTicketCount => Quotes.Sum(q => q.Tickets.Count);
}

public sealed record BilledQuote(int QuoteId, string Number, int CustomerId, string CustomerName, int LineCount, decimal Net, decimal Gross, string Currency);

public sealed record BillResult(IReadOnlyList<BilledQuote> Quotes, IReadOnlyList<SkippedTicket> Skipped, int EntriesBilled);

/// <summary>Tickets processed so far of the selection.</summary>
public readonly record struct BillingProgress(int Done, int Total);

/// <summary>The money rules, in one place so that the preview, the quote and the ticket list agree to the cent.</summary>
public static class Money
{
    /// <summary>Minutes as hours, rounded to two decimals (what a line shows and bills).</summary>
    public static decimal Hours(long minutes) => Math.Round(minutes / 60m, 2, MidpointRounding.AwayFromZero);

    /// <summary>A line's amount: its shown hours times the rate, rounded to cents.</summary>
    public static decimal Amount(decimal hours, decimal rate) => Math.Round(hours * rate, 2, MidpointRounding.AwayFromZero);

    /// <summary>VAT on the net total; <paramref name="vatRatePercent"/> is a percentage such as 19.</summary>
    public static decimal Vat(decimal net, decimal vatRatePercent) => Math.Round(net * vatRatePercent / 100m, 2, MidpointRounding.AwayFromZero);
}
