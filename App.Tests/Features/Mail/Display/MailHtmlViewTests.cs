using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using BlazorTickets.Features.Mail.Display;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Mail.Display;

public sealed class MailHtmlViewTests : BlazorTicketsTestContext
{
    private const string HostileMail = """
        <p>Dear support,</p><script>window.__xss=1</script><img src="x" onerror="window.__xss=1">
        <img src="cid:screenshot@fabrikam.example" alt="screenshot">
        <img src="https://tracker.example/pixel.gif">
        """;

    // The view needs no database, only the app's services.
    public override async Task InitializeAsync() => await UseNewAppAsync(seedDemoData: false, initializeDatabase: false);

    /// <summary>Renders and waits for the sanitizer, which runs on the thread pool.</summary>
    private IRenderedComponent<MailHtmlView> RenderMail(string html)
    {
        var cut = Render<MailHtmlView>(p => p
            .Add(x => x.Html, html)
            .Add(x => x.TextBody, "The text part.")
            .Add(x => x.Attachments, [new MailHtmlAttachment(7, "<screenshot@fabrikam.example>"), new MailHtmlAttachment(8, null)]));
        cut.WaitForState(() => cut.FindAll("iframe[srcdoc*='<body>'], [data-testid=mail-html-too-complex]").Count > 0, TimeSpan.FromSeconds(30));
        return cut;
    }

    private static IElement Frame(IRenderedComponent<MailHtmlView> cut) => cut.Find("iframe[data-testid=mail-html-frame]");

    /// <summary>The document inside the frame, as the browser parses the srcdoc attribute.</summary>
    private static AngleSharp.Html.Dom.IHtmlDocument FrameDocument(IRenderedComponent<MailHtmlView> cut) =>
        new HtmlParser().ParseDocument(Frame(cut).GetAttribute("srcdoc")!);

    private static string FramePolicy(IRenderedComponent<MailHtmlView> cut) =>
        FrameDocument(cut).QuerySelector("meta[http-equiv='Content-Security-Policy']")!.GetAttribute("content")!;

    [Fact]
    public void The_frame_is_sandboxed_without_same_origin_forms_or_top_navigation()
    {
        var cut = RenderMail(HostileMail);

        var sandbox = Frame(cut).GetAttribute("sandbox");
        sandbox.Should().NotBeNull("without the attribute the frame would not be sandboxed at all");
        // allow-scripts is there for the sizing script alone, which the frame's CSP admits by its hash.
        sandbox!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Should().NotContain(["allow-same-origin", "allow-forms", "allow-top-navigation"]);
    }

    /// <summary>The policy's script sources: only the hash of our sizing script, never 'unsafe-inline' or a host.</summary>
    private static void ShouldAdmitOnlyTheSizingScript(string policy)
    {
        var scriptSources = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ")).Split(' ').Skip(1).ToList();
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(MailHtmlView.SizingScript)));
        scriptSources.Should().Equal($"'sha256-{hash}'");
    }

    [Fact]
    public void The_frame_document_forbids_scripts_by_csp_and_holds_only_the_sanitized_mail()
    {
        var cut = RenderMail(HostileMail);

        var document = FrameDocument(cut);
        var policy = FramePolicy(cut);
        policy.Should().StartWith("default-src 'none';").And.Contain("img-src 'self' data:;");
        ShouldAdmitOnlyTheSizingScript(policy);
        document.Head!.FirstElementChild!.GetAttribute("charset").Should().Be("utf-8", "the policy must come before any mail content");
        document.QuerySelectorAll("script").Select(s => s.TextContent).Should().Equal(MailHtmlView.SizingScript);
        document.Body!.InnerHtml.Should().NotContain("__xss");
        document.Body.TextContent.Should().Contain("Dear support,");
        document.QuerySelector("img[alt=screenshot]")!.GetAttribute("src").Should().StartWith("/attachments/7/inline?access=");
    }

    [Fact]
    public void Nothing_of_the_mail_is_rendered_outside_the_frame()
    {
        var cut = RenderMail(HostileMail);

        var outside = cut.Find("[data-testid=mail-html]").Clone() as IElement;
        outside!.QuerySelector("iframe")!.RemoveAttribute("srcdoc");
        outside.OuterHtml.Should().NotContain("Dear support").And.NotContain("__xss").And.NotContain("<img");
    }

    [Fact]
    public void Blocked_remote_images_offer_a_button_that_loads_them()
    {
        var cut = RenderMail(HostileMail);
        FrameDocument(cut).QuerySelectorAll("img").Select(i => i.GetAttribute("src")).Should().NotContain("https://tracker.example/pixel.gif");
        FramePolicy(cut).Should().NotContain("https:");

        cut.Find("[data-testid=load-remote-images]").Click();

        // The button goes at once; the frame follows when the sanitizer, which runs off the render thread, is done.
        cut.WaitForAssertion(() =>
        {
            cut.FindAll("[data-testid=load-remote-images]").Should().BeEmpty();
            FrameDocument(cut).QuerySelectorAll("img").Select(i => i.GetAttribute("src")).Should().Contain("https://tracker.example/pixel.gif");
        });
        FramePolicy(cut).Should().Contain("img-src 'self' data: https: http:;");
        ShouldAdmitOnlyTheSizingScript(FramePolicy(cut));
        Frame(cut).GetAttribute("sandbox").Should().NotContain("allow-same-origin");
    }

    [Fact]
    public void A_mail_without_remote_images_shows_no_button()
    {
        var cut = RenderMail("<p>Plain <b>HTML</b></p><img src=\"cid:screenshot@fabrikam.example\">");

        cut.FindAll("[data-testid=load-remote-images]").Should().BeEmpty();
        cut.FindAll("[data-testid=remote-images-blocked]").Should().BeEmpty();
    }

    [Fact]
    public void Another_mail_starts_with_remote_images_blocked_again()
    {
        var cut = RenderMail(HostileMail);
        cut.Find("[data-testid=load-remote-images]").Click();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=load-remote-images]").Should().BeEmpty());

        cut.Render(p => p.Add(x => x.Html, "<p>Next</p><img src=\"https://tracker.example/other.gif\">"));

        cut.WaitForAssertion(() => Frame(cut).GetAttribute("srcdoc").Should().Contain("Next"));
        cut.FindAll("[data-testid=load-remote-images]").Should().ContainSingle();
        FrameDocument(cut).Body!.InnerHtml.Should().NotContain("tracker.example");
    }

    [Fact]
    public void Html_too_complex_to_sanitize_in_time_shows_the_text_body_instead()
    {
        var cut = RenderMail(string.Concat(Enumerable.Repeat("<div>", 200_000)) + "<script>window.__xss=1</script>");

        cut.Find("[data-testid=mail-html-too-complex]").Should().NotBeNull();
        cut.Find("[data-testid=message-body]").TextContent.Should().Be("The text part.");
        cut.FindAll("iframe").Should().BeEmpty();
        cut.Markup.Should().NotContain("__xss");
    }
}
