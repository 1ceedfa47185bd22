using BlazorTickets.Data;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>Two app nodes on Kestrel, each on its own loopback port, against one PostgreSQL database.</summary>
public sealed class TwoAppNodesFixture : IAsyncLifetime
{
    private TestDatabase? database;

    public AppFactory A { get; private set; } = null!;
    public AppFactory B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        A = new AppFactory { Database = database };
        // Node A seeds the demo data before node B starts, as a second node joins an existing installation.
        _ = A.ServerAddress;
        B = new AppFactory { Database = database, SeedDemoData = false };
        _ = B.ServerAddress;
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }
        if (A is not null)
        {
            await A.DisposeAsync();
        }
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class CrossNodeDeskBrowserTests(BrowserFixture browser, TwoAppNodesFixture nodes) : IClassFixture<TwoAppNodesFixture>
{
    [Fact]
    public async Task A_ticket_edited_through_node_A_shows_in_a_page_on_node_B_within_a_second_without_a_reload()
    {
        var ben = await browser.SignInAsync(nodes.B.ServerAddress, "ben@contoso.example", DemoDataSeeder.Password);
        try
        {
            await ben.GotoAsync("/tickets");
            await BrowserFixture.WaitForCircuitAsync(ben);
            var firstRow = ben.Locator("[data-testid=ticket-subject]").First;
            var href = await firstRow.GetAttributeAsync("href");
            var ticketId = int.Parse(href!.Split('/').Last());
            var pageLoads = 0;
            ben.Load += (_, _) => pageLoads++;

            await using (var scope = nodes.A.Services.CreateAsyncScope())
            {
                var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();
                var original = (await tickets.GetAsync(ticketId))!.Edit;
                var edited = original.Clone();
                edited.Subject = "Edited on node A";
                (await tickets.SaveAsync(original, edited, "Anna Agent")).Should().BeOfType<SaveTicketResult.Saved>();
            }

            await Assertions.Expect(ben.Locator($"[data-testid=ticket-subject][href='{href}']"))
                .ToHaveTextAsync("Edited on node A", new LocatorAssertionsToHaveTextOptions { Timeout = 1_000 });
            pageLoads.Should().Be(0, "the list updates over node B's circuit, not by a reload");
        }
        finally
        {
            await ben.Context.CloseAsync();
        }
    }
}
