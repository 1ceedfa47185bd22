using System.Text.RegularExpressions;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.ServiceLevels;

/// <summary>The app on a clock the test moves, with the service-level watch looking every quarter second.</summary>
public sealed class SlaAppFactory : AppFactory
{
    public FixedTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public SlaAppFactory()
    {
        Settings["BlazorTickets:ServiceLevels:WatchInterval"] = "00:00:00.250";
        TestServices = services => services.AddSingleton<TimeProvider>(Clock);
    }
}

/// <summary>
/// A team lead watches a ticket's due column turn at risk and then breached on her German desk while the clock moves,
/// without reloading; the handler, in English, gets the at-risk notice in the app, the team lead the breach.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class SlaDeskBrowserTests(BrowserFixture browser, SlaAppFactory app) : IClassFixture<SlaAppFactory>
{
    [Fact]
    public async Task A_ticket_turns_at_risk_and_then_breached_live_on_the_team_leads_desk_and_the_handler_is_told()
    {
        var address = app.ServerAddress; // starts Kestrel; must come before anything touches the services
        var (ticketId, customerId) = await ImportedTicketWithPolicyAsync();
        var ticket = await WaitForDueTimeAsync(ticketId);

        var lena = await (await browser.NewContextAsync(address, "de-DE")).NewPageAsync();
        var anna = await browser.SignInAsync(address, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            await BrowserFixture.SignInAsync(lena, "lena@contoso.example", DemoDataSeeder.Password);
            await lena.GotoAsync($"/tickets?customer={customerId}");
            await BrowserFixture.WaitForCircuitAsync(lena);
            var breachedList = await lena.Context.NewPageAsync();
            await breachedList.GotoAsync($"/tickets?customer={customerId}&breached=1");
            await BrowserFixture.WaitForCircuitAsync(breachedList);
            await Assertions.Expect(breachedList.Locator("[data-testid=no-tickets]")).ToBeVisibleAsync();

            await anna.GotoAsync("/tickets");
            await BrowserFixture.WaitForCircuitAsync(anna);
            await Assertions.Expect(anna.Locator("[data-testid=notification-bell]")).ToBeVisibleAsync();

            var due = lena.Locator($"tr[data-ticket-id='{ticketId}'] [data-testid=sla-due]");
            await Assertions.Expect(due).ToHaveAttributeAsync("data-sla", "Running");
            var loads = 0;
            lena.Load += (_, _) => loads++;

            app.Clock.Now = new DateTimeOffset(DateTime.SpecifyKind(ticket.SlaAtRiskAt!.Value, DateTimeKind.Utc)).AddSeconds(30);
            await Assertions.Expect(due).ToHaveAttributeAsync("data-sla", "AtRisk");
            await Assertions.Expect(due).ToHaveTextAsync(new Regex(@"^\s*\d+ Min\.\s*$"));
            await Assertions.Expect(anna.Locator("[data-testid=notification-count] .mud-badge")).ToHaveTextAsync("1");
            await anna.ClickAsync("[data-testid=notification-bell]");
            await Assertions.Expect(anna.Locator("[data-testid=notification]").First)
                .ToContainTextAsync($"First response for {Ticket.FormatNumber(ticket.Number)} is due soon");

            app.Clock.Now = new DateTimeOffset(DateTime.SpecifyKind(ticket.SlaDueAt, DateTimeKind.Utc)).AddMinutes(1);
            await Assertions.Expect(due).ToHaveAttributeAsync("data-sla", "Breached");
            await Assertions.Expect(due).ToContainTextAsync("überfällig");
            await Assertions.Expect(breachedList.Locator($"tr[data-ticket-id='{ticketId}']")).ToBeVisibleAsync();
            await lena.ClickAsync("[data-testid=notification-bell]");
            await Assertions.Expect(lena.Locator("[data-testid=notification]").First)
                .ToContainTextAsync($"Erste Antwort auf {Ticket.FormatNumber(ticket.Number)} ist überfällig");
            loads.Should().Be(0, "the desk follows the clock over the circuit, without a reload");
        }
        finally
        {
            await lena.Context.CloseAsync();
            await anna.Context.CloseAsync();
        }
    }

    /// <summary>A mail from a new customer, handled by Anna, under a one-hour first-response policy of that customer's own.</summary>
    private async Task<(int TicketId, int CustomerId)> ImportedTicketWithPolicyAsync()
    {
        var (ticketId, _) = await app.ImportAsync("Nora Neu <nora@neu.example>", "Our shop is down", "Nothing loads since this morning.", date: app.Clock.Now);
        int tenantId;
        int customerId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId);
            customerId = ticket.CustomerId!.Value;
            tenantId = ticket.TenantId;
            ticket.HandlerId = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
            await db.SaveChangesAsync();
        }
        var policy = SlaPolicyService.NewPolicy(customerId);
        (policy.FirstResponseHours, policy.NextResponseHours, policy.ResolutionHours) = (1, null, null);
        (await app.Services.GetRequiredService<SlaPolicyService>().SaveAsync(tenantId, policy)).IsEmpty.Should().BeTrue();
        return (ticketId, customerId);
    }

    private async Task<Ticket> WaitForDueTimeAsync(int ticketId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = await app.DbFactory.CreateDbContextAsync();
            var ticket = await db.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == ticketId);
            if (ticket.SlaDueAt != Ticket.NoDue)
            {
                return ticket;
            }
            DateTime.UtcNow.Should().BeBefore(deadline, "the recompute runs in the background within moments of the policy's save");
            await Task.Delay(100);
        }
    }
}
