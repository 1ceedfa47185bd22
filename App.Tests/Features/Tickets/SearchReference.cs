using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>
/// The ticket search done the plain way, independently of the FTS index: every ticket loaded into memory and each
/// search word looked for among the words of its subject, customers and message texts.
/// </summary>
public static partial class SearchReference
{
    public sealed record Document(int TicketId, IReadOnlyList<IReadOnlyList<string>> Columns);

    public static async Task<List<Document>> LoadAsync(IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var tickets = await db.Set<Ticket>().AsNoTracking().Select(t => new { t.Id, t.Subject, t.CustomerId }).ToListAsync();
        var customers = await db.Set<Customer>().AsNoTracking()
            .Select(c => new { c.Id, Text = c.Name + " " + c.Company, Emails = c.Emails.Select(e => e.Address).ToList() })
            .ToDictionaryAsync(c => c.Id, c => $"{c.Text} {string.Join(' ', c.Emails)}");
        var assigned = (await db.Set<TicketAssignedCustomer>().AsNoTracking().ToListAsync()).ToLookup(a => a.TicketId, a => a.CustomerId);
        var parser = new HtmlParser();
        var bodies = (await db.Set<TicketMessage>().AsNoTracking().Select(m => new { m.TicketId, m.TextBody, m.HtmlBody }).ToListAsync())
            .ToLookup(m => m.TicketId, m => !string.IsNullOrWhiteSpace(m.TextBody) ? m.TextBody : m.HtmlBody is null ? "" : TextOf(parser, m.HtmlBody));
        return tickets.Select(t => new Document(t.Id,
        [
            Words(t.Subject),
            Words(string.Join(' ', assigned[t.Id].Prepend(t.CustomerId ?? 0).Distinct().Where(customers.ContainsKey).Select(id => customers[id]))),
            Words(string.Join('\n', bodies[t.Id])),
        ])).ToList();
    }

    private static string TextOf(HtmlParser parser, string html)
    {
        var document = parser.ParseDocument(html);
        foreach (var hidden in document.QuerySelectorAll("script, style, head"))
        {
            hidden.Remove();
        }
        return document.Body?.TextContent ?? "";
    }

    /// <summary>Every whitespace-separated search word must occur; its last part of three or more letters may begin a longer word.</summary>
    public static bool Matches(Document document, string query, bool prefixes = true)
    {
        foreach (var word in query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = Words(word);
            if (parts.Count == 0)
            {
                continue;
            }
            var prefix = prefixes && parts[^1].Length >= 3;
            if (!document.Columns.Any(column => ContainsPhrase(column, parts, prefix)))
            {
                return false;
            }
        }
        return true;
    }

    public static List<int> Find(IEnumerable<Document> documents, string query, bool prefixes = true) =>
        documents.Where(d => Matches(d, query, prefixes)).Select(d => d.TicketId).ToList();

    private static bool ContainsPhrase(IReadOnlyList<string> words, IReadOnlyList<string> phrase, bool prefix)
    {
        for (var start = 0; start + phrase.Count <= words.Count; start++)
        {
            var all = true;
            for (var i = 0; i < phrase.Count && all; i++)
            {
                var last = i == phrase.Count - 1;
                all = last && prefix ? words[start + i].StartsWith(phrase[i], StringComparison.Ordinal) : words[start + i] == phrase[i];
            }
            if (all)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Words in their compared form: German umlauts spelled out, lower case, no accents.</summary>
    public static List<string> Words(string text) =>
        WordPattern().Matches(text).Select(m => Comparable(m.Value)).ToList();

    private static string Comparable(string word)
    {
        var spelledOut = word.Replace("ä", "ae").Replace("ö", "oe").Replace("ü", "ue")
            .Replace("Ä", "ae").Replace("Ö", "oe").Replace("Ü", "ue").Replace("ß", "ss").Replace("ẞ", "ss");
        var decomposed = spelledOut.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        return new string(decomposed.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray());
    }

    [GeneratedRegex(@"[\p{L}\p{N}\p{Mn}]+")]
    private static partial Regex WordPattern();
}
