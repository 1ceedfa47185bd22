using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Tickets;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class LiveDeskBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    private static string InputOf(string testId) => $"input[data-testid={testId}], [data-testid={testId}] input";

    [Fact]
    public async Task A_ticket_edited_in_one_browser_shows_in_the_other_browsers_filtered_list_without_a_reload()
    {
        var anna = await browser.SignInAsync(app.ServerAddress, "anna@contoso.example", DemoDataSeeder.Password);
        var ben = await browser.SignInAsync(app.ServerAddress, "ben@contoso.example", DemoDataSeeder.Password);
        try
        {
            await BrowserFixture.WaitForCircuitAsync(anna);
            await SearchAsync(anna, "Printer");
            var subjects = anna.Locator("[data-testid=ticket-subject]");
            await Assertions.Expect(subjects.First).ToContainTextAsync("Printer");
            (await subjects.AllInnerTextsAsync()).Should().OnlyContain(s => s.Contains("Printer"));
            var firstNumber = await anna.Locator("[data-testid=ticket-link]").First.InnerTextAsync();
            var firstHref = await anna.Locator("[data-testid=ticket-link]").First.GetAttributeAsync("href");
            var pageLoads = 0;
            anna.Load += (_, _) => pageLoads++;

            await ben.GotoAsync(firstHref!);
            await BrowserFixture.WaitForCircuitAsync(ben);
            await Assertions.Expect(ben.Locator("[data-testid=ticket-title]")).ToContainTextAsync(firstNumber);
            await ben.FillAsync(InputOf("field-subject"), "Printer on 2nd floor is smoking");
            await ben.ClickAsync("[data-testid=save-ticket]");
            await Assertions.Expect(ben.Locator("[data-testid=saved-message]")).ToBeVisibleAsync();

            // A search lists the best matches first, so the edited ticket may move; it is found by its link.
            await Assertions.Expect(anna.Locator($"[data-testid=ticket-subject][href='{firstHref}']")).ToHaveTextAsync("Printer on 2nd floor is smoking");
            pageLoads.Should().Be(0, "the list must update over the circuit, not by reloading the page");
            anna.Url.Should().EndWith("/tickets?q=Printer");
        }
        finally
        {
            await anna.Context.CloseAsync();
            await ben.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_detail_page_shows_who_else_has_the_ticket_open()
    {
        var anna = await browser.SignInAsync(app.ServerAddress, "anna@contoso.example", DemoDataSeeder.Password);
        var carla = await browser.SignInAsync(app.ServerAddress, "carla@contoso.example", DemoDataSeeder.Password);
        try
        {
            await anna.GotoAsync("/tickets/5");
            await BrowserFixture.WaitForCircuitAsync(anna);
            await Assertions.Expect(anna.Locator("[data-testid=presence]")).ToHaveCountAsync(0);

            await carla.GotoAsync("/tickets/5");
            await BrowserFixture.WaitForCircuitAsync(carla);

            await Assertions.Expect(anna.Locator("[data-testid=presence]")).ToContainTextAsync("Carla Senior");
            await Assertions.Expect(carla.Locator("[data-testid=presence]")).ToContainTextAsync("Anna Agent");

            await carla.Context.CloseAsync();
            await Assertions.Expect(anna.Locator("[data-testid=presence]")).ToHaveCountAsync(0);
        }
        finally
        {
            await anna.Context.CloseAsync();
        }
    }

    /// <summary>
    /// Types a search until the list takes it: on a loaded machine the first keys can reach the field while the page
    /// is still loading its first rows, and that render puts back the empty filter.
    /// </summary>
    private static async Task SearchAsync(IPage page, string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            await page.FillAsync(InputOf("filter-text"), text);
            try
            {
                await page.WaitForURLAsync(url => url.EndsWith($"/tickets?q={text}"), new PageWaitForURLOptions { Timeout = 5_000 });
                return;
            }
            catch (TimeoutException) when (attempt < 5)
            {
            }
        }
    }
}
