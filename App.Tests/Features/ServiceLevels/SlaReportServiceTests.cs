using System.Security.Claims;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.ServiceLevels.Reports;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.ServiceLevels;

/// <summary>
/// The report over stages written straight into a real SQLite file, so each stage's verdict is known by construction.
/// Now is Monday 16 March 2026, 10:30 UTC; the server's zone is UTC.
/// </summary>
public sealed class SlaReportServiceTests : IAsyncLifetime
{
    private static readonly DateTime Now = FixedTimeProvider.DefaultNow.UtcDateTime;
    private static readonly SlaReportPeriod March = new(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 16));

    private TestServices app = null!;
    private SlaWorld world = null!;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(clock: new FixedTimeProvider());
        world = await SlaWorld.SeedAsync(app.DbFactory);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<SlaReportResult> ReportAsync(SlaReportPeriod period, ClaimsPrincipal? user = null)
    {
        await using var scope = app.CreateScope();
        if (user is not null)
        {
            scope.ServiceProvider.GetRequiredService<TenantScope>().Use(user);
        }
        return await scope.ServiceProvider.GetRequiredService<SlaReportService>().GetAsync(period);
    }

    private async Task<SlaReport> ReadyAsync(SlaReportPeriod period, ClaimsPrincipal? user = null) =>
        (await ReportAsync(period, user)).Should().BeOfType<SlaReportResult.Ready>().Subject.Report;

    [Fact]
    public async Task Each_stage_counts_once_as_met_breached_or_running_per_target_and_in_total()
    {
        var report = await ReadyAsync(March);

        report.Totals.For(SlaTarget.FirstResponse).Should().Be(new SlaCounts(Met: 2, Breached: 2, Running: 0));
        report.Totals.For(SlaTarget.NextResponse).Should().Be(new SlaCounts(Met: 1, Breached: 1, Running: 0));
        report.Totals.For(SlaTarget.Resolution).Should().Be(new SlaCounts(Met: 1, Breached: 0, Running: 3));
        report.Totals.All.Should().Be(new SlaCounts(4, 3, 3));
        report.Totals.All.Total.Should().Be(10);
        report.Totals.For(SlaTarget.FirstResponse).AttainmentPercent.Should().Be(50);
        report.Totals.All.AttainmentPercent.Should().BeApproximately(100.0 * 4 / 7, 0.001);
    }

    [Fact]
    public async Task Rows_per_tenant_customer_and_handler_with_the_unknown_ones_last()
    {
        var report = await ReadyAsync(March);

        report.Tenants.Select(r => (r.Name, r.All)).Should().Equal(("Contoso", new SlaCounts(3, 3, 3)), ("Fabrikam", new SlaCounts(1, 0, 0)));
        report.Customers.Select(r => (r.Key, r.Name, r.All)).Should().Equal(
            (world.CustomerId.ToString(), "Northwind", new SlaCounts(1, 1, 1)),
            (null, "No customer", new SlaCounts(3, 2, 2)));
        report.Agents.Select(r => (r.Key, r.Name, r.All)).Should().Equal(
            (world.AnnaId, "Anna Agent", new SlaCounts(1, 1, 1)),
            (world.BenId, "Ben Busy", new SlaCounts(1, 0, 0)),
            (null, "Unassigned", new SlaCounts(2, 2, 2)));
        report.Agents[0].For(SlaTarget.NextResponse).Should().Be(new SlaCounts(0, 1, 0));
        report.Agents[2].For(SlaTarget.FirstResponse).AttainmentPercent.Should().Be(0);
        report.Agents[2].For(SlaTarget.NextResponse).AttainmentPercent.Should().Be(100);
    }

    [Fact]
    public async Task The_period_holds_the_stages_started_from_the_first_days_midnight_to_the_last_days_end()
    {
        var firstDay = await ReadyAsync(new SlaReportPeriod(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 1)));
        var lastDay = await ReadyAsync(new SlaReportPeriod(new DateOnly(2026, 3, 16), new DateOnly(2026, 3, 16)));
        var before = await ReadyAsync(new SlaReportPeriod(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28)));
        var after = await ReadyAsync(new SlaReportPeriod(new DateOnly(2026, 3, 17), new DateOnly(2026, 3, 31)));

        firstDay.Totals.All.Should().Be(new SlaCounts(1, 0, 0), "the stage of 1 March 00:00 counts, the one a second before does not");
        lastDay.Totals.All.Should().Be(new SlaCounts(0, 0, 1), "the stage of 16 March 23:59 counts");
        before.Totals.All.Should().Be(new SlaCounts(1, 0, 0), "28 February 23:59:59 belongs to February");
        after.Totals.All.Should().Be(new SlaCounts(0, 1, 0), "17 March 00:00 belongs to the next period; its due time passed already in this test's world");
        before.Tenants.Should().ContainSingle();
    }

    [Fact]
    public async Task A_user_limited_to_a_tenant_sees_only_its_stages_an_admin_sees_all()
    {
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            db.Add(new UserTenant { UserId = world.AnnaId, TenantId = world.FabrikamId });
            await db.SaveChangesAsync();
        }
        var anna = Principal(world.AnnaId, Groups.TicketSupport);
        var admin = Principal(world.BenId, Groups.Admins);

        var limited = await ReadyAsync(March, anna);
        var all = await ReadyAsync(March, admin);

        limited.Tenants.Select(r => r.Name).Should().Equal("Fabrikam");
        limited.Totals.All.Should().Be(new SlaCounts(1, 0, 0));
        limited.Agents.Select(r => r.Name).Should().Equal("Ben Busy");
        limited.Customers.Should().ContainSingle().Which.Key.Should().BeNull();
        all.Tenants.Select(r => r.Name).Should().Equal("Contoso", "Fabrikam");
        all.Totals.All.Total.Should().Be(10);
    }

    [Fact]
    public async Task A_period_that_ends_before_it_starts_or_exceeds_366_days_is_refused()
    {
        var backwards = await ReportAsync(new SlaReportPeriod(new DateOnly(2026, 3, 16), new DateOnly(2026, 3, 15)));
        var tooLong = await ReportAsync(new SlaReportPeriod(new DateOnly(2025, 3, 16), new DateOnly(2026, 3, 17)));
        var longest = await ReportAsync(new SlaReportPeriod(new DateOnly(2025, 3, 17), new DateOnly(2026, 3, 17)));

        backwards.Should().BeOfType<SlaReportResult.Invalid>().Which.Errors.For(nameof(SlaReportPeriod.From)).Should().ContainSingle()
            .Which.Format.Should().Be("The start date must not be after the end date.");
        tooLong.Should().BeOfType<SlaReportResult.Invalid>().Which.Errors.For(nameof(SlaReportPeriod.To)).Should().ContainSingle()
            .Which.Should().Be(new BlazorTickets.Shared.ErrorMessage("Choose a period of at most {0} days.", 366));
        longest.Should().BeOfType<SlaReportResult.Ready>().Which.Report.Totals.All.Total.Should().Be(12);
    }

    [Fact]
    public void The_default_period_is_the_last_30_days_and_dates_are_read_from_the_query()
    {
        var today = new DateOnly(2026, 3, 16);

        SlaReportPeriod.LastDays(today).Should().Be(new SlaReportPeriod(new DateOnly(2026, 2, 15), today));
        SlaReportPeriod.LastDays(today).Days.Should().Be(30);
        SlaReportPeriod.FromQuery("2026-01-02", "2026-01-31", today).Should().Be(new SlaReportPeriod(new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 31)));
        SlaReportPeriod.FromQuery(null, null, today).Should().Be(SlaReportPeriod.LastDays(today));
        SlaReportPeriod.FromQuery("16.03.2026", null, today).Should().BeNull();
        new SlaReportPeriod(new DateOnly(2026, 1, 2), new DateOnly(2026, 1, 31)).ToQuery().Should().Be("?from=2026-01-02&to=2026-01-31");
    }

    [Fact]
    public void Csv_names_are_quoted_and_cannot_start_a_formula()
    {
        SlaReportService.CsvLine("customer", "=HYPERLINK(\"x\"), Inc.", "FirstResponse", new SlaCounts(2, 1, 3))
            .Should().Be("customer,\"'=HYPERLINK(\"\"x\"\"), Inc.\",FirstResponse,6,2,1,3,66.7");
        SlaReportService.CsvLine("agent", "@Ben", "all", new SlaCounts(0, 0, 1)).Should().Be("agent,'@Ben,all,1,0,0,1,");
    }

    private static ClaimsPrincipal Principal(string userId, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Role, role)], "Test"));
}

/// <summary>
/// Two tenants and their tickets with stages of known verdicts at <see cref="FixedTimeProvider.DefaultNow"/>:
/// in March 10 stages (4 met, 3 breached, 3 running), one on 28 February and one on 17 March.
/// </summary>
public sealed record SlaWorld(int ContosoId, int FabrikamId, int CustomerId, string AnnaId, string BenId)
{
    private static DateTime At(int month, int day, int hour, int minute = 0, int second = 0) => new(2026, month, day, hour, minute, second, DateTimeKind.Utc);

    public static async Task<SlaWorld> SeedAsync(Microsoft.EntityFrameworkCore.IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var contoso = new Tenant { Name = "Contoso", SenderAddress = "support@contoso.example" };
        var fabrikam = new Tenant { Name = "Fabrikam", SenderAddress = "support@fabrikam.example" };
        db.AddRange(contoso, fabrikam);
        await db.SaveChangesAsync();
        var customer = new Customer { Name = "Northwind", CustomerNumber = "K-1", TenantId = contoso.Id, CreatedAt = At(1, 1, 0) };
        var anna = User("Anna Agent");
        var ben = User("Ben Busy");
        db.AddRange(customer, anna, ben);
        await db.SaveChangesAsync();

        var annas = Ticket(db, 1, contoso.Id, customer.Id, anna.Id);
        var nobodys = Ticket(db, 2, contoso.Id, null, null);
        var bens = Ticket(db, 3, fabrikam.Id, null, ben.Id);
        await db.SaveChangesAsync();

        // Anna's: first response met, next response answered late (breached), resolution still running before its due time.
        Stage(db, annas, SlaTarget.FirstResponse, At(3, 10, 8), due: At(3, 10, 12), completed: At(3, 10, 9));
        Stage(db, annas, SlaTarget.NextResponse, At(3, 11, 8), due: At(3, 11, 12), completed: At(3, 11, 13));
        Stage(db, annas, SlaTarget.Resolution, At(3, 10, 8), due: At(3, 20, 12), completed: null);
        // Nobody's: first response overdue and unanswered (breached), resolution paused (running), a next response
        // answered while paused (met), a resolution met on 1 March at midnight and one still paused from the last day.
        Stage(db, nobodys, SlaTarget.FirstResponse, At(3, 15, 8), due: At(3, 15, 12), completed: null);
        Stage(db, nobodys, SlaTarget.Resolution, At(3, 15, 8), due: null, completed: null);
        Stage(db, nobodys, SlaTarget.NextResponse, At(3, 12, 8), due: null, completed: At(3, 12, 9));
        Stage(db, nobodys, SlaTarget.Resolution, At(3, 1, 0), due: At(3, 2, 0), completed: At(3, 1, 12));
        Stage(db, nobodys, SlaTarget.Resolution, At(3, 16, 23, 59), due: null, completed: null);
        Stage(db, nobodys, SlaTarget.FirstResponse, At(3, 13, 8), due: At(3, 13, 12), completed: At(3, 13, 12, 0, 1));
        // Ben's at Fabrikam: met on the dot.
        Stage(db, bens, SlaTarget.FirstResponse, At(3, 9, 8), due: At(3, 9, 10), completed: At(3, 9, 10));
        // Outside March: a second before and the first moment after.
        Stage(db, bens, SlaTarget.Resolution, At(2, 28, 23, 59, 59), due: At(3, 5, 0), completed: At(3, 1, 0));
        Stage(db, bens, SlaTarget.NextResponse, At(3, 17, 0), due: At(3, 16, 0), completed: null);
        await db.SaveChangesAsync();
        return new SlaWorld(contoso.Id, fabrikam.Id, customer.Id, anna.Id, ben.Id);
    }

    private static AppUser User(string name)
    {
        var email = $"{Guid.NewGuid():N}@agents.example";
        return new AppUser
        {
            UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(),
            DisplayName = name, SecurityStamp = Guid.NewGuid().ToString(),
        };
    }

    private static Ticket Ticket(AppDbContext db, int number, int tenantId, int? customerId, string? handlerId)
    {
        var ticket = new Ticket
        {
            Number = 70000 + number, Subject = $"SLA report {number}", Status = TicketStatus.Open, TenantId = tenantId,
            CustomerId = customerId, HandlerId = handlerId, CreatedAt = At(2, 1, 0), UpdatedAt = At(2, 1, 0),
        };
        db.Add(ticket);
        return ticket;
    }

    private static void Stage(AppDbContext db, Ticket ticket, SlaTarget target, DateTime started, DateTime? due, DateTime? completed) =>
        db.Add(new TicketSlaStage { TicketId = ticket.Id, Target = target, StartedAt = started, TargetMinutes = 240, DueAt = due, CompletedAt = completed });
}
