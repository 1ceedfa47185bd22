using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Desk;

/// <summary>
/// The ticket list's "Unbilled" column follows time an agent books in another browser, without reloading the list:
/// the billing clerk works in German, the agent in English.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class LiveUnbilledColumnBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Time_an_agent_stops_on_a_ticket_raises_its_unbilled_hours_in_the_billing_clerks_german_list()
    {
        var address = app.ServerAddress; // starts Kestrel; must come before anything touches the services
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>()
            .Where(t => t.TimeTrackingAllowed && t.CustomerId != null
                        && db.Set<TimeEntry>().Any(e => e.TicketId == t.Id && e.Billable && e.QuoteLineId == null))
            .OrderBy(t => t.Number).Select(t => new { t.Id, CustomerId = t.CustomerId!.Value }).FirstAsync();

        var bill = await (await browser.NewContextAsync(address, "de-DE")).NewPageAsync();
        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            await BrowserFixture.SignInAsync(bill, "bill@contoso.example", DemoDataSeeder.Password);
            await bill.GotoAsync($"/tickets?customer={ticket.CustomerId}&unbilled=1");
            await BrowserFixture.WaitForCircuitAsync(bill);
            var hours = bill.Locator("[data-testid=ticket-grid] tbody tr")
                .Filter(new() { Has = bill.Locator($"[data-testid=ticket-link][href='/tickets/{ticket.Id}']") })
                .Locator("[data-testid=unbilled-hours]");
            await Assertions.Expect(hours).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+,\d\d h$"));
            var before = await hours.InnerTextAsync();
            var listLoads = 0;
            bill.Load += (_, _) => listLoads++;

            await anna.GotoAsync($"/tickets/{ticket.Id}");
            await BrowserFixture.WaitForCircuitAsync(anna);
            await anna.ClickAsync("[data-testid=start-timer]");
            await Assertions.Expect(anna.Locator("[data-testid=running-timer]")).ToHaveCountAsync(1);
            await anna.ClickAsync("[data-testid=running-timer-stop]");
            await Assertions.Expect(anna.Locator("[data-testid=running-timer]")).ToHaveCountAsync(0);

            // Stopping books at least five minutes (0,08 h), so the shown hours must go up.
            await Assertions.Expect(hours).Not.ToHaveTextAsync(before);
            var after = decimal.Parse((await hours.InnerTextAsync()).Replace(" h", ""), System.Globalization.CultureInfo.GetCultureInfo("de-DE"));
            after.Should().BeGreaterThan(decimal.Parse(before.Replace(" h", ""), System.Globalization.CultureInfo.GetCultureInfo("de-DE")));
            listLoads.Should().Be(0, "the column updates over the circuit, not by reloading the list");
        }
        finally
        {
            await bill.Context.CloseAsync();
            await anna.Context.CloseAsync();
        }
    }
}
