using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Desk;

/// <summary>A desk list follows ticket changes by patching rows, and leaves alone the changes it cannot show.</summary>
public sealed class LiveTicketListTests : BlazorTicketsTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private TestServices app = null!;
    private QueryCountingDbFactory counted = null!;
    private string agentId = "";

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        (agentId, _) = await SignInAsAgentAsync();
        counted = new QueryCountingDbFactory(app.Get<DbContextOptions<AppDbContext>>());
        // Override: the list's own queries are counted.
        Services.AddScoped(sp => new TicketService(counted, app.Get<TimeProvider>(), sp.GetRequiredService<TenantScope>()));
    }

    private IRenderedComponent<TicketList> RenderAt(string relativeUrl)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(relativeUrl);
        var cut = Render<TicketList>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty(), Patience);
        return cut;
    }

    private static List<string> Numbers(IRenderedComponent<TicketList> cut) =>
        cut.FindAll("[data-testid=ticket-link]").Select(a => a.TextContent.Trim()).ToList();

    private static string Rows(IRenderedComponent<TicketList> cut) =>
        string.Join("\n", cut.FindAll("[data-testid=ticket-grid] tbody tr").Select(tr => tr.TextContent.Trim()));

    private async Task ChangeAsync(int number, Action<TicketEdit> change)
    {
        var tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var id = await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.Id).SingleAsync();
        var original = (await tickets.GetAsync(id))!.Edit;
        var edited = original.Clone();
        change(edited);
        (await tickets.SaveAsync(original, edited, "Live Test")).Should().BeOfType<SaveTicketResult.Saved>();
    }

    /// <summary>Waits until the change reached every subscriber (the list decides on it before this one hears it).</summary>
    private TaskCompletionSource Delivered(int number)
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var db = app.DbFactory.CreateDbContext();
        var id = db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.Id).Single();
        app.Get<TicketChangeNotifier>().Subscribe(change =>
        {
            if (change.TicketIds.Contains(id))
            {
                heard.TrySetResult();
            }
            return Task.CompletedTask;
        });
        return heard;
    }

    [Theory]
    [InlineData("")]
    [InlineData("?status=Open,New")]
    [InlineData("?overdue=1")]
    [InlineData("?unbilled=1")]
    [InlineData("?mine=1")]
    [InlineData("?q=printer")]
    public async Task A_row_read_alone_is_the_row_the_page_shows(string query)
    {
        var filter = TicketListFilter.FromQuery(query);
        var tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
        var page = await tickets.QueryAsync(filter, agentId, TicketSort.Default, 0, 25);

        foreach (var row in page.Items)
        {
            (await tickets.GetListRowAsync(row.Id, filter, agentId)).Should().Be(row);
        }
    }

    [Fact]
    public async Task A_ticket_the_filter_does_not_match_has_no_row()
    {
        var tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
        var open = (await tickets.QueryAsync(TicketListFilter.FromQuery("?status=Open"), agentId, TicketSort.Default, 0, 1)).Items.Single();

        (await tickets.GetListRowAsync(open.Id, TicketListFilter.FromQuery("?status=Closed"), agentId)).Should().BeNull();
    }

    [Theory]
    [InlineData("/tickets", 3)]
    [InlineData("/tickets?sort=number&dir=asc", 2)]
    [InlineData("/tickets?sort=subject&dir=asc", 4)]
    [InlineData("/tickets?q=printer", 0)]
    public async Task A_live_row_patch_gives_the_same_row_as_a_fresh_load(string url, int shownAt)
    {
        var live = RenderAt(url);
        var number = int.Parse(Numbers(live)[shownAt].TrimStart('#'));

        await ChangeAsync(number, edit =>
        {
            edit.Subject = $"AAA printer patched live {number}";
            edit.Status = edit.Status == TicketStatus.InProgress ? TicketStatus.Open : TicketStatus.InProgress;
        });

        live.WaitForAssertion(() => live.Markup.Should().Contain($"AAA printer patched live {number}"), Patience);
        var fresh = Render<TicketList>();
        fresh.WaitForAssertion(() => fresh.Markup.Should().Contain($"AAA printer patched live {number}"), Patience);
        Rows(live).Should().Be(Rows(fresh));
    }

    [Theory]
    [InlineData("/tickets?sort=number&dir=asc", 3)]
    [InlineData("/tickets", 3)]
    public async Task A_live_patch_redraws_the_changed_row_alone(string url, int shownAt)
    {
        // Numbers ascending: the row is patched where it is. Newest change first: it moves to the top, past three rows.
        var list = RenderAt(url);
        var rows = list.FindComponents<TicketListRowView>();
        rows.Should().HaveCount(25);
        var rendersBefore = rows.Select(r => r.RenderCount).ToList();
        var changed = rows[shownAt].Instance.Row;
        var pageRendersBefore = list.RenderCount;

        await ChangeAsync(changed.Number, edit => edit.Subject = $"Only row {changed.Number} redraws");

        list.WaitForAssertion(() => list.Find($"[data-ticket-id='{changed.Id}'] [data-testid=ticket-subject]").TextContent
            .Should().Be($"Only row {changed.Number} redraws"), Patience);
        list.RenderCount.Should().BeGreaterThan(pageRendersBefore, "the page itself redrew");
        rows.Select((row, i) => row.RenderCount - rendersBefore[i])
            .Should().Equal(rows.Select(row => row.Instance.Row.Id == changed.Id ? 1 : 0), "only the changed row's component drew again");
        list.FindComponents<TicketListRowView>().Should().OnlyContain(now => rows.Any(before => ReferenceEquals(before.Instance, now.Instance)),
            "keyed rows keep their components when a row moves");
    }

    [Fact]
    public async Task A_list_that_shows_none_of_the_changed_tickets_issues_no_query()
    {
        var lowestFirst = RenderAt("/tickets?sort=number&dir=asc");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var last = await db.Set<Ticket>().MaxAsync(t => t.Number);
        Numbers(lowestFirst).Should().NotContain(Ticket.FormatNumber(last));
        var rendersBefore = lowestFirst.RenderCount;
        var queriesBefore = counted.Commands;
        var delivered = Delivered(last);

        // Neither its place in the order nor the list's (empty) filter depends on the subject or the handler.
        await ChangeAsync(last, edit => edit.Subject = "Changed far away");
        await delivered.Task.WaitAsync(Patience);
        await Task.Delay(300);

        counted.Commands.Should().Be(queriesBefore);
        lowestFirst.RenderCount.Should().Be(rendersBefore);

        // The counter counts: a change to a shown ticket reads its row.
        var shown = int.Parse(Numbers(lowestFirst)[1].TrimStart('#'));
        await ChangeAsync(shown, edit => edit.Subject = "Changed on screen");
        lowestFirst.WaitForAssertion(() => lowestFirst.Markup.Should().Contain("Changed on screen"), Patience);
        counted.Commands.Should().BeGreaterThan(queriesBefore);
    }

    [Fact]
    public async Task A_list_of_one_tenant_issues_no_query_for_another_tenants_ticket()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenant = await db.Set<Tenant>().FirstAsync();
        var other = new Tenant { Name = "Other Tenant" };
        db.Set<Tenant>().Add(other);
        var number = await db.Set<Ticket>().MaxAsync(t => t.Number) + 1;
        var now = DateTime.UtcNow;
        var foreign = new Ticket { Number = number, Subject = "Elsewhere", TenantId = 0, Tenant = other, CreatedAt = now, UpdatedAt = now };
        db.Set<Ticket>().Add(foreign);
        await db.SaveChangesAsync();
        var list = RenderAt($"/tickets?tenant={tenant.Id}");
        var queriesBefore = counted.Commands;
        var delivered = Delivered(number);

        // A status change can move a ticket into a filter, but not into one of another tenant.
        await ChangeAsync(number, edit => edit.Status = TicketStatus.Closed);
        await delivered.Task.WaitAsync(Patience);
        await Task.Delay(300);

        counted.Commands.Should().Be(queriesBefore);
    }
}
