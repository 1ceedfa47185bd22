using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using BlazorTickets.Features.Mail.Display;
using Microsoft.AspNetCore.DataProtection;

namespace BlazorTickets.Tests.Features.Mail.Display;

public sealed class MailHtmlSanitizerTests
{
    private static readonly Dictionary<string, int> NoAttachments = [];
    private readonly InlineImageLinks links = new(new EphemeralDataProtectionProvider());
    private readonly MailHtmlSanitizer sanitizer;

    public MailHtmlSanitizerTests() => sanitizer = new MailHtmlSanitizer(links);

    private Task<SanitizedMailHtml> SanitizeAsync(string html, bool loadRemoteImages = false, Dictionary<string, int>? contentIds = null) =>
        sanitizer.SanitizeAsync(html, contentIds ?? NoAttachments, loadRemoteImages);

    /// <summary>The result as a browser would parse it inside our frame's body.</summary>
    private static IElement Parsed(SanitizedMailHtml result) =>
        new HtmlParser().ParseDocument($"<!DOCTYPE html><html><head></head><body>{result.Html}</body></html>").Body!;

    private static IEnumerable<string> AllUrls(IElement body) =>
        body.QuerySelectorAll("*").SelectMany(e => e.Attributes.Select(a => a.Value))
            .Concat(body.QuerySelectorAll("style").Select(s => s.TextContent));

    [Fact]
    public async Task Script_elements_are_removed_with_their_content()
    {
        var body = Parsed(await SanitizeAsync("<p>Hello</p><script>window.__xss=1</script><SCRIPT src=\"https://evil.example/x.js\"></SCRIPT><noscript><p>no</p></noscript>"));

        body.QuerySelectorAll("script").Should().BeEmpty();
        body.InnerHtml.Should().NotContain("__xss").And.NotContain("evil.example");
        body.QuerySelector("p")!.TextContent.Should().Be("Hello");
    }

    [Fact]
    public async Task Event_handler_attributes_are_removed_from_every_element()
    {
        var body = Parsed(await SanitizeAsync("""
            <img src="x" onerror="window.__xss=1"><div onclick="window.__xss=1" onmouseover="x()">text</div>
            <a href="https://example.com" onfocus="x()" autofocus>link</a><body onload="window.__xss=1"><details open ontoggle="x()">d</details>
            """));

        body.QuerySelectorAll("*").SelectMany(e => e.Attributes).Select(a => a.Name)
            .Should().NotContain(name => name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        body.TextContent.Should().Contain("text").And.Contain("link");
    }

    [Theory]
    [InlineData("<a href=\"javascript:window.__xss=1\">x</a>")]
    [InlineData("<a href=\"JaVaScRiPt:window.__xss=1\">x</a>")]
    [InlineData("<a href=\" java&#x09;script:window.__xss=1\">x</a>")]
    [InlineData("<a href=\"vbscript:msgbox(1)\">x</a>")]
    [InlineData("<a href=\"data:text/html,<script>window.__xss=1</script>\">x</a>")]
    [InlineData("<area href=\"javascript:window.__xss=1\">")]
    public async Task Script_and_data_urls_are_removed_from_links(string html)
    {
        var body = Parsed(await SanitizeAsync(html));

        body.QuerySelectorAll("[href]").Should().BeEmpty();
    }

    [Fact]
    public async Task Svg_and_math_with_script_are_removed()
    {
        var body = Parsed(await SanitizeAsync("""
            <svg onload="window.__xss=1"><script>window.__xss=1</script><a xlink:href="javascript:window.__xss=1"><text>t</text></a></svg>
            <math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1></style></mglyph></table></mtext></math>
            <img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+">
            """));

        body.QuerySelectorAll("svg, math, script").Should().BeEmpty();
        body.InnerHtml.Should().NotContain("__xss").And.NotContain("svg+xml");
    }

    [Fact]
    public async Task Css_expressions_and_script_urls_are_removed_from_styles_while_harmless_declarations_stay()
    {
        var body = Parsed(await SanitizeAsync("""
            <style>.x { width: expression(alert(1)); } .y { background: url(javascript:alert(1)); color: blue; }</style>
            <div style="width: expression(window.__xss=1); color: red">a</div>
            <div style="background-image: url('javascript:window.__xss=1'); font-weight: bold">b</div>
            <div style="behavior: url(x.htc); -moz-binding: url(x.xml#x)">c</div>
            """));

        var styles = string.Join(" ", AllUrls(body));
        styles.Should().NotContainAny("expression", "javascript", "behavior", "binding", "htc");
        body.QuerySelectorAll("div")[0].GetAttribute("style").Should().Contain("color");
        body.QuerySelectorAll("div")[1].GetAttribute("style").Should().Contain("bold");
        body.QuerySelector("style")!.TextContent.Should().Contain("color");
    }

    [Fact]
    public async Task Frames_objects_forms_base_and_meta_refresh_are_removed()
    {
        var body = Parsed(await SanitizeAsync("""
            <html><head><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">
            <link rel="stylesheet" href="https://evil.example/x.css"></head><body>
            <iframe src="https://evil.example/"></iframe><frameset><frame src="x"></frameset>
            <object data="x.swf"></object><embed src="x.swf"><applet code="x"></applet>
            <form action="https://evil.example/steal"><input name="password"><button formaction="https://evil.example/">Go</button><textarea></textarea><select><option>o</option></select></form>
            <portal src="https://evil.example/"></portal><p>kept</p>
            </body></html>
            """));

        body.QuerySelectorAll("base, meta, link, iframe, frame, frameset, object, embed, applet, form, input, button, textarea, select, option, portal")
            .Should().BeEmpty();
        body.InnerHtml.Should().NotContain("evil.example");
        body.QuerySelector("p")!.TextContent.Should().Be("kept");
    }

    [Fact]
    public async Task Ordinary_mail_formatting_stays()
    {
        var body = Parsed(await SanitizeAsync("""
            <html><head><style>.brand { color: #c00; } @media (max-width: 600px) { td { display: block; } }</style></head>
            <body><table width="600" cellpadding="4" bgcolor="#eeeeee" align="center" class="layout"><tr><td style="padding: 8px; font-size: 14px" class="brand">
            <b>Bold</b> <i>italic</i> <u>under</u> <font color="red">red</font><ul><li>one</li></ul><blockquote>quoted</blockquote>
            <img src="data:image/png;base64,iVBORw0KGgo=" alt="logo" width="20" height="10">
            <a href="https://contoso.example/help">Help</a> <a href="mailto:support@contoso.example">Mail us</a>
            </td></tr></table></body></html>
            """));

        var table = body.QuerySelector("table")!;
        table.GetAttribute("width").Should().Be("600");
        table.GetAttribute("bgcolor").Should().Be("#eeeeee");
        table.GetAttribute("class").Should().Be("layout");
        body.QuerySelector("td")!.GetAttribute("style").Should().Contain("padding").And.Contain("font-size");
        body.QuerySelectorAll("b, i, u, font, ul, li, blockquote").Should().HaveCount(7);
        body.QuerySelector("img")!.GetAttribute("src").Should().StartWith("data:image/png;base64,");
        body.QuerySelector("img")!.GetAttribute("alt").Should().Be("logo");
        body.QuerySelector("style")!.TextContent.Should().Contain(".brand").And.Contain("@media");
        var help = body.QuerySelector("a[href='https://contoso.example/help']")!;
        help.GetAttribute("target").Should().Be("_blank");
        help.GetAttribute("rel").Should().Be("noopener noreferrer");
        body.QuerySelector("a[href='mailto:support@contoso.example']").Should().NotBeNull();
    }

    [Fact]
    public async Task Cid_images_point_to_the_inline_url_of_their_attachment()
    {
        var result = await SanitizeAsync(
            "<img src=\"cid:logo@contoso.example\"><img src=\"CID:photo%40contoso.example\"><img src=\"cid:unknown@contoso.example\">",
            contentIds: new Dictionary<string, int> { ["<logo@contoso.example>"] = 42, ["photo@contoso.example"] = 43 });

        var sources = Parsed(result).QuerySelectorAll("img").Select(i => i.GetAttribute("src")).ToList();
        sources[0].Should().StartWith("/attachments/42/inline?access=");
        sources[1].Should().StartWith("/attachments/43/inline?access=");
        sources[2].Should().BeNull("a cid without an attachment points nowhere");
        var access = Uri.UnescapeDataString(sources[0]!.Split("access=")[1]);
        links.Grants(access, 42).Should().BeTrue();
        links.Grants(access, 43).Should().BeFalse("the permission is for one attachment only");
        result.BlockedRemoteImageCount.Should().Be(0);
    }

    private const string RemoteImages = """
        <style>body { background: url(http://tracker.example/style.png); }</style>
        <img src="https://tracker.example/pixel.gif" alt="pixel">
        <img src="http://tracker.example/logo.png">
        <div style="background-image: url('https://tracker.example/bg.png'); color: red">x</div>
        <a href="https://contoso.example/unsubscribe">unsubscribe</a>
        """;

    [Fact]
    public async Task Remote_images_and_css_backgrounds_are_blocked_and_counted_but_links_stay()
    {
        var result = await SanitizeAsync(RemoteImages);

        result.BlockedRemoteImageCount.Should().Be(4);
        var body = Parsed(result);
        AllUrls(body).Should().NotContain(value => value.Contains("tracker.example"));
        body.QuerySelectorAll("img").Should().HaveCount(2).And.OnlyContain(img => !img.HasAttribute("src"));
        body.QuerySelector("div")!.GetAttribute("style").Should().Contain("color");
        body.QuerySelector("a")!.GetAttribute("href").Should().Be("https://contoso.example/unsubscribe");
    }

    [Theory]
    [InlineData("<div style=\"background-image: image-set('https://tracker.example/a.png' 1x)\">x</div>")]
    [InlineData("<div style=\"background-image: image-set(url(https://tracker.example/a.png) 1x, 'https://tracker.example/b.png' 2x)\">x</div>")]
    [InlineData("<div style=\"border-image: url(https://tracker.example/a.png) 30 round; border: 5px solid\">x</div>")]
    [InlineData("<div style=\"border-image-source: url('https://tracker.example/a.png')\">x</div>")]
    [InlineData("<style>div { background-image: image-set(\"https://tracker.example/a.png\" 1x); }</style><div>x</div>")]
    [InlineData("<style>div { border-image: url(https://tracker.example/a.png) 30 stretch; }</style><div>x</div>")]
    public async Task Css_image_set_and_border_image_are_blocked_and_counted(string html)
    {
        var result = await SanitizeAsync(html);

        result.BlockedRemoteImageCount.Should().BeGreaterThan(0, "the reader is told that remote images were left out");
        result.Html.Should().NotContain("tracker.example");
        Parsed(result).QuerySelector("div").Should().NotBeNull();
    }

    [Fact]
    public async Task Css_image_set_and_border_image_stay_when_the_reader_asks_for_remote_images()
    {
        var result = await SanitizeAsync(
            "<div style=\"border-image: url(https://tracker.example/a.png) 30 round; background-image: image-set('https://tracker.example/b.png' 1x)\">x</div>",
            loadRemoteImages: true);

        result.BlockedRemoteImageCount.Should().Be(0);
        result.Html.Should().Contain("https://tracker.example/a.png").And.Contain("https://tracker.example/b.png");
    }

    [Fact]
    public async Task Remote_images_stay_when_the_reader_asks_for_them()
    {
        var result = await SanitizeAsync(RemoteImages, loadRemoteImages: true);

        result.BlockedRemoteImageCount.Should().Be(0);
        var body = Parsed(result);
        body.QuerySelectorAll("img").Select(i => i.GetAttribute("src"))
            .Should().Equal("https://tracker.example/pixel.gif", "http://tracker.example/logo.png");
        body.QuerySelector("div")!.GetAttribute("style").Should().Contain("https://tracker.example/bg.png");
        body.QuerySelector("style")!.TextContent.Should().Contain("http://tracker.example/style.png");
    }

    [Fact]
    public async Task Relative_image_urls_are_removed_because_they_would_call_our_own_app()
    {
        var result = await SanitizeAsync("<img src=\"/account/logout\"><img src=\"attachments/1\"><div style=\"background: url(/tickets)\">x</div>");

        var body = Parsed(result);
        body.QuerySelectorAll("img[src]").Should().BeEmpty();
        AllUrls(body).Should().NotContain(value => value.Contains("/account") || value.Contains("attachments") || value.Contains("/tickets"));
        result.BlockedRemoteImageCount.Should().Be(0, "nothing remote was left out, so there is nothing to load on request");
    }

    [Fact]
    public async Task Only_the_body_content_and_the_style_sheets_come_out()
    {
        var result = await SanitizeAsync("<html><head><title>Secret title</title><style>p { margin: 0; }</style></head><body bgcolor=\"red\"><p>Hi</p></body></html>");

        result.Html.Should().NotContain("<html").And.NotContain("<head").And.NotContain("<body").And.NotContain("Secret title");
        result.Html.Should().Contain("<style>").And.Contain("<p>Hi</p>");
    }

    [Fact]
    public void The_nesting_estimate_counts_open_containers_but_not_void_or_self_closing_elements()
    {
        MailHtmlSanitizer.EstimatedNestingDepth("<div><table><tbody><tr><td><span>x</span></td></tr></tbody></table></div>").Should().Be(4);
        MailHtmlSanitizer.EstimatedNestingDepth(string.Concat(Enumerable.Repeat("<p>line<br><img src=x>", 5_000))).Should().Be(0);
        MailHtmlSanitizer.EstimatedNestingDepth(string.Concat(Enumerable.Repeat("<div>", 1_500))).Should().Be(1_500);
        MailHtmlSanitizer.EstimatedNestingDepth("<br/><div></div>a < b").Should().Be(1);
    }

    [Fact]
    public void The_nesting_estimate_is_not_fooled_by_stray_end_tags_self_closing_containers_or_end_tags_in_raw_text()
    {
        // The parser ignores </x> without an open x, the slash of <div/>, and </div> inside a style sheet: all nest.
        MailHtmlSanitizer.EstimatedNestingDepth(string.Concat(Enumerable.Repeat("<div></x>", 2_000))).Should().Be(2_000);
        MailHtmlSanitizer.EstimatedNestingDepth(string.Concat(Enumerable.Repeat("<div></span></p></td>", 2_000))).Should().Be(2_000);
        MailHtmlSanitizer.EstimatedNestingDepth(string.Concat(Enumerable.Repeat("<div/>", 2_000))).Should().Be(2_000);
        MailHtmlSanitizer.EstimatedNestingDepth(string.Concat(Enumerable.Repeat("<div><style></div></style>", 2_000))).Should().Be(2_000);
        MailHtmlSanitizer.EstimatedNestingDepth("<div><span><b>x</div><div>y</div>").Should().Be(3, "closing the outer div closes what was opened inside it");
        MailHtmlSanitizer.EstimatedNestingDepth("<svg><path/><path/><path/></svg>").Should().Be(1, "self-closing is real inside svg");
    }

    [Fact]
    public async Task Stray_end_tags_do_not_let_hostile_nesting_reach_the_parser()
    {
        var html = string.Concat(Enumerable.Repeat("<div></x>", 120_000));

        var result = await sanitizer.SanitizeAsync(html, NoAttachments).WaitAsync(TimeSpan.FromSeconds(60));

        result.IsTooComplex.Should().BeTrue();
        result.Html.Should().BeEmpty();
    }

    [Fact]
    public async Task Html_too_deeply_nested_to_parse_in_time_is_given_up_as_too_complex()
    {
        // 200,000 nested elements: about 1 MB, and minutes of parsing, whatever the machine.
        var html = string.Concat(Enumerable.Repeat("<div>", 200_000)) + "<script>window.__xss=1</script>";

        var result = await SanitizeAsync(html);

        result.IsTooComplex.Should().BeTrue();
        result.Html.Should().BeEmpty();
    }
}
