using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// The words of the full-text index, for spelling a prefix out. FTS5 answers a prefix query ("printer"*) by merging the
/// doclists of every word the prefix covers in memory before it returns a first row: 20–70 ms per statement for a word
/// in most of a million tickets, however small the LIMIT. An OR of the words themselves is read lazily and stops at the
/// LIMIT. The words are read from an fts5vocab table of the instance kind, one LIMIT 1 step per word: the row kind would
/// count every word's documents on the way.
/// </summary>
public static class TicketSearchWords
{
    public const string Table = "TicketSearchWords";

    /// <summary>A prefix that covers more words than this is left to FTS5.</summary>
    public const int MaxWordsPerPrefix = 16;

    public const string Create = $"CREATE VIRTUAL TABLE {Table} USING fts5vocab({TicketSearchSql.Table}, instance);";
    public const string Drop = $"DROP TABLE IF EXISTS {Table};";

    public static async Task<TicketSearchQuery> SpellOutPrefixesAsync(DbContext db, TicketSearchQuery search, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
        {
            // GIN answers a prefix (word:*) from its sorted words without FTS5's merge: nothing to spell out.
            return search;
        }
        var covered = new Dictionary<TicketSearchQuery.SearchWord, IReadOnlyList<string>?>(ReferenceEqualityComparer.Instance);
        foreach (var word in search.Words.Where(w => w.Prefix && w.Keys.Count == 1))
        {
            covered[word] = await LongerWordsAsync(db, word.Keys[0], ct);
        }
        return covered.Count == 0 ? search : search.WithPrefixesSpelledOut(w => covered.GetValueOrDefault(w));
    }

    /// <summary>The index's words that start with <paramref name="key"/> and are longer; null when there are too many.</summary>
    private static async Task<IReadOnlyList<string>?> LongerWordsAsync(DbContext db, string key, CancellationToken ct)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = $"SELECT term FROM {Table} WHERE term >= $from AND term < $below LIMIT 1";
            // Index words hold no control characters, so key + U+0001 is the first string after the key's own word.
            var from = command.Parameters.Add("$from", SqliteType.Text);
            command.Parameters.AddWithValue("$below", key + "\U0010FFFF");
            var words = new List<string>();
            from.Value = key + "\u0001";
            while (await command.ExecuteScalarAsync(ct) is string word)
            {
                if (words.Count == MaxWordsPerPrefix)
                {
                    return null;
                }
                words.Add(word);
                from.Value = word + "\u0001";
            }
            return words;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
