using System.Net;
using System.Text;

namespace BlazorTickets.Shared;

/// <summary>
/// How hard a mail's HTML is for the HTML parser, measured by one linear scan before the parser is started.
/// The parser walks the stack of open elements for most start tags, so its work grows with depth × tags:
/// 120,000 unclosed divs (1 MB) keep a core busy for minutes. Ordinary mail nests a few dozen levels.
/// </summary>
public readonly record struct HtmlComplexity(int Depth, long Work)
{
    /// <summary>Real mail nests a few dozen levels; beyond this the parser is not started.</summary>
    public const int MaxDepth = 1_000;

    /// <summary>Sum over all start tags of the depth they open at: about 100 times what a 1 MB newsletter needs.</summary>
    public const long MaxWork = 20_000_000;

    public bool IsTooComplex => Depth > MaxDepth || Work > MaxWork;

    private static readonly string[] RawTextElements = ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

    /// <summary>Elements that never nest: void elements, and those whose end tag is optional because the parser closes them itself.</summary>
    private static readonly HashSet<string> NotNesting = new(StringComparer.Ordinal)
    {
        "br", "img", "hr", "meta", "link", "input", "area", "base", "col", "wbr", "source", "param", "track", "embed",
        "p", "li", "td", "th", "tr", "dt", "dd", "option",
    };

    /// <summary>
    /// Follows the open elements as the parser would, in linear time: an end tag closes only an element of its name that
    /// is open (and what was opened inside it), so stray end tags such as <c>&lt;/x&gt;</c> cannot hide the nesting.
    /// A self-closing slash on an HTML container is ignored, as the parser ignores it. Content of script, style and the
    /// other raw-text elements and of comments is skipped.
    /// </summary>
    public static HtmlComplexity Measure(string html)
    {
        var open = new List<string>();
        var openByName = new Dictionary<string, int>(StringComparer.Ordinal);
        var deepest = 0;
        long work = 0;
        var nextClose = -1;
        for (var i = html.IndexOf('<'); i >= 0 && i < html.Length - 1; i = html.IndexOf('<', i + 1))
        {
            var next = html[i + 1];
            if (next == '!' && string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }
                i = end;
                continue;
            }
            var isEnd = next == '/';
            var nameStart = isEnd ? i + 2 : i + 1;
            if (nameStart >= html.Length || !char.IsAsciiLetter(html[nameStart]))
            {
                continue;
            }
            var name = TagName(html, nameStart);
            if (nextClose < i)
            {
                nextClose = html.IndexOf('>', i);
                if (nextClose < 0)
                {
                    break; // The rest is text to the parser: no '>' closes any tag from here on.
                }
            }
            if (isEnd)
            {
                if (openByName.GetValueOrDefault(name) > 0)
                {
                    string popped;
                    do
                    {
                        popped = open[^1];
                        open.RemoveAt(open.Count - 1);
                        openByName[popped]--;
                    }
                    while (popped != name);
                }
                continue;
            }

            work += open.Count;
            if (Array.IndexOf(RawTextElements, name) >= 0)
            {
                var end = html.IndexOf("</" + name, nextClose, StringComparison.OrdinalIgnoreCase);
                if (end < 0)
                {
                    break;
                }
                i = end + 1;
                continue;
            }
            var selfClosing = html[nextClose - 1] == '/';
            var inForeignContent = openByName.GetValueOrDefault("svg") + openByName.GetValueOrDefault("math") > 0;
            if (NotNesting.Contains(name) || selfClosing && inForeignContent)
            {
                continue;
            }
            open.Add(name);
            openByName[name] = openByName.GetValueOrDefault(name) + 1;
            deepest = Math.Max(deepest, open.Count);
        }
        return new HtmlComplexity(deepest, work);
    }

    private static string TagName(string html, int start)
    {
        var end = start;
        while (end < html.Length && end - start < 32 && (char.IsAsciiLetterOrDigit(html[end]) || html[end] is '-' or ':'))
        {
            end++;
        }
        return html[start..end].ToLowerInvariant();
    }

    private static readonly HashSet<string> LineBreaking = new(StringComparer.Ordinal) { "br", "p", "div", "tr", "li", "h1", "h2", "h3" };

    /// <summary>
    /// The text of HTML without parsing it into a tree, in linear time: tags are dropped (block tags become line
    /// breaks), script and style with their content too, and character references are decoded. For HTML too complex to parse.
    /// </summary>
    public static string PlainTextOf(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        var nextClose = -1;
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0)
            {
                text.Append(html, i, html.Length - i);
                break;
            }
            text.Append(html, i, lt - i);
            if (nextClose < lt)
            {
                nextClose = html.IndexOf('>', lt);
            }
            if (nextClose < 0)
            {
                text.Append(html, lt, html.Length - lt);
                break;
            }
            var nameStart = lt + 1 < html.Length && html[lt + 1] == '/' ? lt + 2 : lt + 1;
            if (nameStart < html.Length && char.IsAsciiLetter(html[nameStart]))
            {
                var name = TagName(html, nameStart);
                if (LineBreaking.Contains(name))
                {
                    text.Append('\n');
                }
                if (nameStart == lt + 1 && name is "script" or "style" or "head" or "title")
                {
                    var end = html.IndexOf("</" + name, nextClose, StringComparison.OrdinalIgnoreCase);
                    nextClose = end < 0 ? -1 : html.IndexOf('>', end);
                    if (nextClose < 0)
                    {
                        break;
                    }
                }
                i = nextClose + 1;
            }
            else if (lt + 1 < html.Length && html[lt + 1] is '!' or '?')
            {
                var end = string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0 ? html.IndexOf("-->", lt, StringComparison.Ordinal) : nextClose;
                if (end < 0)
                {
                    break;
                }
                i = end + 1;
                nextClose = Math.Max(nextClose, end);
            }
            else
            {
                text.Append('<');
                i = lt + 1;
            }
        }
        var result = new StringBuilder();
        var emptyLines = 0;
        foreach (var line in WebUtility.HtmlDecode(text.ToString()).Replace("\r", "").Split('\n'))
        {
            var trimmed = line.Trim();
            // Hostile HTML is mostly tags: one empty line stands for any run of them.
            emptyLines = trimmed.Length == 0 ? emptyLines + 1 : 0;
            if (emptyLines <= 1)
            {
                result.Append(trimmed).Append('\n');
            }
        }
        return result.ToString().Trim();
    }
}
