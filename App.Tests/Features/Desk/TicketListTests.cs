using System.Globalization;
using BlazorTickets.Data;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tenants;
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
    public async Task A_header_click_sorts_by_its_column_and_a_second_click_flips_it_next_to_the_filter_in_the_url()
    {
        var cut = RenderAt("/tickets?status=Open");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty());
        var navigation = Services.GetRequiredService<NavigationManager>();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var open = db.Set<Ticket>().Where(t => t.Status == TicketStatus.Open);
        AriaSorts(cut).Should().Equal(("Updated", "descending"));

        await cut.Find("th[data-sort=Subject] button").ClickAsync(new());

        cut.WaitForAssertion(() => navigation.Uri.Should().EndWith("/tickets?status=Open&sort=subject&dir=asc"));
        var ascending = await open.OrderBy(t => t.Subject).ThenBy(t => t.Id).Take(25).Select(t => t.Number).ToListAsync();
        cut.WaitForAssertion(() => Numbers(cut).Should().Equal(ascending.Select(Ticket.FormatNumber)));
        AriaSorts(cut).Should().Equal(("Subject", "ascending"));

        await cut.Find("th[data-sort=Subject] button").ClickAsync(new());

        cut.WaitForAssertion(() => navigation.Uri.Should().EndWith("/tickets?status=Open&sort=subject&dir=desc"));
        var descending = await open.OrderByDescending(t => t.Subject).ThenByDescending(t => t.Id).Take(25).Select(t => t.Number).ToListAsync();
        cut.WaitForAssertion(() => Numbers(cut).Should().Equal(descending.Select(Ticket.FormatNumber)));
        AriaSorts(cut).Should().Equal(("Subject", "descending"));
    }

    [Fact]
    public async Task The_pager_moves_through_the_pages_and_a_new_page_size_starts_again_on_the_first()
    {
        var cut = RenderAt("/tickets?status=Open&sort=subject&dir=asc");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty());
        var navigation = Services.GetRequiredService<NavigationManager>();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var open = await db.Set<Ticket>().Where(t => t.Status == TicketStatus.Open)
            .OrderBy(t => t.Subject).ThenBy(t => t.Id).Select(t => t.Number).ToListAsync();
        open.Count.Should().BeGreaterThan(25, "the demo data has a second page of open tickets");
        PagerButton(cut, "Previous page").HasAttribute("disabled").Should().BeTrue();
        cut.Find("[data-testid=ticket-pager-info]").TextContent.Trim().Should().Be($"1–25 of {open.Count}");

        await PagerButton(cut, "Next page").ClickAsync(new());

        cut.WaitForAssertion(() => navigation.Uri.Should().EndWith("/tickets?status=Open&sort=subject&dir=asc&page=2"));
        cut.WaitForAssertion(() => Numbers(cut).Should().Equal(open.Skip(25).Take(25).Select(Ticket.FormatNumber)));
        cut.Find("[data-testid=ticket-pager-info]").TextContent.Trim().Should().Be($"26–{Math.Min(50, open.Count)} of {open.Count}");
        PagerButton(cut, "Previous page").HasAttribute("disabled").Should().BeFalse();

        await PagerButton(cut, "Last page").ClickAsync(new());
        var lastPage = (open.Count - 1) / 25;
        cut.WaitForAssertion(() => Numbers(cut).Should().Equal(open.Skip(lastPage * 25).Select(Ticket.FormatNumber)));
        PagerButton(cut, "Next page").HasAttribute("disabled").Should().BeTrue();
        PagerButton(cut, "Last page").HasAttribute("disabled").Should().BeTrue();

        await cut.Find("[data-testid=ticket-page-size]").ChangeAsync(new ChangeEventArgs { Value = "10" });

        cut.WaitForAssertion(() => navigation.Uri.Should().EndWith("/tickets?status=Open&sort=subject&dir=asc&size=10"));
        cut.WaitForAssertion(() => Numbers(cut).Should().Equal(open.Take(10).Select(Ticket.FormatNumber)));

        await PagerButton(cut, "First page").ClickAsync(new());
        navigation.Uri.Should().EndWith("/tickets?status=Open&sort=subject&dir=asc&size=10", "the first page is where it is already");
    }

    [Fact]
    public async Task Rows_are_selected_one_by_one_or_all_on_the_page_and_a_new_filter_drops_the_selection()
    {
        var cut = RenderAt("/tickets");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().HaveCount(25));

        await RowCheckboxes(cut)[0].ChangeAsync(new ChangeEventArgs { Value = true });
        await RowCheckboxes(cut)[2].ChangeAsync(new ChangeEventArgs { Value = true });

        cut.WaitForAssertion(() => cut.Find("[data-testid=selection-count]").TextContent.Should().Contain("2"));
        RowCheckboxes(cut).Select(c => c.HasAttribute("checked")).Should().Equal(Enumerable.Range(0, 25).Select(i => i is 0 or 2));

        await cut.Find("[data-testid=select-all]").ChangeAsync(new ChangeEventArgs { Value = true });
        cut.WaitForAssertion(() => cut.Find("[data-testid=selection-count]").TextContent.Should().Contain("25"));
        cut.Find("[data-testid=select-all]").HasAttribute("checked").Should().BeTrue();

        await cut.Find("[data-testid=select-all]").ChangeAsync(new ChangeEventArgs { Value = false });
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=selection-count]").Should().BeEmpty());

        await RowCheckboxes(cut)[1].ChangeAsync(new ChangeEventArgs { Value = true });
        cut.WaitForAssertion(() => cut.Find("[data-testid=selection-count]").TextContent.Should().Contain("1"));
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tickets?status=Open");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=selection-count]").Should().BeEmpty());
        RowCheckboxes(cut).Should().OnlyContain(c => !c.HasAttribute("checked"));
    }

    [Fact]
    public void In_German_the_headers_and_the_pager_speak_German()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
        try
        {
            var cut = RenderAt("/tickets?status=Open");
            cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty());

            Headers(cut).Should().Equal("", "Nr.", "Betreff", "Status", "Bearbeiter", "Kunde", "Fällig", "Voraussichtlich", "Aktualisiert");
            cut.Find("[data-testid=ticket-grid] .mud-table-pagination").TextContent.Should().Contain("Zeilen pro Seite:");
            cut.Find("[data-testid=ticket-pager-info]").TextContent.Trim().Should().MatchRegex("^1–25 von [0-9.]+$");
            PagerButton(cut, "Nächste Seite").Should().NotBeNull();
            cut.FindAll("[data-testid=ticket-grid] button[aria-label]").Select(b => b.GetAttribute("aria-label"))
                .Should().Equal("Erste Seite", "Vorherige Seite", "Nächste Seite", "Letzte Seite");
            cut.Find("[data-testid=select-all]").GetAttribute("aria-label").Should().Be("Alle Tickets dieser Seite auswählen");
            RowCheckboxes(cut)[0].GetAttribute("aria-label").Should().StartWith("Ticket #").And.EndWith(" auswählen");
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public async Task A_capped_count_shows_its_own_cap_a_search_1000_and_any_other_list_10000_and_the_last_page_comes_from_the_end()
    {
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var tenantId = await db.Set<Tenant>().Select(t => t.Id).FirstAsync();
            var now = DateTime.UtcNow.AddYears(-1);
            db.Set<Ticket>().AddRange(Enumerable.Range(0, TicketService.CountCap + 1).Select(i => new Ticket
            {
                Number = 500_000 + i, Subject = $"Kyocera toner {i}", TenantId = tenantId, CreatedAt = now, UpdatedAt = now,
            }));
            await db.SaveChangesAsync();
        }

        var searched = RenderAt("/tickets?q=kyocera");
        searched.WaitForAssertion(() => searched.Find("[data-testid=ticket-pager-capped]").TextContent.Trim().Should().Be("1–25 of more than 1,000"));
        PagerButton(searched, "Last page").HasAttribute("disabled").Should().BeTrue("relevance has no end to read from");
        searched.Dispose();

        var all = RenderAt("/tickets?sort=number&dir=asc");
        all.WaitForAssertion(() => all.Find("[data-testid=ticket-pager-capped]").TextContent.Trim().Should().Be("1–25 of more than 10,000"));
        PagerButton(all, "Next page").HasAttribute("disabled").Should().BeFalse();

        await PagerButton(all, "Last page").ClickAsync(new());

        var navigation = Services.GetRequiredService<NavigationManager>();
        all.WaitForAssertion(() => navigation.Uri.Should().EndWith("/tickets?sort=number&dir=asc&page=last"));
        all.WaitForAssertion(() => Numbers(all).Should().Equal(
            Enumerable.Range(500_000 + TicketService.CountCap + 1 - 25, 25).Select(Ticket.FormatNumber)));
        all.Find("[data-testid=ticket-pager-capped]").TextContent.Trim().Should().Be("Last 25 of more than 10,000");
        PagerButton(all, "Last page").HasAttribute("disabled").Should().BeTrue();
        PagerButton(all, "Next page").HasAttribute("disabled").Should().BeTrue();
        PagerButton(all, "First page").HasAttribute("disabled").Should().BeFalse();
    }

    private static List<string> Numbers(IRenderedComponent<TicketList> cut) =>
        cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim()).ToList();

    private static List<(string, string)> AriaSorts(IRenderedComponent<TicketList> cut) =>
        cut.FindAll("[data-testid=ticket-grid] thead th[aria-sort]").Select(th => (th.TextContent.Trim(), th.GetAttribute("aria-sort")!)).ToList();

    private static AngleSharp.Dom.IElement PagerButton(IRenderedComponent<TicketList> cut, string label) =>
        cut.Find($"[data-testid=ticket-grid] .mud-table-pagination-actions button[aria-label='{label}']");

    private static IReadOnlyList<AngleSharp.Dom.IElement> RowCheckboxes(IRenderedComponent<TicketList> cut) =>
        cut.FindAll("[data-testid=ticket-grid] tbody input[type=checkbox]");

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
