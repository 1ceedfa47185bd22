using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Merging;

/// <summary>
/// Merge and split as two agents see them: one works in German and merges or splits, the other has the ticket or the
/// customer's list open in English and sees the result arrive without reloading.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class MergeSplitBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task A_duplicate_merged_in_german_shows_its_mail_in_the_colleagues_open_ticket_and_leads_there_afterwards()
    {
        var address = app.ServerAddress; // starts Kestrel; must come before anything touches the services
        var (targetId, _) = await app.ImportAsync("Paula Plan <paula@plan.example>", "Plotter jams", "The plotter jams on every A1 sheet.");
        var (duplicateId, _) = await app.ImportAsync("Paula Plan <paula@plan.example>", "Plotter still jams!", "Second mail: it now jams on A2 as well.");
        duplicateId.Should().NotBe(targetId, "a mail with a new subject and no reference opens its own ticket");
        var targetNumber = await NumberOfAsync(targetId);

        var ben = await (await browser.NewContextAsync(address, "de-DE")).NewPageAsync();
        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            await anna.GotoAsync($"/tickets/{targetId}");
            await BrowserFixture.WaitForCircuitAsync(anna);
            await Assertions.Expect(anna.Locator("[data-testid=message-body]")).ToHaveCountAsync(1);
            var annaLoads = 0;
            anna.Load += (_, _) => annaLoads++;

            await BrowserFixture.SignInAsync(ben, "ben@contoso.example", DemoDataSeeder.Password);
            await ben.GotoAsync($"/tickets/{duplicateId}");
            await BrowserFixture.WaitForCircuitAsync(ben);
            await ben.ClickAsync("[data-testid=merge-panel] .mud-expand-panel-header");
            await ben.Locator("input[data-testid=merge-target], [data-testid=merge-target] input").FillAsync(targetNumber.ToString());
            await ben.ClickAsync("[data-testid=merge-submit]");
            await ben.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Zusammenführen" }).ClickAsync();

            await ben.WaitForURLAsync($"**/tickets/{targetId}");
            await Assertions.Expect(anna.Locator("[data-testid=message-body]")).ToHaveCountAsync(2);
            await Assertions.Expect(anna.Locator("[data-testid=message-body]").Filter(new() { HasText = "Second mail: it now jams on A2 as well." }))
                .ToHaveCountAsync(1);
            await Assertions.Expect(anna.Locator("[data-testid=history-entry][data-kind=Merge]")).Not.ToHaveCountAsync(0);
            annaLoads.Should().Be(0, "the merged mail arrives in the open ticket over the circuit");

            // The duplicate's own address now leads to the ticket it was merged into.
            await ben.GotoAsync($"/tickets/{duplicateId}");
            await ben.WaitForURLAsync($"**/tickets/{targetId}");
        }
        finally
        {
            await anna.Context.CloseAsync();
            await ben.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_message_split_off_in_german_becomes_a_new_ticket_in_the_colleagues_list_and_leaves_the_old_one()
    {
        var address = app.ServerAddress;
        var (ticketId, firstMessageId) = await app.ImportAsync("Otto Ost <otto@ost.example>", "VPN drops", "The VPN drops every hour.");
        var (joinedId, _) = await app.ImportAsync("Otto Ost <otto@ost.example>", "Re: VPN drops", "Another topic: please send a new invoice.", inReplyTo: firstMessageId);
        joinedId.Should().Be(ticketId, "the reply threads into the ticket");
        int customerId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            customerId = await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.CustomerId!.Value).SingleAsync();
        }

        var ben = await (await browser.NewContextAsync(address, "de-DE")).NewPageAsync();
        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            await anna.GotoAsync($"/tickets?customer={customerId}");
            await BrowserFixture.WaitForCircuitAsync(anna);
            var rows = anna.Locator("[data-testid=ticket-grid] tbody tr[data-ticket-id]");
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            var annaLoads = 0;
            anna.Load += (_, _) => annaLoads++;

            await BrowserFixture.SignInAsync(ben, "ben@contoso.example", DemoDataSeeder.Password);
            await ben.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(ben);
            var invoiceMail = ben.Locator("[data-testid=message]").Filter(new() { HasText = "please send a new invoice" });
            await invoiceMail.Locator("[data-testid=message-actions]").ClickAsync();
            await ben.ClickAsync("[data-testid=split-message]");
            await ben.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Abtrennen" }).ClickAsync();

            await ben.WaitForURLAsync(url => TicketIdIn(url) is int id && id != ticketId);
            var newTicketId = TicketIdIn(ben.Url)!.Value;
            await Assertions.Expect(ben.Locator("[data-testid=message-body]")).ToHaveCountAsync(1);
            await Assertions.Expect(ben.Locator("[data-testid=message-body]")).ToContainTextAsync("please send a new invoice");

            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(anna.Locator($"tr[data-ticket-id='{newTicketId}']")).ToBeVisibleAsync();
            annaLoads.Should().Be(0, "the new ticket joins the list over the circuit");

            await ben.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(ben);
            await Assertions.Expect(ben.Locator("[data-testid=message-body]")).ToHaveCountAsync(1);
            await Assertions.Expect(ben.Locator("[data-testid=message-body]")).ToContainTextAsync("The VPN drops every hour.");
        }
        finally
        {
            await anna.Context.CloseAsync();
            await ben.Context.CloseAsync();
        }
    }

    private static int? TicketIdIn(string url) =>
        System.Text.RegularExpressions.Regex.Match(new Uri(url).AbsolutePath, @"^/tickets/(\d+)$") is { Success: true } m ? int.Parse(m.Groups[1].Value) : null;

    private async Task<int> NumberOfAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.Number).SingleAsync();
    }
}
