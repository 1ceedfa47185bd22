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
}
