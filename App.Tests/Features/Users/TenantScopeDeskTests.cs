using BlazorTickets.Features.Account;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Users;

/// <summary>The desk in a circuit, where the tenant scope comes from the authentication state rather than a request.</summary>
public sealed class TenantScopeDeskTests : BlazorTicketsTestContext
{
    private TestServices app = null!;
    private ForeignTenant foreign = null!;

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        foreign = await ForeignTenant.SeedAsync(app.Services);
        await foreign.LimitToHomeTenantAsync(app.Services, AgentEmail);
        await SignInAsAgentAsync();
    }

    [Fact]
    public async Task The_desk_of_an_agent_of_tenant_A_lists_the_newest_tickets_without_those_of_tenant_B()
    {
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var newest = await db.Set<Ticket>().OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id).Take(25).Select(t => t.Id).ToListAsync();
            newest.Should().Contain(foreign.TicketId, "the tenant B ticket is among the newest, so an unscoped desk would show it");
        }
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tickets");

        var cut = Render<TicketList>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().HaveCount(25));
        cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim())
            .Should().NotContain(Ticket.FormatNumber(foreign.TicketNumber));
        cut.Markup.Should().NotContain(ForeignTenant.Subject);
    }

    [Fact]
    public void Searching_the_desk_for_a_tenant_B_subject_finds_nothing()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tickets?q=Fabrikam%20confidential");

        var cut = Render<TicketList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-tickets]"));
        cut.Markup.Should().NotContain(ForeignTenant.Subject);
    }
}
