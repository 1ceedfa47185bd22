using BlazorTickets.Data;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Tickets;

/// <summary>The ticket ids a search's filter admits, as a range of ids: lets the FTS index skip the rest.</summary>
public readonly record struct TicketIdRange(int From, int Below)
{
    public static readonly TicketIdRange All = new(0, int.MaxValue);
}

/// <summary>
/// Relevance order for a search. bm25 over every match of a common word (hundreds of thousands at a million
/// tickets) costs far more than a page may, so only the newest <see cref="RankedWindow"/> matches are ranked, best
/// first; older matches follow in the order of the list without a search (last change first).
/// </summary>
public static class TicketSearchRanking
{
    public const int RankedWindow = 1_000;

    /// <param name="among">The list's filter without the search, limited to the given ticket ids; null for no filter.</param>
    /// <param name="older">
    /// The same for the older matches, in the list's order without a search (last change first), read the way that suits
    /// the filter and the word.
    /// </param>
    public static async Task<List<int>> PageIdsAsync(
        AppDbContext db, TicketSearchQuery search, Func<IReadOnlyList<int>, IQueryable<Ticket>>? among, Func<TicketIdRange, IQueryable<Ticket>> older,
        int skip, int take, CancellationToken ct)
    {
        var window = await TicketSearchSql.Matching(db, search)
            .OrderByDescending(s => s.TicketId)
            .Take(RankedWindow)
            .Select(s => new { s.TicketId, s.Rank })
            .ToListAsync(ct);
        var cutoff = window.Count == RankedWindow ? window[^1].TicketId : 0;
        var rank = window.ToDictionary(s => s.TicketId, s => s.Rank);

        // The window's own ids, looked up one by one: as a join with the index SQLite may start from the filter's index.
        var windowIds = among is null
            ? window.Select(s => s.TicketId).ToList()
            : await among(window.Select(s => s.TicketId).ToList()).Select(t => t.Id).ToListAsync(ct);
        var ranked = windowIds.OrderBy(id => rank.GetValueOrDefault(id, double.MaxValue)).ThenByDescending(id => id).ToList();
        var page = ranked.Skip(skip).Take(take).ToList();
        if (page.Count < take && cutoff > 0)
        {
            page.AddRange(await older(new TicketIdRange(0, cutoff))
                .Skip(Math.Max(0, skip - ranked.Count))
                .Take(take - page.Count)
                .Select(t => t.Id)
                .ToListAsync(ct));
        }
        return page;
    }

    /// <summary>The page's rows with a snippet of the first message that matches; rows matched only by subject or customer get none.</summary>
    public static async Task<List<TicketListRow>> WithSnippetsAsync(AppDbContext db, TicketSearchQuery search, List<TicketListRow> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.Id).ToList();
        var messages = await db.Set<TicketMessage>().AsNoTracking()
            .Where(m => ids.Contains(m.TicketId))
            .OrderBy(m => m.Date).ThenBy(m => m.Id)
            .Select(m => new { m.TicketId, m.TextBody, HtmlBody = m.TextBody.Trim() == "" ? m.HtmlBody : null })
            .ToListAsync(ct);
        var snippets = new Dictionary<int, string>();
        foreach (var message in messages)
        {
            if (!snippets.ContainsKey(message.TicketId)
                && search.Snippet(TicketSearchText.MessageText(message.TextBody, message.HtmlBody)) is { } snippet)
            {
                snippets[message.TicketId] = snippet;
            }
        }
        return rows.Select(r => r with { Snippet = snippets.GetValueOrDefault(r.Id) }).ToList();
    }
}
