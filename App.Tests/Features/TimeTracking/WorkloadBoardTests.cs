using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.TimeTracking.Pages;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>The workload board, rendered with bUnit on the real services over the demo data.</summary>
public sealed class WorkloadBoardTests(TimeTrackingFixture fixture) : BlazorTicketsTestContext(fixture.Host.App), IClassFixture<TimeTrackingFixture>
{
    private TimeTrackingHost Host { get; } = fixture.Host;

    /// <summary>How long a live update may take before the test fails: generous, as a loaded machine is slow.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static string Row(string userId) => $"[data-testid=workload-row][data-user='{userId}']";

    /// <summary>The running-timer cell: a column of its own in the board's grid, outside the row's other cells.</summary>
    private static string Timer(string userId) => $"[data-testid=workload-timer][data-user='{userId}']";

    private async Task<IRenderedComponent<WorkloadBoard>> RenderAsLeadAsync()
    {
        var lena = await Host.UserIdAsync("lena@contoso.example");
        this.SignInForTimeTracking(lena, "Lena Lead", teamLead: true);
        var cut = Render<WorkloadBoard>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=workload-row]").Should().NotBeEmpty(), Patience);
        return cut;
    }

    [Fact]
    public async Task A_team_lead_sees_every_agent_with_the_numbers_from_the_database_each_linking_to_the_filtered_ticket_list()
    {
        var anna = await Host.UserIdAsync("anna@contoso.example");
        var ben = await Host.UserIdAsync("ben@contoso.example");
        var carla = await Host.UserIdAsync("carla@contoso.example");
        var today = DateOnly.FromDateTime(Host.Clock.GetUtcNow().UtcDateTime);
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        var annasTickets = await db.Set<Ticket>().Where(t => t.HandlerId == anna).Select(t => new { t.Status, t.ExpectedDate }).ToListAsync();
        var unbilled = await db.Set<TimeEntry>().Where(e => e.UserId == anna && e.Billable && e.QuoteLineId == null).SumAsync(e => e.Minutes);

        var cut = await RenderAsLeadAsync();

        cut.FindAll("[data-testid=workload-row]").Select(r => r.GetAttribute("data-user")).Should().Contain([anna, ben, carla]);
        var row = cut.Find(Row(anna));
        row.QuerySelector("[data-testid=workload-agent]")!.TextContent.Should().Be("Anna Agent");
        foreach (var status in WorkloadData.OpenStatuses)
        {
            var link = row.QuerySelector($"[data-testid=open-{status}]")!;
            link.TextContent.Should().Be(annasTickets.Count(t => t.Status == status).ToString(), status.ToString());
            link.GetAttribute("href").Should().Be($"/tickets?status={status}&handler={anna}");
        }
        var open = annasTickets.Count(t => t.Status != TicketStatus.Closed);
        open.Should().BeGreaterThan(0, "the demo data gives Anna open tickets, so the check means something");
        row.QuerySelector("[data-testid=open-total]")!.TextContent.Should().Be(open.ToString());
        row.QuerySelector("[data-testid=open-total]")!.GetAttribute("href").Should()
            .Be($"/tickets?status=New,Open,InProgress,WaitingForCustomer,Answered&handler={anna}");
        var overdue = row.QuerySelector("[data-testid=overdue]")!;
        overdue.TextContent.Should().Be(annasTickets.Count(t => t.Status != TicketStatus.Closed && t.ExpectedDate < today).ToString());
        overdue.GetAttribute("href").Should().Be($"/tickets?handler={anna}&overdue=1");
        row.QuerySelector("[data-testid=hours-unbilled]")!.TextContent.Should().Be(TimeFormat.Minutes(unbilled));
        cut.Find("[data-testid=chart-open-tickets]").InnerHtml.Should().Contain("Anna Agent");
        cut.Find("[data-testid=chart-hours-per-day]").InnerHtml.Should().Contain("Wed");
    }

    [Fact]
    public void The_board_links_match_the_ticket_lists_own_url_filter()
    {
        var url = WorkloadService.TicketListUrl("u1", [TicketStatus.Open, TicketStatus.InProgress]);

        var filter = TicketListFilter.FromQuery(new Uri(new Uri("http://x"), url).Query);

        filter.Should().Be(new TicketListFilter { HandlerId = "u1", Statuses = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.InProgress } });
        TicketListFilter.FromQuery(new Uri(new Uri("http://x"), WorkloadService.TicketListUrl("u1", overdue: true)).Query)
            .Should().Be(new TicketListFilter { HandlerId = "u1", OverdueOnly = true });
    }

    [Fact]
    public async Task An_agent_sees_only_their_own_line()
    {
        var anna = await Host.UserIdAsync("anna@contoso.example");
        this.SignInForTimeTracking(anna, "Anna Agent");

        var cut = Render<WorkloadBoard>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=workload-row]").Select(r => r.GetAttribute("data-user")).Should().Equal(anna), Patience);
        cut.Find("[data-testid=own-line-only]");
    }

    [Fact]
    public async Task A_timer_started_anywhere_shows_live_and_ticks_and_after_stop_the_logged_time_shows()
    {
        var agent = await Host.NewAgentAsync("Aaron Live");
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 40);
        var cut = await RenderAsLeadAsync();
        cut.Find(Timer(agent)).QuerySelector("[data-testid=workload-timer-ticket]").Should().BeNull();
        cut.Find(Row(agent)).QuerySelector("[data-testid=hours-today]")!.TextContent.Should().Be("0:00");

        var started = (StartTimerResult.Started)await Host.TimeTracking.StartAsync(agent, ticket);

        cut.WaitForAssertion(() =>
            cut.Find(Timer(agent)).QuerySelector("[data-testid=workload-timer-ticket]")?.TextContent.Should().Be(started.Timer.TicketTag), Patience);
        cut.WaitForState(() => Host.Ticker.SubscriberCount > 0, Patience);
        Host.Clock.Advance(TimeSpan.FromSeconds(3.5));
        cut.WaitForAssertion(() =>
            cut.Find(Timer(agent)).QuerySelector("[data-testid=workload-timer-elapsed]")!.TextContent.Should().Be("0:00:03"), Patience);

        await Host.TimeTracking.StopAsync(agent, new StopRequest());

        cut.WaitForAssertion(() =>
        {
            var row = cut.Find(Row(agent));
            cut.Find(Timer(agent)).QuerySelector("[data-testid=workload-timer-ticket]").Should().BeNull();
            row.QuerySelector("[data-testid=hours-today]")!.TextContent.Should().Be("0:05");
            row.QuerySelector("[data-testid=hours-week]")!.TextContent.Should().Be("0:05");
            row.QuerySelector("[data-testid=hours-unbilled]")!.TextContent.Should().Be("0:05");
        }, Patience);
    }

    [Fact]
    public async Task A_reassigned_ticket_moves_between_agents_on_the_board_without_a_reload()
    {
        var anna = await Host.UserIdAsync("anna@contoso.example");
        var ben = await Host.UserIdAsync("ben@contoso.example");
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>().Where(t => t.HandlerId == anna && t.Status == TicketStatus.Open && !t.Watchers.Any()).Select(t => t.Id).FirstAsync();
        var cut = await RenderAsLeadAsync();
        int Count(string user) => int.Parse(cut.Find(Row(user)).QuerySelector("[data-testid=open-Open]")!.TextContent);
        var (annaBefore, benBefore) = (Count(anna), Count(ben));

        var tickets = new TicketService(Host.DbFactory, Host.Clock);
        var details = (await tickets.GetAsync(ticket))!;
        var edit = details.Edit.Clone();
        edit.HandlerId = ben;
        (await tickets.SaveAsync(details.Edit, edit, "Lena Lead")).Should().BeOfType<SaveTicketResult.Saved>();

        cut.WaitForAssertion(() =>
        {
            Count(anna).Should().Be(annaBefore - 1);
            Count(ben).Should().Be(benBefore + 1);
        }, Patience);
    }

    private async Task<int> UnassignedNewTicketAsync()
    {
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        var template = await db.Set<Ticket>().AsNoTracking().FirstAsync();
        var ticket = new Ticket
        {
            Number = 880000 + await db.Set<Ticket>().CountAsync(),
            Subject = "Nobody has taken this yet",
            Status = TicketStatus.New,
            TenantId = template.TenantId,
            HandlerId = null,
            ExpectedDate = DateOnly.FromDateTime(Host.Clock.GetUtcNow().UtcDateTime).AddDays(-3),
            CreatedAt = Host.Clock.GetUtcNow().UtcDateTime,
            UpdatedAt = Host.Clock.GetUtcNow().UtcDateTime,
        };
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Id;
    }

    [Fact]
    public async Task Unassigned_open_tickets_are_counted_on_a_line_of_their_own()
    {
        await UnassignedNewTicketAsync();
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        var unassignedNew = await db.Set<Ticket>().CountAsync(t => t.HandlerId == null && t.Status == TicketStatus.New);

        var board = await Host.Workload.GetAsync(null);

        board.Unassigned.Should().NotBeNull();
        board.Unassigned!.Open(TicketStatus.New).Should().Be(unassignedNew).And.BeGreaterThan(0);
        board.Unassigned.Overdue.Should().BeGreaterThan(0);
        board.Agents.Sum(a => a.Open(TicketStatus.New)).Should().Be(await db.Set<Ticket>().CountAsync(t => t.HandlerId != null && t.Status == TicketStatus.New));
        (await Host.Workload.GetAsync(await Host.UserIdAsync("anna@contoso.example"))).Unassigned.Should().BeNull("an agent's own view has no such line");
        WorkloadService.TicketListUrl(null, [TicketStatus.New]).Should().Be("/tickets?status=New&unassigned=1");
    }

    [Fact]
    public async Task A_team_lead_sees_the_unassigned_line_linking_to_the_list_of_unassigned_tickets()
    {
        await UnassignedNewTicketAsync();
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        var unassignedNew = await db.Set<Ticket>().CountAsync(t => t.HandlerId == null && t.Status == TicketStatus.New);

        var cut = await RenderAsLeadAsync();

        var line = cut.Find("[data-testid=workload-unassigned]");
        line.TextContent.Should().Contain("Unassigned");
        var link = line.QuerySelector("[data-testid=open-New]")!;
        link.TextContent.Should().Be(unassignedNew.ToString());
        link.GetAttribute("href").Should().Be("/tickets?status=New&unassigned=1");
        TicketListFilter.FromQuery(new Uri(new Uri("http://x"), link.GetAttribute("href")!).Query)
            .Should().Be(new TicketListFilter { UnassignedOnly = true, Statuses = new HashSet<TicketStatus> { TicketStatus.New } });
    }

    [Fact]
    public async Task A_billing_clerk_sees_the_teams_unbilled_time_instead_of_an_empty_line_of_their_own()
    {
        var bill = await Host.UserIdAsync("bill@contoso.example");
        this.SignInForTimeTracking(bill, "Bill Billing", billingClerk: true);
        var anna = await Host.UserIdAsync("anna@contoso.example");

        var cut = Render<WorkloadBoard>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=workload-row]").Select(r => r.GetAttribute("data-user")).Should().Contain(anna), Patience);
        cut.Find("[data-testid=billing-view-link]").GetAttribute("href").Should().Be("/tickets?unbilled=1");
        cut.FindAll("[data-testid=own-line-only]").Should().BeEmpty();
    }

    /// <summary>A new open ticket with the service-level columns the recompute would have written.</summary>
    private async Task<int> SlaTicketAsync(string? handlerId, TimeSpan atRiskIn, TimeSpan dueIn, TicketStatus status = TicketStatus.Open)
    {
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        var template = await db.Set<Ticket>().AsNoTracking().FirstAsync();
        var ticket = new Ticket
        {
            Number = 890000 + await db.Set<Ticket>().CountAsync(),
            Subject = "Service level test",
            Status = status,
            TenantId = template.TenantId,
            HandlerId = handlerId,
            CreatedAt = now,
            UpdatedAt = now,
            SlaAtRiskAt = now + atRiskIn,
            SlaDueAt = now + dueIn,
        };
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Id;
    }

    [Fact]
    public async Task Open_tickets_whose_service_level_is_at_risk_or_breached_are_counted_per_agent_and_unassigned()
    {
        var agent = await Host.NewAgentAsync("Sally Sla");
        var hour = TimeSpan.FromHours(1);
        await SlaTicketAsync(agent, atRiskIn: -hour, dueIn: hour);
        await SlaTicketAsync(agent, atRiskIn: -2 * hour, dueIn: -hour);
        await SlaTicketAsync(agent, atRiskIn: -2 * hour, dueIn: TimeSpan.Zero);
        await SlaTicketAsync(agent, atRiskIn: hour, dueIn: 2 * hour);
        await SlaTicketAsync(agent, atRiskIn: -2 * hour, dueIn: -hour, status: TicketStatus.Closed);
        await SlaTicketAsync(null, atRiskIn: -hour, dueIn: hour);
        await SlaTicketAsync(null, atRiskIn: -2 * hour, dueIn: -hour);
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        var unassigned = db.Set<Ticket>().Where(t => t.HandlerId == null && t.Status != TicketStatus.Closed);

        var board = await Host.Workload.GetAsync(null);
        var own = await Host.Workload.GetAsync(agent);

        var line = board.Agents.Single(a => a.UserId == agent);
        (line.SlaAtRisk, line.SlaBreached).Should().Be((1, 2), "due exactly now is breached, at risk later is neither, a closed ticket is not counted");
        (own.Agents.Single().SlaAtRisk, own.Agents.Single().SlaBreached).Should().Be((1, 2));
        board.Unassigned!.SlaAtRisk.Should().Be(await unassigned.CountAsync(t => t.SlaAtRiskAt <= now && t.SlaDueAt > now)).And.BeGreaterThan(0);
        board.Unassigned.SlaBreached.Should().Be(await unassigned.CountAsync(t => t.SlaDueAt <= now)).And.BeGreaterThan(0);
        board.Agents.Where(a => a.UserId != agent).Sum(a => a.SlaAtRisk + a.SlaBreached)
            .Should().Be(await db.Set<Ticket>().CountAsync(t => t.HandlerId != null && t.HandlerId != agent && t.Status != TicketStatus.Closed && t.SlaAtRiskAt <= now));
    }

    [Fact]
    public async Task The_service_level_columns_link_to_the_desk_filters_are_coloured_and_follow_a_service_level_change_live()
    {
        var agent = await Host.NewAgentAsync("Simon Sla");
        var hour = TimeSpan.FromHours(1);
        var ticket = await SlaTicketAsync(agent, atRiskIn: -hour, dueIn: hour);
        await SlaTicketAsync(agent, atRiskIn: hour, dueIn: 2 * hour);
        var cut = await RenderAsLeadAsync();

        var atRisk = cut.Find(Row(agent)).QuerySelector("[data-testid=sla-at-risk]")!;
        var breached = cut.Find(Row(agent)).QuerySelector("[data-testid=sla-breached]")!;
        (atRisk.TextContent, breached.TextContent).Should().Be(("1", "0"));
        atRisk.ClassList.Should().Contain("mud-warning-text");
        breached.ClassList.Should().NotContain("mud-error-text");
        atRisk.GetAttribute("href").Should().Be($"/tickets?handler={agent}&atrisk=1");
        breached.GetAttribute("href").Should().Be($"/tickets?handler={agent}&breached=1");
        TicketListFilter.FromQuery(new Uri(new Uri("http://x"), atRisk.GetAttribute("href")!).Query).Should().Be(new TicketListFilter { HandlerId = agent, SlaAtRisk = true });
        var line = cut.Find("[data-testid=workload-unassigned]");
        line.QuerySelector("[data-testid=sla-at-risk]")!.GetAttribute("href").Should().Be("/tickets?unassigned=1&atrisk=1");
        line.QuerySelector("[data-testid=sla-breached]")!.GetAttribute("href").Should().Be("/tickets?unassigned=1&breached=1");

        // As the service levels' recompute writes a due time that has passed: straight to the columns, then published.
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        await using (var db = await Host.DbFactory.CreateDbContextAsync())
        {
            await db.Set<Ticket>().Where(t => t.Id == ticket)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.SlaDueAt, now - hour).SetProperty(t => t.SlaAtRiskAt, now - 2 * hour));
        }
        Host.Notifier.Publish([ticket], TicketFields.Sla);

        cut.WaitForAssertion(() =>
        {
            var row = cut.Find(Row(agent));
            row.QuerySelector("[data-testid=sla-at-risk]")!.TextContent.Should().Be("0");
            row.QuerySelector("[data-testid=sla-breached]")!.TextContent.Should().Be("1");
            row.QuerySelector("[data-testid=sla-breached]")!.ClassList.Should().Contain("mud-error-text");
        }, Patience);
    }
}
