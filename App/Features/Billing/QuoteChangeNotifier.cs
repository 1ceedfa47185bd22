namespace BlazorTickets.Features.Billing;

public sealed record QuotesChanged(IReadOnlyCollection<int> QuoteIds);

/// <summary>New quotes and status changes, so every open quote list and quote page shows them without a reload.</summary>
public sealed class QuoteChangeNotifier(ILogger<QuoteChangeNotifier> logger) : ChangeNotifier<QuotesChanged>(logger)
{
    public void Publish(IReadOnlyCollection<int> quoteIds)
    {
        if (quoteIds.Count > 0)
        {
            PublishChange(new QuotesChanged(quoteIds));
        }
    }
}
