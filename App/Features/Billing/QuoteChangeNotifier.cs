using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>
    /// Quote ids between nodes. After the listener was cut off, quotes created since then are reported; a status
    /// change in that time leaves no trace to find (quotes keep no change time) and shows on the next reload.
    /// </summary>
    public static ICrossNodeChannel CrossNodeChannel(IServiceProvider services)
    {
        var notifier = services.GetRequiredService<QuoteChangeNotifier>();
        return new CrossNodeChannel<QuotesChanged, int>("quotes", notifier,
            change => change.QuoteIds.ToList(),
            ids => new QuotesChanged(ids),
            resync: async (since, ct) =>
            {
                var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var created = await db.Set<Quote>().AsNoTracking().Where(q => q.CreatedAt >= since).Select(q => q.Id).ToListAsync(ct);
                if (created.Count > 0)
                {
                    notifier.PublishFromOtherNode(new QuotesChanged(created));
                }
            });
    }
}
