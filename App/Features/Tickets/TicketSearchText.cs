using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// Text as the ticket search index sees it: German umlauts folded to their two-letter spelling on both sides
/// ("Müller", "MÜLLER" and "Mueller" all become "mueller" once the tokenizer has folded the case), and the
/// search box's words turned into an FTS5 query that cannot be misread as FTS5 syntax.
/// </summary>
public static class TicketSearchText
{
    public const string FoldFunction = "bt_search_fold";
    public const string MessageFunction = "bt_search_message";
    public const string DeferredFunction = "bt_search_deferred";

    /// <summary>Words this short are matched whole: as a prefix they would match a large part of the index.</summary>
    public const int MinPrefixLength = 3;

    public const char MarkStart = '\u0002';
    public const char MarkEnd = '\u0003';

    /// <summary>Adds the functions the index triggers call; every connection that writes tickets needs them.</summary>
    public static void RegisterFunctions(SqliteConnection connection)
    {
        connection.CreateFunction<string?, string?>(FoldFunction, text => text is null ? null : Fold(text), isDeterministic: true);
        connection.CreateFunction<string?, string?, string?>(MessageFunction, (text, html) => Fold(MessageText(text, html)), isDeterministic: true);
        SetInsertTriggersDeferred(connection, false);
    }

    /// <summary>What the insert triggers of <see cref="TicketSearchSql"/> ask: whoever inserts on this connection indexes it.</summary>
    internal static void SetInsertTriggersDeferred(SqliteConnection connection, bool deferred) =>
        connection.CreateFunction(DeferredFunction, () => deferred);

    /// <summary>The index text of a ticket's messages in the order they were inserted, as the index triggers build it.</summary>
    public static string BodyOf(IEnumerable<(string? Text, string? Html)> messages) =>
        Fold(string.Join('\n', messages.Select(m => MessageText(m.Text, m.Html))));

    /// <summary>
    /// The text of a message: its text body, or the text of its HTML body when it has no text (mail import already
    /// derives the text body from the HTML when a mail has only HTML).
    /// </summary>
    public static string MessageText(string? text, string? html) =>
        !string.IsNullOrWhiteSpace(text) ? text
        : string.IsNullOrEmpty(html) ? ""
        : HtmlComplexity.PlainTextOf(html);

    public static string Fold(string text)
    {
        if (text.AsSpan().IndexOfAny("äöüÄÖÜßẞ") < 0)
        {
            return text;
        }
        var folded = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case 'ä': folded.Append("ae"); break;
                case 'ö': folded.Append("oe"); break;
                case 'ü': folded.Append("ue"); break;
                case 'Ä': folded.Append("Ae"); break;
                case 'Ö': folded.Append("Oe"); break;
                case 'Ü': folded.Append("Ue"); break;
                case 'ß' or 'ẞ': folded.Append("ss"); break;
                default: folded.Append(c); break;
            }
        }
        return folded.ToString();
    }

    /// <summary>The comparable form of one token: folded, lower case, without diacritics (what the tokenizer indexes).</summary>
    public static string Key(string token)
    {
        var decomposed = Fold(token).ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var key = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                key.Append(c);
            }
        }
        return key.ToString();
    }

    /// <summary>A word of the index: letters and digits (the unicode61 tokenizer splits on everything else).</summary>
    public static bool IsWordCharacter(char c) => char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    public static IEnumerable<(int Start, int Length)> Tokens(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !IsWordCharacter(text[i]))
            {
                i++;
            }
            var start = i;
            while (i < text.Length && IsWordCharacter(text[i]))
            {
                i++;
            }
            if (i > start)
            {
                yield return (start, i - start);
            }
        }
    }
}

/// <summary>
/// What the search box asked for: each whitespace-separated word must occur (as a phrase when it holds punctuation,
/// like an e-mail address); a word's last token of at least <see cref="TicketSearchText.MinPrefixLength"/> characters
/// also matches longer words ("print" finds "printer").
/// </summary>
public sealed class TicketSearchQuery
{
    private TicketSearchQuery(IReadOnlyList<SearchWord> words, string match)
    {
        Words = words;
        Match = match;
        Terms = words.SelectMany(w => w.Keys.Select((key, i) => (key, w.Prefix && i == w.Keys.Count - 1))).ToList();
    }

    /// <summary>One word of the search box as index keys; a prefix word also matches longer words in its last key.</summary>
    public sealed record SearchWord(IReadOnlyList<string> Keys, bool Prefix);

    public IReadOnlyList<SearchWord> Words { get; }

    /// <summary>The FTS5 query: quoted phrases only, so no user input is read as an FTS5 operator.</summary>
    public string Match { get; }

    public IReadOnlyList<(string Key, bool Prefix)> Terms { get; }

    /// <summary>
    /// The same search as PostgreSQL's to_tsquery text: each word's keys a phrase, the last one a prefix (:*) for a
    /// prefix word, all words required. The keys are letters and digits only; quoted, nothing typed is an operator.
    /// </summary>
    public string TsQuery => string.Join(" & ", Words.Select(word =>
        "(" + string.Join(" <-> ", word.Keys.Select((key, i) => $"'{key.Replace("'", "''")}'" + (word.Prefix && i == word.Keys.Count - 1 ? ":*" : ""))) + ")"));

    public static TicketSearchQuery? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var words = new List<SearchWord>();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var keys = TicketSearchText.Tokens(word).Select(t => TicketSearchText.Key(word.Substring(t.Start, t.Length))).ToList();
            if (keys.Count > 0)
            {
                words.Add(new SearchWord(keys, Prefix: keys[^1].Length >= TicketSearchText.MinPrefixLength));
            }
        }
        return words.Count == 0 ? null : new TicketSearchQuery(words, string.Join(' ', words.Select(w => Phrase(w.Keys) + (w.Prefix ? "*" : ""))));
    }

    /// <summary>
    /// The same search with each prefix word spelled out as the index's words that it covers
    /// (<paramref name="wordsOf"/> returns them, or null when there are too many to list).
    /// </summary>
    public TicketSearchQuery WithPrefixesSpelledOut(Func<SearchWord, IReadOnlyList<string>?> wordsOf)
    {
        var parts = Words.Select(word =>
        {
            if (!word.Prefix || word.Keys.Count > 1 || wordsOf(word) is not { } covered)
            {
                return Phrase(word.Keys) + (word.Prefix ? "*" : "");
            }
            // Words the index does not hold match nothing, as the prefix itself would.
            var alternatives = covered.Prepend(word.Keys[0]).Distinct(StringComparer.Ordinal).Select(key => Phrase([key])).ToList();
            return alternatives.Count == 1 ? alternatives[0] : $"({string.Join(" OR ", alternatives)})";
        });
        // FTS5 joins phrases by AND when only spaces separate them, but not a bracketed group: say AND.
        return new TicketSearchQuery(Words, string.Join(" AND ", parts));
    }

    private static string Phrase(IEnumerable<string> keys) => $"\"{string.Join(' ', keys).Replace("\"", "\"\"")}\"";

    public bool Matches(string tokenKey) =>
        Terms.Any(term => term.Prefix ? tokenKey.StartsWith(term.Key, StringComparison.Ordinal) : tokenKey == term.Key);

    /// <summary>
    /// A short excerpt of <paramref name="text"/> around its first matching word, every matching word in it between
    /// <see cref="TicketSearchText.MarkStart"/> and <see cref="TicketSearchText.MarkEnd"/>; null when nothing matches.
    /// </summary>
    public string? Snippet(string text, int wordsBefore = 6, int maxLength = 180)
    {
        var tokens = TicketSearchText.Tokens(text).ToList();
        var first = tokens.FindIndex(t => Matches(TicketSearchText.Key(text.Substring(t.Start, t.Length))));
        if (first < 0)
        {
            return null;
        }
        var startToken = Math.Max(0, first - wordsBefore);
        var start = tokens[startToken].Start;
        var end = Math.Min(text.Length, Math.Max(start + maxLength, tokens[first].Start + tokens[first].Length));
        // End at a word boundary.
        var lastToken = tokens.FindLastIndex(t => t.Start + t.Length <= end);
        end = tokens[lastToken].Start + tokens[lastToken].Length;

        var snippet = new StringBuilder();
        if (startToken > 0)
        {
            snippet.Append('…');
        }
        var position = start;
        for (var i = startToken; i <= lastToken; i++)
        {
            var (tokenStart, length) = tokens[i];
            AppendPlain(snippet, text, position, tokenStart);
            var token = text.Substring(tokenStart, length);
            if (Matches(TicketSearchText.Key(token)))
            {
                snippet.Append(TicketSearchText.MarkStart).Append(token).Append(TicketSearchText.MarkEnd);
            }
            else
            {
                snippet.Append(token);
            }
            position = tokenStart + length;
        }
        if (lastToken < tokens.Count - 1)
        {
            snippet.Append(" …");
        }
        return snippet.ToString();
    }

    /// <summary>The text between words, on one line, without the marker characters.</summary>
    private static void AppendPlain(StringBuilder snippet, string text, int from, int to)
    {
        var wasSpace = false;
        for (var i = from; i < to; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                if (!wasSpace)
                {
                    snippet.Append(' ');
                }
                wasSpace = true;
                continue;
            }
            snippet.Append(c);
            wasSpace = false;
        }
    }
}

/// <summary>A snippet split for rendering: plain text and the matched words, each rendered as text (never markup).</summary>
public static class SnippetSegments
{
    public static IEnumerable<(string Text, bool Marked)> Split(string snippet)
    {
        var marked = false;
        var start = 0;
        for (var i = 0; i <= snippet.Length; i++)
        {
            if (i == snippet.Length || snippet[i] is TicketSearchText.MarkStart or TicketSearchText.MarkEnd)
            {
                if (i > start)
                {
                    yield return (snippet[start..i], marked);
                }
                if (i < snippet.Length)
                {
                    marked = snippet[i] == TicketSearchText.MarkStart;
                }
                start = i + 1;
            }
        }
    }
}
