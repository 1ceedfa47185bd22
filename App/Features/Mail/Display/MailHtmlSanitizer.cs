using System.Text.RegularExpressions;
using AngleSharp;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Ganss.Xss;
using BlazorTickets.Features.Mail;

namespace BlazorTickets.Features.Mail.Display;

/// <summary>Mail HTML made safe to show, and how many remote images (img src, CSS url()) it no longer loads.</summary>
public sealed record SanitizedMailHtml(string Html, int BlockedRemoteImageCount)
{
    /// <summary>The HTML took longer to parse than <see cref="MailHtmlSanitizer.ParseBudget"/>; show the text body instead.</summary>
    public bool IsTooComplex { get; init; }

    public static readonly SanitizedMailHtml TooComplex = new("", 0) { IsTooComplex = true };
}

/// <summary>
/// Cleans the HTML of a received mail with HtmlSanitizer: no scripts, event handlers, forms, frames, objects, base or
/// meta refresh, no javascript: or other foreign URLs, no CSS expressions; ordinary formatting (tables, inline styles,
/// style sheets, images) stays. <c>cid:</c> images point to our inline attachment URL, and remote images are left out
/// until the reader asks for them, because loading them tells the sender that and when the mail was read.
/// </summary>
public sealed partial class MailHtmlSanitizer(InlineImageLinks inlineImageLinks)
{
    /// <summary>Image formats a browser shows without running anything; SVG is left out because it can carry script.</summary>
    [GeneratedRegex(@"^data:image/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$", RegexOptions.IgnoreCase)]
    private static partial Regex InlineDataImage();

    private static readonly string[] FormTags =
        ["form", "input", "button", "select", "option", "optgroup", "textarea", "datalist", "keygen", "output", "menuitem"];

    /// <summary>
    /// Parsing deeply nested HTML takes quadratic time (a 500 KB mail of nested divs keeps a core busy for minutes),
    /// so a hostile mail could stall the server each time someone opens it. Ordinary mail parses in milliseconds.
    /// </summary>
    public TimeSpan ParseBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Real mail nests a few dozen levels; beyond this the parser is not even started.</summary>
    public const int MaxNestingDepth = HtmlComplexity.MaxDepth;

    /// <param name="html">The mail's HTML body as received.</param>
    /// <param name="attachmentIdsByContentId">The message's attachments by Content-ID (with or without angle brackets).</param>
    /// <param name="loadRemoteImages">Keep http(s) images and CSS backgrounds instead of leaving them out.</param>
    /// <returns>
    /// The body content (with the mail's style sheets first) to place in the body of a document of our own;
    /// the mail's html, head and body elements themselves are not part of it. <see cref="SanitizedMailHtml.TooComplex"/>
    /// when parsing exceeds <see cref="ParseBudget"/>.
    /// </returns>
    /// <remarks>Runs on the thread pool, so a slow mail does not hold up the caller's circuit.</remarks>
    public Task<SanitizedMailHtml> SanitizeAsync(
        string html, IReadOnlyDictionary<string, int> attachmentIdsByContentId, bool loadRemoteImages = false, CancellationToken ct = default) =>
        Task.Run(() => SanitizeWithinBudgetAsync(html, attachmentIdsByContentId, loadRemoteImages, ct), ct);

    /// <summary>The deepest nesting the parser would build, by a linear scan (see <see cref="HtmlComplexity.Measure"/>).</summary>
    public static int EstimatedNestingDepth(string html) => HtmlComplexity.Measure(html).Depth;

    private async Task<SanitizedMailHtml> SanitizeWithinBudgetAsync(
        string html, IReadOnlyDictionary<string, int> attachmentIdsByContentId, bool loadRemoteImages, CancellationToken ct)
    {
        var contentIds = attachmentIdsByContentId.ToDictionary(p => NormalizeContentId(p.Key), p => p.Value, StringComparer.OrdinalIgnoreCase);
        var blocked = 0;
        var sanitizer = CreateSanitizer();
        sanitizer.FilterUrl += (_, e) =>
        {
            var url = e.OriginalUrl.Trim();
            if (url.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                e.SanitizedUrl = contentIds.TryGetValue(NormalizeContentId(Uri.UnescapeDataString(url[4..])), out var id)
                    ? inlineImageLinks.UrlFor(id)
                    : null;
            }
            else if (InlineDataImage().IsMatch(url) && e.Tag?.NodeName == "IMG")
            {
                e.SanitizedUrl = url;
            }
            else if (e.SanitizedUrl is not null && !IsLink(e.Tag, e.OriginalUrl))
            {
                // A loaded resource: remote ones wait for the reader's consent; relative ones would reach our own app.
                var remote = Uri.TryCreate(e.SanitizedUrl, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https";
                if (remote && !loadRemoteImages)
                {
                    blocked++;
                }
                e.SanitizedUrl = remote && loadRemoteImages ? e.SanitizedUrl : null;
            }
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is IElement { NodeName: "A" or "AREA" } link && link.HasAttribute("href"))
            {
                link.SetAttribute("target", "_blank");
                link.SetAttribute("rel", "noopener noreferrer");
            }
        };

        // A cancelled parse does not stop at once, so hostile nesting is refused before it can keep a core busy.
        if (HtmlComplexity.Measure(html).IsTooComplex)
        {
            return SanitizedMailHtml.TooComplex;
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(ParseBudget);
        IHtmlDocument document;
        try
        {
            document = await sanitizer.HtmlParserFactory().ParseDocumentAsync(html, budget.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return SanitizedMailHtml.TooComplex;
        }
        sanitizer.SanitizeDom(document);
        blocked += FilterCssImages(document, loadRemoteImages);
        using var output = new StringWriter();
        foreach (var styleSheet in document.Head?.QuerySelectorAll("style") ?? Enumerable.Empty<IElement>())
        {
            styleSheet.ToHtml(output, sanitizer.OutputFormatter);
        }
        foreach (var node in document.Body?.ChildNodes ?? Enumerable.Empty<INode>())
        {
            node.ToHtml(output, sanitizer.OutputFormatter);
        }
        return new SanitizedMailHtml(output.ToString(), blocked);
    }

    [GeneratedRegex(@"url\(\s*(?:""([^""]*)""|'([^']*)'|([^)\s]*))\s*\)", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();

    [GeneratedRegex(@"""([^""]*)""|'([^']*)'")]
    private static partial Regex CssString();

    /// <summary>
    /// Images the sanitizer's URL filter does not see: <c>image-set()</c> takes bare strings as URLs, and
    /// <c>border-image</c> in a style sheet keeps its <c>url()</c>. A declaration that still loads anything but our own
    /// inline images, or a remote image before the reader asked, is removed; the remote ones count as blocked.
    /// </summary>
    private static int FilterCssImages(IHtmlDocument document, bool loadRemoteImages)
    {
        var blocked = 0;
        foreach (var element in document.QuerySelectorAll("[style]"))
        {
            var style = element.GetAttribute("style")!;
            var filtered = FilterCssDeclarations(style, loadRemoteImages, ref blocked);
            if (filtered != style)
            {
                element.SetAttribute("style", filtered);
            }
        }
        foreach (var sheet in document.QuerySelectorAll("style"))
        {
            var css = sheet.TextContent;
            var filtered = FilterCssDeclarations(css, loadRemoteImages, ref blocked);
            if (filtered != css)
            {
                sheet.TextContent = filtered;
            }
        }
        return blocked;
    }

    /// <summary>Drops each declaration (the text between <c>;</c>, <c>{</c> and <c>}</c> outside strings and parentheses) that loads a forbidden image.</summary>
    private static string FilterCssDeclarations(string css, bool loadRemoteImages, ref int blocked)
    {
        if (!css.Contains("url(", StringComparison.OrdinalIgnoreCase) && !css.Contains("image-set(", StringComparison.OrdinalIgnoreCase))
        {
            return css;
        }
        var result = new System.Text.StringBuilder(css.Length);
        var removedRemote = 0;
        var (segmentStart, parentheses, quote) = (0, 0, '\0');
        for (var i = 0; i < css.Length; i++)
        {
            var c = css[i];
            if (quote != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
                continue;
            }
            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '\\':
                    i++;
                    break;
                case '(':
                    parentheses++;
                    break;
                case ')':
                    parentheses = Math.Max(0, parentheses - 1);
                    break;
                case ';' or '{' or '}' when parentheses == 0:
                    AppendDeclaration(css[segmentStart..i]);
                    result.Append(c);
                    segmentStart = i + 1;
                    break;
            }
        }
        AppendDeclaration(css[Math.Min(segmentStart, css.Length)..]);
        blocked += removedRemote;
        return result.ToString();

        void AppendDeclaration(string declaration)
        {
            var urls = CssUrl().Matches(declaration).Select(m => m.Groups[1].Value + m.Groups[2].Value + m.Groups[3].Value).ToList();
            var isImageSet = declaration.Contains("image-set(", StringComparison.OrdinalIgnoreCase);
            if (isImageSet)
            {
                urls.AddRange(CssString().Matches(declaration).Select(m => m.Groups[1].Value + m.Groups[2].Value));
            }
            if (urls.Count == 0 && !isImageSet || urls.Count > 0 && urls.All(url => IsOwnInlineImage(url) || loadRemoteImages && IsRemote(url)))
            {
                result.Append(declaration);
                return;
            }
            if (!loadRemoteImages && urls.Any(IsRemote))
            {
                removedRemote++;
            }
        }
    }

    private static bool IsRemote(string url)
    {
        var trimmed = url.Trim();
        return trimmed.StartsWith("//", StringComparison.Ordinal)
               || Uri.TryCreate(trimmed, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https";
    }

    /// <summary>What a <c>cid:</c> image became: our inline URL with its own permission.</summary>
    private static bool IsOwnInlineImage(string url) =>
        url.StartsWith("/attachments/", StringComparison.Ordinal) && url.Contains("/inline?" + InlineImageLinks.AccessParameter + "=", StringComparison.Ordinal);

    /// <summary>A URL that is only followed on a click (a link, a citation), as opposed to one the page loads.</summary>
    private static bool IsLink(IElement? element, string url) =>
        element is not null
        && (element.NodeName is "A" or "AREA" && element.GetAttribute("href") == url
            || element.GetAttribute("cite") == url);

    private static string NormalizeContentId(string contentId) => contentId.Trim().Trim('<', '>');

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in FormTags)
        {
            sanitizer.AllowedTags.Remove(tag);
        }
        sanitizer.AllowedAttributes.Remove("action");
        sanitizer.AllowedAttributes.Remove("formaction");
        // Mail layouts rely on their style sheets and the classes and ids these select; none of them can run anything.
        sanitizer.AllowedTags.Add("style");
        sanitizer.AllowedAttributes.Add("class");
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedAtRules.Add(CssRuleType.Media);
        sanitizer.AllowedSchemes.Add("mailto");
        return sanitizer;
    }
}
