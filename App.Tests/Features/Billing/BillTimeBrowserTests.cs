using System.Globalization;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Billing;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class BillTimeBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_billing_clerk_bills_three_rows_of_the_unbilled_time_filter_and_the_quote_opens_with_their_total()
    {
        var address = app.ServerAddress; // starts Kestrel; must come before anything touches the services
        await using var db = await app.DbFactory.CreateDbContextAsync();
        // The demo customer with the most tickets that have billable, unbilled time: three rows of one customer make one quote.
        var customerId = await db.Set<Ticket>()
            .Where(t => t.TimeTrackingAllowed && t.CustomerId != null && db.Set<TimeEntry>().Any(e => e.TicketId == t.Id && e.Billable && e.QuoteLineId == null))
            .GroupBy(t => t.CustomerId!.Value)
            .OrderByDescending(g => g.Count()).Select(g => g.Key)
            .FirstAsync();

        var page = await browser.SignInAsync(address, "bill@contoso.example", DemoDataSeeder.Password);
        try
        {
            await page.GotoAsync($"/tickets?customer={customerId}");
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.Locator("input[data-testid=filter-unbilled], [data-testid=filter-unbilled] input").First.ClickAsync();
            // Polls the address: the filter replaces the URL within the page, with no load event to wait for.
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("unbilled=1"));
            await Assertions.Expect(page.Locator("[data-testid=unbilled-hours]").First).ToBeVisibleAsync();

            var rows = page.Locator("[data-testid=ticket-grid] tbody tr").Filter(new() { Has = page.Locator("[data-testid=ticket-link]") });
            var ticketIds = new List<int>();
            for (var i = 0; i < 3; i++)
            {
                var href = await rows.Nth(i).Locator("[data-testid=ticket-link]").GetAttributeAsync("href");
                ticketIds.Add(int.Parse(href!.Split('/').Last(), CultureInfo.InvariantCulture));
                await rows.Nth(i).Locator("input[type=checkbox]").ClickAsync();
            }
            await Assertions.Expect(page.Locator("[data-testid=selection-count]")).ToContainTextAsync("3");
            var expectedGross = await ExpectedGrossAsync(db, ticketIds);

            await page.ClickAsync("[data-testid=bill-time]");
            await Assertions.Expect(page.Locator("[data-testid=preview-quote]")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("[data-testid=preview-gross]")).ToContainTextAsync(Format(expectedGross));
            await page.ClickAsync("[data-testid=bill-confirm]");
            var link = page.Locator("[data-testid=billed-quote-link]");
            await Assertions.Expect(link).ToHaveCountAsync(1);
            await link.ClickAsync();

            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/quotes/\\d+"));
            await Assertions.Expect(page.Locator("[data-testid=quote-gross]")).ToHaveTextAsync(Format(expectedGross));
            await Assertions.Expect(page.Locator("[data-testid=quote-line]")).Not.ToHaveCountAsync(0);

            await page.GotoAsync($"/tickets?customer={customerId}&unbilled=1");
            await BrowserFixture.WaitForCircuitAsync(page);
            foreach (var id in ticketIds)
            {
                await Assertions.Expect(page.Locator($"[data-testid=ticket-link][href='/tickets/{id}']")).ToHaveCountAsync(0);
            }
            (await db.Set<TimeEntry>().AnyAsync(e => ticketIds.Contains(e.TicketId) && e.Billable && e.QuoteLineId == null))
                .Should().BeFalse("every billable entry of the three tickets is on the quote");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("de-DE")]
    public async Task At_1400_pixels_the_unbilled_filter_shows_amounts_with_the_tenants_currency_and_keeps_every_column_in_view(string locale)
    {
        var page = await (await browser.NewContextAsync(app.ServerAddress, locale)).NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(1400, 900);
            await BrowserFixture.SignInAsync(page, "bill@contoso.example", DemoDataSeeder.Password);
            await page.GotoAsync("/tickets?unbilled=1");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=unbilled-amount]").First).ToBeVisibleAsync();

            (await page.Locator("[data-testid=unbilled-amount]").First.TextContentAsync()).Should().MatchRegex(@"^[\d.,]+ EUR$");
            var updated = await page.Locator("[data-testid=ticket-grid] th").Last.BoundingBoxAsync();
            (updated!.X + updated.Width).Should().BeLessThanOrEqualTo(1400, "the Updated column must not be clipped by the unbilled column");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static string Format(decimal amount) => amount.ToString("N2", CultureInfo.GetCultureInfo("en-US")) + " EUR";

    /// <summary>The total worked out from the entries themselves: one line per ticket and billing group, VAT 19 %.</summary>
    private static async Task<decimal> ExpectedGrossAsync(BlazorTickets.Data.AppDbContext db, List<int> ticketIds)
    {
        var entries = await db.Set<TimeEntry>().AsNoTracking()
            .Where(e => ticketIds.Contains(e.TicketId) && e.Billable && e.QuoteLineId == null)
            .Select(e => new { e.TicketId, e.Minutes, Rate = e.User.BillingGroup!.HourlyRate, Group = e.User.BillingGroupId })
            .ToListAsync();
        var net = entries.GroupBy(e => (e.TicketId, e.Group))
            .Sum(g => Math.Round(Math.Round(g.Sum(e => e.Minutes) / 60m, 2, MidpointRounding.AwayFromZero) * g.First().Rate, 2, MidpointRounding.AwayFromZero));
        net.Should().BeGreaterThan(0);
        return net + Math.Round(net * 0.19m, 2, MidpointRounding.AwayFromZero);
    }
}
