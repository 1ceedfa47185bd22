using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Replies;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class ReplyBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>, IAsyncLifetime
{
    private TestSmtpServer smtp = null!;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        _ = app.ServerAddress;
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        await app.Services.GetRequiredService<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
    }

    public async Task DisposeAsync() => await smtp.DisposeAsync();

    [Fact]
    public async Task An_agent_writes_and_sends_a_reply_and_sees_it_in_the_conversation_as_sent()
    {
        int ticketId;
        string customerAddress;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var ticket = await db.Set<Ticket>().Where(t => t.Status == TicketStatus.New).OrderBy(t => t.Number).Select(t => new { t.Id, t.Number }).FirstAsync();
            ticketId = ticket.Id;
            customerAddress = (await db.Set<TicketMessage>().FirstAsync(m => m.TicketId == ticketId && m.Direction == MessageDirection.Inbound)).From;
        }
        var page = await browser.SignInAsync(app.ServerAddress, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            await page.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(page);
            var body = page.Locator("textarea[data-testid=reply-body], [data-testid=reply-body] textarea");
            await body.FillAsync("Thank you, a technician is on the way.");
            await page.ClickAsync("[data-testid=reply-send]");

            var outbound = page.Locator("[data-testid=message][data-direction=Outbound]").Filter(new() { HasText = "a technician is on the way" });
            await Assertions.Expect(outbound.Locator("[data-testid=delivery-state]")).ToHaveTextAsync("Sent");
            await Assertions.Expect(page.Locator("[data-testid=status-chip]").First).ToHaveTextAsync("Answered");
            await Assertions.Expect(body).ToHaveValueAsync("");
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        var mail = (await smtp.WaitForAsync(1)).Single();
        mail.TextBody.Should().Contain("Thank you, a technician is on the way.");
        customerAddress.Should().Contain(mail.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task A_customer_answering_in_the_german_extranet_while_the_agent_writes_stops_the_send_until_the_agent_has_read_it()
    {
        var address = app.ServerAddress;
        var max = await BlazorTickets.Tests.Features.Portal.PortalTestData.CustomerAsync(app.DbFactory, BlazorTickets.Tests.Features.Portal.PortalTestData.MaxEmail);
        var ticketId = await BlazorTickets.Tests.Features.Portal.PortalTestData.CreateTicketAsync(app.DbFactory, max, "Monitor flickers");
        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        var customer = await (await browser.NewContextAsync(address, "de-DE")).NewPageAsync();
        try
        {
            await BrowserFixture.SignInAsync(customer, BlazorTickets.Tests.Features.Portal.PortalTestData.MaxEmail, DemoDataSeeder.Password);
            await anna.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(anna);
            var body = anna.Locator("textarea[data-testid=reply-body], [data-testid=reply-body] textarea");
            await body.FillAsync("We will swap the monitor tomorrow.");

            await customer.GotoAsync($"/portal/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(customer);
            await customer.FillAsync("textarea[data-testid=answer-text], [data-testid=answer-text] textarea", "Jetzt flackert auch der zweite Monitor.");
            await customer.ClickAsync("[data-testid=send-answer]");
            await Assertions.Expect(customer.Locator("[data-testid=answer-sent]")).ToBeVisibleAsync();

            await anna.ClickAsync("[data-testid=reply-send]");
            var guard = anna.Locator("[data-testid=reply-customer-wrote]");
            await Assertions.Expect(guard).ToContainTextAsync("Jetzt flackert auch der zweite Monitor.");
            await Assertions.Expect(body).ToHaveValueAsync("We will swap the monitor tomorrow.");
            var outbound = anna.Locator("[data-testid=message][data-direction=Outbound]").Filter(new() { HasText = "swap the monitor" });
            await Assertions.Expect(outbound).ToHaveCountAsync(0);

            await anna.ClickAsync("[data-testid=reply-send-anyway]");
            await Assertions.Expect(outbound.Locator("[data-testid=delivery-state]")).ToHaveTextAsync("Sent");
            await Assertions.Expect(guard).ToHaveCountAsync(0);
        }
        finally
        {
            await anna.Context.CloseAsync();
            await customer.Context.CloseAsync();
        }
    }
}
