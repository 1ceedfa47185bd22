using BlazorTickets.Data;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Desk;

/// <summary>The desk's one search box: a word from a mail body, its snippet under the subject, the word highlighted.</summary>
public abstract class TicketListSearchTests(DatabaseProvider provider) : BlazorTicketsTestContext
{
    private TestServices app = null!;
    private int ticketNumber;

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true, provider: provider);
        await SignInAsAgentAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).FirstAsync();
        ticketNumber = 990_001;
        await TicketSearchData.AddTicketAsync(app, tenantId, ticketNumber, "Label printer",
            "Hello, the <b>Fliegenpilz</b> label printer <script>alert('x')</script> stopped; see <img src=x onerror=alert(1)>.");
    }

    [Fact]
    public void A_word_from_the_mail_finds_the_ticket_and_shows_it_highlighted_in_the_snippet()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tickets?q=fliegenpilz");
        var cut = Render<TicketList>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim())
            .Should().Equal(Ticket.FormatNumber(ticketNumber)));
        var snippet = cut.Find("[data-testid=search-snippet]");
        snippet.QuerySelectorAll("mark").Select(m => m.TextContent).Should().Equal("Fliegenpilz");
        snippet.TextContent.Should().Contain("<b>Fliegenpilz</b> label printer <script>alert('x')</script>");
        snippet.QuerySelectorAll("b, script, img").Should().BeEmpty("the mail's HTML is text, never markup");
        cut.FindAll("input").Select(i => i.GetAttribute("value")).Should().Contain("fliegenpilz", "the search stays in the box and the URL");
    }

    [Fact]
    public void Without_a_search_no_snippet_is_shown()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tickets");
        var cut = Render<TicketList>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty());
        cut.FindAll("[data-testid=search-snippet]").Should().BeEmpty();
    }
}

public sealed class TicketListSearchSqliteTests() : TicketListSearchTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class TicketListSearchPostgresTests() : TicketListSearchTests(DatabaseProvider.Postgres);
