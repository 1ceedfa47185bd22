using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Merging;

/// <summary>
/// Two agents, one in English and one in German, on tickets imported for the test: one merges a duplicate or splits a
/// message off while the other watches the result arrive without reloading.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class MergeSplitBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    private static int order;

    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    [Fact]
    public async Task A_duplicate_merged_in_German_shows_up_live_in_the_English_agents_open_ticket()
    {
        var address = app.ServerAddress; // starts Kestrel; must come before anything touches the services
        var target = await ImportAsync("Olga Otto <olga@otto.example>", "Printer on floor 2 jams", "It jams on every second page.");
        var duplicate = await ImportAsync("Olga Otto <olga@otto.example>", "Printer still jamming", "Tray 3 is the culprit, I think.");
        var (targetNumber, duplicateNumber) = await NumbersAsync(target.TicketId, duplicate.TicketId);

        var ben = await (await browser.NewContextAsync(address, "de-DE")).NewPageAsync();
        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            await BrowserFixture.SignInAsync(ben, "ben@contoso.example", DemoDataSeeder.Password);
            await anna.GotoAsync($"/tickets/{target.TicketId}");
            await BrowserFixture.WaitForCircuitAsync(anna);
            await Assertions.Expect(anna.Locator("[data-testid=message]")).ToHaveCountAsync(1);
            var annaLoads = 0;
            anna.Load += (_, _) => annaLoads++;

            await ben.GotoAsync($"/tickets/{duplicate.TicketId}");
            await BrowserFixture.WaitForCircuitAsync(ben);
            await ben.Locator("[data-testid=merge-panel] .mud-expand-panel-header").ClickAsync();
            await ben.Locator(InputOf("merge-target")).FillAsync(Ticket.FormatNumber(targetNumber));
            await ben.Locator("[data-testid=merge-submit]").ClickAsync();
            var dialog = ben.Locator(".mud-dialog");
            await Assertions.Expect(dialog).ToContainTextAsync($"{Ticket.FormatNumber(duplicateNumber)} in {Ticket.FormatNumber(targetNumber)}");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Zusammenführen" }).ClickAsync();

            await Assertions.Expect(ben).ToHaveURLAsync($"{address.TrimEnd('/')}/tickets/{target.TicketId}");
            await Assertions.Expect(ben.Locator("[data-testid=ticket-title]")).ToContainTextAsync(Ticket.FormatNumber(targetNumber));
            await Assertions.Expect(ben.Locator("[data-testid=history-entry][data-kind=Merge]").First)
                .ToContainTextAsync($"{Ticket.FormatNumber(duplicateNumber)} wurde in dieses Ticket zusammengeführt");

            await Assertions.Expect(anna.Locator("[data-testid=message]")).ToHaveCountAsync(2);
            await Assertions.Expect(anna.Locator("[data-testid=conversation]")).ToContainTextAsync("Tray 3 is the culprit, I think.");
            await Assertions.Expect(anna.Locator("[data-testid=history-entry][data-kind=Merge]").First)
                .ToContainTextAsync($"{Ticket.FormatNumber(duplicateNumber)} was merged into this ticket");
            annaLoads.Should().Be(0, "the merged message and its history entry arrive over the circuit");

            await anna.GotoAsync($"/tickets/{duplicate.TicketId}");
            await Assertions.Expect(anna).ToHaveURLAsync($"{address.TrimEnd('/')}/tickets/{target.TicketId}");
            await Assertions.Expect(anna.Locator("[data-testid=ticket-title]")).ToContainTextAsync(Ticket.FormatNumber(targetNumber));
        }
        finally
        {
            await anna.Context.CloseAsync();
            await ben.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_message_split_off_in_German_appears_as_a_new_ticket_live_on_the_English_desk()
    {
        var address = app.ServerAddress; // starts Kestrel; must come before anything touches the services
        var first = await ImportAsync("Paul Peters <paul@peters.example>", "VPN drops every hour", "The VPN disconnects on the hour.");
        var second = await ImportAsync("Paul Peters <paul@peters.example>", "Re: VPN drops every hour",
            "Unrelated: our invoice address is wrong.", inReplyTo: first.MessageId);
        second.TicketId.Should().Be(first.TicketId, "the reply threads into the first mail's ticket");
        int customerId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            customerId = await db.Set<Ticket>().Where(t => t.Id == first.TicketId).Select(t => t.CustomerId!.Value).SingleAsync();
        }

        var ben = await (await browser.NewContextAsync(address, "de-DE")).NewPageAsync();
        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            await BrowserFixture.SignInAsync(ben, "ben@contoso.example", DemoDataSeeder.Password);
            await anna.GotoAsync($"/tickets?customer={customerId}");
            await BrowserFixture.WaitForCircuitAsync(anna);
            var rows = anna.Locator("[data-testid=ticket-grid] tr[data-ticket-id]");
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            var original = await anna.Context.NewPageAsync();
            await original.GotoAsync($"/tickets/{first.TicketId}");
            await BrowserFixture.WaitForCircuitAsync(original);
            await Assertions.Expect(original.Locator("[data-testid=message]")).ToHaveCountAsync(2);
            var annaLoads = 0;
            anna.Load += (_, _) => annaLoads++;
            original.Load += (_, _) => annaLoads++;

            await ben.GotoAsync($"/tickets/{first.TicketId}");
            await BrowserFixture.WaitForCircuitAsync(ben);
            var invoiceMessage = ben.Locator("[data-testid=message]").Filter(new() { HasText = "our invoice address is wrong" });
            await invoiceMessage.Locator("[data-testid=message-actions] button, button[data-testid=message-actions]").ClickAsync();
            await ben.Locator("[data-testid=split-message]").ClickAsync();
            var dialog = ben.Locator(".mud-dialog");
            await Assertions.Expect(dialog).ToContainTextAsync("neues Ticket");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Abtrennen" }).ClickAsync();

            await Assertions.Expect(ben).Not.ToHaveURLAsync($"{address.TrimEnd('/')}/tickets/{first.TicketId}");
            await Assertions.Expect(ben.Locator("[data-testid=conversation]")).ToContainTextAsync("our invoice address is wrong");
            int splitId;
            await using (var db = await app.DbFactory.CreateDbContextAsync())
            {
                splitId = await db.Set<Ticket>().Where(t => t.RelatedTicketId == first.TicketId).Select(t => t.Id).SingleAsync();
            }
            await Assertions.Expect(ben).ToHaveURLAsync($"{address.TrimEnd('/')}/tickets/{splitId}");
            await Assertions.Expect(ben.Locator("[data-testid=history-entry][data-kind=Split]").First).ToContainTextAsync("Abgetrennt von");

            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(anna.Locator($"tr[data-ticket-id='{splitId}']")).ToBeVisibleAsync();
            await Assertions.Expect(original.Locator("[data-testid=message]")).ToHaveCountAsync(1);
            await Assertions.Expect(original.Locator("[data-testid=conversation]")).ToContainTextAsync("The VPN disconnects on the hour.");
            await Assertions.Expect(original.Locator("[data-testid=conversation]")).Not.ToContainTextAsync("our invoice address is wrong");
            await Assertions.Expect(original.Locator("[data-testid=history-entry][data-kind=Split]").First)
                .ToContainTextAsync($"Messages split off into {await TagOfAsync(splitId)}");
            annaLoads.Should().Be(0, "the split-off ticket joins the desk, and leaves the open original, over the circuit");
        }
        finally
        {
            await anna.Context.CloseAsync();
            await ben.Context.CloseAsync();
        }
    }

    private sealed record Imported(int TicketId, string MessageId);

    // Messages a second apart, in the order imported, so the conversation's order is the test's.
    private async Task<Imported> ImportAsync(string from, string subject, string body, string? inReplyTo = null)
    {
        var (ticketId, messageId) = await app.ImportAsync(from, subject, body, inReplyTo,
            DateTimeOffset.UtcNow.AddMinutes(-30).AddSeconds(Interlocked.Increment(ref order)));
        return new Imported(ticketId, messageId);
    }

    private async Task<string> TagOfAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return Ticket.FormatNumber(await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.Number).SingleAsync());
    }

    private async Task<(int First, int Second)> NumbersAsync(int firstId, int secondId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var numbers = await db.Set<Ticket>().Where(t => t.Id == firstId || t.Id == secondId).ToDictionaryAsync(t => t.Id, t => t.Number);
        return (numbers[firstId], numbers[secondId]);
    }
}
