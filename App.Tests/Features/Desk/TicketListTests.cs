using BlazorTickets.Data;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Desk;

public sealed class TicketListTests : BlazorTicketsTestContext
{
    private TestServices app = null!;

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        await SignInAsAgentAsync();
    }

    private IRenderedComponent<TicketList> RenderAt(string relativeUrl)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(relativeUrl);
        return Render<TicketList>();
    }

    [Fact]
    public async Task Shows_the_first_page_of_tickets_newest_change_first()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var newest = await db.Set<Ticket>().OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id).Take(25).Select(t => t.Number).ToListAsync();

        var cut = RenderAt("/tickets");

        cut.WaitForAssertion(() =>
            cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim())
                .Should().Equal(newest.Select(Ticket.FormatNumber)));
    }

    [Fact]
    public void The_unbilled_time_column_shows_next_to_the_customer_only_with_its_filter()
    {
        var plain = RenderAt("/tickets");
        plain.WaitForAssertion(() => plain.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty());
        Headers(plain).Should().NotContain("Unbilled");
        plain.FindAll("[data-testid=unbilled-hours]").Should().BeEmpty();

        var unbilled = RenderAt("/tickets?unbilled=1");

        unbilled.WaitForAssertion(() => unbilled.FindAll("[data-testid=unbilled-hours]").Should().NotBeEmpty());
        var headers = Headers(unbilled);
        headers.IndexOf("Unbilled").Should().Be(headers.IndexOf("Customer") + 1);
    }

    private static List<string> Headers(IRenderedComponent<TicketList> cut) =>
        cut.FindAll("[data-testid=ticket-grid] thead th").Select(th => th.TextContent.Trim()).ToList();

    [Fact]
    public async Task Applies_the_status_filter_from_the_url()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var closedOrAnswered = await db.Set<Ticket>()
            .Where(t => t.Status == TicketStatus.Closed || t.Status == TicketStatus.Answered)
            .Select(t => t.Number).ToListAsync();

        var cut = RenderAt("/tickets?status=Answered,Closed");

        cut.WaitForAssertion(() =>
        {
            var shown = cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim()).ToList();
            shown.Should().HaveCount(25);
            shown.Should().BeSubsetOf(closedOrAnswered.Select(Ticket.FormatNumber));
            cut.Markup.Should().Contain($"of {closedOrAnswered.Count}");
        });
    }

    [Fact]
    public async Task Turning_on_a_filter_puts_it_into_the_url_and_filters_the_rows()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var unassigned = await db.Set<Ticket>().Where(t => t.HandlerId == null)
            .OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id).Take(25).Select(t => t.Number).ToListAsync();
        var cut = RenderAt("/tickets");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty());

        cut.Find("input[data-testid=filter-unassigned], [data-testid=filter-unassigned] input").Change(true);

        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => navigation.Uri.Should().EndWith("/tickets?unassigned=1"));
        cut.WaitForAssertion(() =>
            cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim())
                .Should().Equal(unassigned.Select(Ticket.FormatNumber)));
    }

    [Fact]
    public async Task Shows_a_change_saved_elsewhere_without_a_reload()
    {
        var cut = RenderAt("/tickets?q=%231001");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-subject]").Should().ContainSingle());

        var ticketId = await IdOfNumber(1001);
        var tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
        var details = (await tickets.GetAsync(ticketId))!;
        var edited = details.Edit.Clone();
        edited.Subject = "Changed from another browser";
        (await tickets.SaveAsync(details.Edit, edited, "Ben Berger")).Should().BeOfType<SaveTicketResult.Saved>();

        cut.WaitForAssertion(() =>
            cut.Find("[data-testid=ticket-subject]").TextContent.Should().Be("Changed from another browser"));
    }

    [Fact]
    public async Task Opens_on_the_sort_page_and_page_size_the_url_names()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var expected = await db.Set<Ticket>().OrderBy(t => t.Subject).ThenBy(t => t.Id).Skip(20).Take(10).Select(t => t.Number).ToListAsync();

        var cut = RenderAt("/tickets?sort=subject&dir=asc&page=3&size=10");

        cut.WaitForAssertion(() =>
            cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim())
                .Should().Equal(expected.Select(Ticket.FormatNumber)));
        Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/tickets?sort=subject&dir=asc&page=3&size=10");
    }

    [Fact]
    public async Task Sorting_and_paging_in_the_grid_go_into_the_url_next_to_the_filter()
    {
        var cut = RenderAt("/tickets?status=Open");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty());
        var navigation = Services.GetRequiredService<NavigationManager>();

        var subjectHeader = cut.FindAll("[data-testid=ticket-grid] thead th").First(th => th.TextContent.Trim() == "Subject");
        await subjectHeader.QuerySelectorAll("*").First(e => e.HasAttribute("blazor:onclick")).ClickAsync(new());
        cut.WaitForAssertion(() => navigation.Uri.Should().EndWith("/tickets?status=Open&sort=subject&dir=asc"));

        await cut.Find("[data-testid=ticket-grid] .mud-table-pagination-actions button[aria-label='Next page']").ClickAsync(new());
        cut.WaitForAssertion(() => navigation.Uri.Should().EndWith("/tickets?status=Open&sort=subject&dir=asc&page=2"));

        await using var db = await app.DbFactory.CreateDbContextAsync();
        var secondPage = await db.Set<Ticket>().Where(t => t.Status == TicketStatus.Open)
            .OrderBy(t => t.Subject).ThenBy(t => t.Id).Skip(25).Take(25).Select(t => t.Number).ToListAsync();
        cut.WaitForAssertion(() =>
            cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim())
                .Should().Equal(secondPage.Select(Ticket.FormatNumber)));
    }

    [Fact]
    public void Says_so_when_no_ticket_matches()
    {
        var cut = RenderAt("/tickets?q=no-such-ticket-anywhere");

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-tickets]").TextContent.Should().Contain("No tickets match"));
    }

    private async Task<int> IdOfNumber(int number)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.Id).SingleAsync();
    }
}
