using System.Text.RegularExpressions;
using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Localization;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class LiveUpdateCultureBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    private static string InputOf(string testId) => $"input[data-testid={testId}], [data-testid={testId}] input";

    [Fact]
    public async Task A_German_ticket_page_stays_German_when_an_English_colleague_opens_and_saves_the_ticket()
    {
        var anna = await browser.NewPageAsync(app.ServerAddress, "de-DE");
        await BrowserFixture.SignInAsync(anna, "anna@contoso.example", DemoDataSeeder.Password);
        var ben = await browser.SignInAsync(app.ServerAddress, "ben@contoso.example", DemoDataSeeder.Password);
        try
        {
            await anna.GotoAsync("/tickets/7");
            await BrowserFixture.WaitForCircuitAsync(anna);
            var annaPage = anna.Locator(".mud-main-content");
            await Assertions.Expect(annaPage).ToContainTextAsync("Antwort schreiben");

            await ben.GotoAsync("/tickets/7");
            await BrowserFixture.WaitForCircuitAsync(ben);
            await Assertions.Expect(ben.Locator(".mud-main-content")).ToContainTextAsync("Write reply");
            await ben.FillAsync(InputOf("field-subject"), "VPN drops every hour since the update");
            await ben.ClickAsync("[data-testid=save-ticket]");
            await Assertions.Expect(ben.Locator("[data-testid=saved-message]")).ToBeVisibleAsync();

            // Redrawn live, from Ben's circuit: presence and the saved change.
            await Assertions.Expect(anna.Locator("[data-testid=ticket-title]")).ToContainTextAsync("VPN drops every hour since the update");
            await Assertions.Expect(anna.Locator("[data-testid=presence]")).ToContainTextAsync("Ben");
            await Assertions.Expect(annaPage).ToContainTextAsync(new Regex(@"Aktualisiert \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}"));
            var text = await annaPage.InnerTextAsync();
            text.Should().Contain("Antwort schreiben").And.Contain("Ebenfalls geöffnet von:");
            text.Should().NotContain("Write reply").And.NotContain("Also viewing:").And.NotMatchRegex(@"\d{1,2}/\d{1,2}/\d{4}");
        }
        finally
        {
            await anna.Context.CloseAsync();
            await ben.Context.CloseAsync();
        }
    }
}
