using System.Collections.Concurrent;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Mail.Display;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static BlazorTickets.Tests.Features.Mail.Display.MailDisplayTestData;

namespace BlazorTickets.Tests.Features.Mail.Display;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class HtmlMailBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    private const string Subject = "Invoice <img src=x onerror=window.__xss=1><script>window.__xss=1</script>";
    private const string Sender = "\"<img src=x onerror=window.__xss=1>\" <evil@fabrikam.example>";
    private const string FileName = "<svg onload=window.__xss=1>.html";

    private static string HostileHtml(string remoteImageUrl) => $"""
        <html><head><meta http-equiv="refresh" content="0;url=javascript:window.__xss=1"><base href="javascript:window.__xss=1//">
        <script>window.__xss=1</script></head>
        <body onload="window.__xss=1">
        <p id="greeting">Hello from the customer</p>
        <img src=x onerror=window.__xss=1>
        <svg onload="window.__xss=1"><script>window.__xss=1</script></svg>
        <a id="script-link" href="javascript:window.__xss=1">click</a>
        <img id="inline" src="cid:shot@fabrikam.example" alt="inline screenshot">
        <img id="remote" src="{remoteImageUrl}" alt="remote">
        <iframe src="javascript:window.__xss=1"></iframe><object data="javascript:window.__xss=1"></object>
        <form action="javascript:window.__xss=1"><button id="go">go</button></form>
        <div style="background-image: url(javascript:window.__xss=1); width: expression(window.__xss=1)">styled</div>
        </body></html>
        """;

    [Fact]
    public async Task A_hostile_html_mail_runs_no_script_and_its_subject_sender_and_file_name_show_as_text()
    {
        var baseUrl = app.ServerAddress; // First: it starts Kestrel, which must come before the database is touched.
        // A "remote" image that really loads: an absolute http URL, served by the app itself.
        var (textOnlyTicketId, imageHost) = await AddInboundMailAsync(app.DbFactory, "Image host", "host@fabrikam.example", null,
            AttachmentOf("remote.png", "image/png", Png));
        var remoteImageUrl = baseUrl + app.Services.GetRequiredService<InlineImageLinks>().UrlFor(imageHost[0]);
        var (ticketId, _) = await AddInboundMailAsync(app.DbFactory, Subject, Sender, HostileHtml(remoteImageUrl),
            AttachmentOf(FileName, "text/html", Html),
            AttachmentOf("shot.png", "image/png", Png, "<shot@fabrikam.example>"));
        var page = await browser.SignInAsync(baseUrl, BlazorTicketsTestContext.AgentEmail, DemoDataSeeder.Password);
        try
        {
            var dialogs = new ConcurrentQueue<string>();
            page.Dialog += (_, dialog) =>
            {
                dialogs.Enqueue(dialog.Message);
                _ = dialog.DismissAsync();
            };

            await page.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(page);
            var frame = await MailFrameAsync(page);

            // The sandboxed frame sends no sign-in cookie; the cid image loads through its link's own permission.
            await Assertions.Expect(MailFrame(page).Locator("#inline")).ToHaveJSPropertyAsync("naturalWidth", 1);
            await Assertions.Expect(page.Locator("[data-testid=ticket-title]")).ToContainTextAsync(Subject);
            await Assertions.Expect(page.Locator("[data-testid=message]").First).ToContainTextAsync(Sender);
            await Assertions.Expect(page.Locator("[data-testid=attachment]").First).ToContainTextAsync(FileName);
            (await page.TitleAsync()).Should().Contain(Subject);
            (await page.Locator("[onerror], [onload], script:not([src]):not([type=importmap])").CountAsync()).Should().Be(0, "no markup of the mail reaches the page itself");
            (await frame.Locator("#remote").GetAttributeAsync("src")).Should().BeNull("remote images wait for the reader's consent");
            await AssertNoScriptRanAsync(page, frame, dialogs);

            await page.ClickAsync("[data-testid=load-remote-images]");

            // The click replaces the frame with a new document; a frame taken too early is the old one, about to go.
            await Assertions.Expect(MailFrame(page).Locator("#remote")).ToHaveJSPropertyAsync("naturalWidth", 1);
            frame = await MailFrameAsync(page);
            await AssertNoScriptRanAsync(page, frame, dialogs);

            await page.GotoAsync($"/tickets/{textOnlyTicketId}");
            await Assertions.Expect(page.Locator("[data-testid=message-body]")).ToHaveTextAsync("The text part of the mail.");
            await Assertions.Expect(page.Locator("[data-testid=mail-html-frame]")).ToHaveCountAsync(0);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(60)]
    public async Task The_mail_frame_is_as_tall_as_the_mail(int paragraphs)
    {
        var baseUrl = app.ServerAddress;
        var html = "<p id=\"greeting\">Hello from the customer</p>" + string.Concat(Enumerable.Range(1, paragraphs).Select(i => $"<p>Line {i}</p>"));
        var (ticketId, _) = await AddInboundMailAsync(app.DbFactory, $"Short mail {paragraphs}", "short@fabrikam.example", html);
        var page = await browser.SignInAsync(baseUrl, BlazorTicketsTestContext.AgentEmail, DemoDataSeeder.Password);
        try
        {
            await page.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(page);
            var frame = await MailFrameAsync(page);
            var content = await frame.EvaluateAsync<double>("() => document.documentElement.getBoundingClientRect().height");

            // The frame reports its height once loaded; the page then sets it (plus a 1 px border above and below).
            double height = 0;
            for (var attempt = 0; attempt < 100; attempt++)
            {
                height = await page.Locator("[data-testid=mail-html-frame]").EvaluateAsync<double>("f => f.clientHeight");
                if (Math.Abs(height - content) <= 2)
                {
                    break;
                }
                await Task.Delay(100);
            }
            height.Should().BeApproximately(content, 2, "the frame follows its content instead of a fixed height with blank space");
            content.Should().BeGreaterThan(paragraphs * 10);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), $"mail-frame-{paragraphs}.png"), FullPage = true });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Whatever frame holds the mail at the moment of each check.</summary>
    private static IFrameLocator MailFrame(IPage page) => page.FrameLocator("[data-testid=mail-html-frame]");

    private static async Task<IFrame> MailFrameAsync(IPage page)
    {
        // The frame element is replaced whenever its document changes (and when the circuit takes over the
        // prerendered page), so wait through a frame locator, then take the element that holds the mail now.
        for (var attempt = 1; ; attempt++)
        {
            await Assertions.Expect(page.FrameLocator("[data-testid=mail-html-frame]").Locator("#greeting")).ToHaveTextAsync("Hello from the customer");
            var frame = await (await page.Locator("[data-testid=mail-html-frame]").ElementHandleAsync()).ContentFrameAsync();
            if (frame is not null && await frame.Locator("#greeting").CountAsync() == 1)
            {
                await frame.WaitForLoadStateAsync(LoadState.Load);
                return frame;
            }
            attempt.Should().BeLessThan(50, "the mail frame settles within a few replacements");
            await Task.Delay(100);
        }
    }

    private static async Task AssertNoScriptRanAsync(IPage page, IFrame frame, ConcurrentQueue<string> dialogs)
    {
        (await page.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue("no script of the mail may run in the page");
        (await frame.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue("no script of the mail may run in its frame");
        dialogs.Should().BeEmpty();
        page.Frames.Should().HaveCount(2, "the page and the mail's frame; the mail's own iframe, object and form are gone");
    }
}
