using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>Two agents on one ticket: one writes a reply in English while the other, in German, saves a change.</summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class TicketHistoryBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    [Fact]
    public async Task An_agent_keeps_writing_while_a_colleague_saves_and_both_see_it_live_in_their_language()
    {
        var address = app.ServerAddress; // starts Kestrel; must come before anything touches the services
        int ticketId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            ticketId = await db.Set<Ticket>().Where(t => t.Messages.Any(m => m.Direction == MessageDirection.Inbound))
                .OrderByDescending(t => t.Number).Select(t => t.Id).FirstAsync();
        }
        var ben = await (await browser.NewContextAsync(address, "de-DE")).NewPageAsync();
        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            await BrowserFixture.SignInAsync(ben, "ben@contoso.example", DemoDataSeeder.Password);
            await anna.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(anna);
            await ben.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(ben);
            var annaLoads = 0;
            anna.Load += (_, _) => annaLoads++;

            await anna.Locator(InputOf("reply-body")).PressSequentiallyAsync("Dear Max, ");
            await Assertions.Expect(ben.Locator("[data-testid=reply-others-writing]"))
                .ToContainTextAsync("Anna Agent schreibt auch gerade eine Antwort auf dieses Ticket.");

            await ben.FillAsync(InputOf("field-customer-note"), "Ersatzteil ist bestellt.");
            await ben.ClickAsync("[data-testid=save-ticket]");
            await anna.Locator(InputOf("reply-body")).PressSequentiallyAsync("the part is on its way.");

            await Assertions.Expect(ben.Locator("[data-testid=history-entry]").First).ToContainTextAsync("Kundennotiz:");
            await Assertions.Expect(anna.Locator("[data-testid=history-entry]").First).ToContainTextAsync("Customer note:");
            await Assertions.Expect(anna.Locator("[data-testid=history-entry]").First).ToContainTextAsync("Ersatzteil ist bestellt.");
            await Assertions.Expect(anna.Locator(InputOf("reply-body"))).ToHaveValueAsync("Dear Max, the part is on its way.");
            annaLoads.Should().Be(0, "the history and the colleague's note arrive over the circuit");
        }
        finally
        {
            await anna.Context.CloseAsync();
            await ben.Context.CloseAsync();
        }
    }
}
