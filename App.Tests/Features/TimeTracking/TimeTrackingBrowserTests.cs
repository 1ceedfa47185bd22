using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.TimeTracking;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class TimeTrackingBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_timer_an_agent_starts_shows_running_on_the_team_leads_board_and_after_stop_its_logged_time()
    {
        var address = app.ServerAddress; // starts Kestrel; must come before anything touches the services
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var annaId = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
        var ticket = await db.Set<Ticket>().Where(t => t.TimeTrackingAllowed).OrderBy(t => t.Number).Select(t => new { t.Id, t.Number }).FirstAsync();
        var tag = Ticket.FormatNumber(ticket.Number);

        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        var lena = await browser.SignInAsync(address, "lena@contoso.example", DemoDataSeeder.Password);
        try
        {
            await lena.GotoAsync("/workload");
            await BrowserFixture.WaitForCircuitAsync(lena);
            var annasRow = lena.Locator($"[data-testid=workload-row][data-user='{annaId}']");
            var annasTimer = lena.Locator($"[data-testid=workload-timer][data-user='{annaId}']");
            await Assertions.Expect(annasRow.Locator("[data-testid=workload-agent]")).ToHaveTextAsync("Anna Agent");
            await Assertions.Expect(annasTimer.Locator("[data-testid=workload-timer-ticket]")).ToHaveCountAsync(0);
            await Assertions.Expect(annasRow.Locator("[data-testid=hours-today]")).ToHaveTextAsync("0:00");
            var boardLoads = 0;
            lena.Load += (_, _) => boardLoads++;

            await anna.GotoAsync($"/tickets/{ticket.Id}");
            await BrowserFixture.WaitForCircuitAsync(anna);
            await anna.ClickAsync("[data-testid=start-timer]");
            await Assertions.Expect(anna.Locator("[data-testid=running-timer-ticket]")).ToHaveTextAsync(tag);

            // Auto-waiting: passes as soon as the board shows it; the live path takes well under a second.
            await Assertions.Expect(annasTimer.Locator("[data-testid=workload-timer-ticket]")).ToHaveTextAsync(tag);
            var elapsed = annasTimer.Locator("[data-testid=workload-timer-elapsed]");
            await Assertions.Expect(elapsed).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^0:00:\d\d$"));
            var shown = await elapsed.InnerTextAsync();
            await Assertions.Expect(elapsed).Not.ToHaveTextAsync(shown); // it ticks

            await anna.ClickAsync("[data-testid=running-timer-stop]");
            await Assertions.Expect(anna.Locator("[data-testid=running-timer]")).ToHaveCountAsync(0);

            await Assertions.Expect(annasTimer.Locator("[data-testid=workload-timer-ticket]")).ToHaveCountAsync(0);
            await Assertions.Expect(annasRow.Locator("[data-testid=hours-today]")).ToHaveTextAsync("0:05", new() { Timeout = 60_000 });
            boardLoads.Should().Be(0, "the board updates over the circuit, not by reloading");
            await Assertions.Expect(anna.Locator("[data-testid=time-entry]").First.Locator("[data-testid=entry-minutes]")).ToHaveTextAsync("0:05 h");
        }
        finally
        {
            await anna.Context.CloseAsync();
            await lena.Context.CloseAsync();
        }
    }
}
