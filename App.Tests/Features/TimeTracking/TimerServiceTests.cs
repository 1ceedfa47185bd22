using BlazorTickets.Data;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>Running timers on a real SQLite file. Every test uses agents of its own; the clock moves only when a test moves it.</summary>
public sealed class TimerServiceTests(TimeTrackingFixture fixture) : IClassFixture<TimeTrackingFixture>
{
    private TimeTrackingHost Host => fixture.Host;

    [Fact]
    public async Task An_agent_has_one_running_timer_and_starting_a_second_asks_before_it_stops_and_records_the_first()
    {
        var agent = await Host.NewAgentAsync("One Timer");
        var first = await Host.TicketAsync(timeTrackingAllowed: true, skip: 0);
        var second = await Host.TicketAsync(timeTrackingAllowed: true, skip: 1);
        var service = Host.TimeTracking;

        var started = await service.StartAsync(agent, first);
        Host.Clock.Advance(TimeSpan.FromMinutes(12));
        var asked = await service.StartAsync(agent, second);

        started.Should().BeOfType<StartTimerResult.Started>();
        var elsewhere = asked.Should().BeOfType<StartTimerResult.RunningElsewhere>().Subject;
        elsewhere.Current.TicketId.Should().Be(first);
        (await TimersOfAsync(agent)).Should().ContainSingle().Which.TicketId.Should().Be(first, "nothing changes until the agent agrees");
        (await EntriesOfAsync(agent)).Should().BeEmpty();

        var switched = await service.StartAsync(agent, second, new StopRequest(elsewhere.Current.Id));

        var result = switched.Should().BeOfType<StartTimerResult.Started>().Subject;
        result.Timer.TicketId.Should().Be(second);
        result.StoppedPrevious!.Entry.TicketId.Should().Be(first);
        (await TimersOfAsync(agent)).Should().ContainSingle().Which.TicketId.Should().Be(second);
        var entry = (await EntriesOfAsync(agent)).Should().ContainSingle().Subject;
        entry.TicketId.Should().Be(first);
        entry.Minutes.Should().Be(15, "12 minutes round up to the demo tenant's 5-minute rule");
        entry.Id.Should().Be(result.StoppedPrevious.Entry.Id);
        Host.Registry.Of(agent)!.TicketId.Should().Be(second, "the app bar and the board see the switch at once");
    }

    [Fact]
    public async Task Starting_twice_at_the_same_moment_leaves_exactly_one_timer()
    {
        var first = await Host.TicketAsync(timeTrackingAllowed: true, skip: 2);
        var second = await Host.TicketAsync(timeTrackingAllowed: true, skip: 3);
        for (var round = 0; round < 5; round++)
        {
            var agent = await Host.NewAgentAsync($"Two Tabs {round}");

            // Two browser tabs, two circuits, two services.
            var results = await Task.WhenAll(
                Task.Run(() => Host.TimeTracking.StartAsync(agent, first)),
                Task.Run(() => Host.TimeTracking.StartAsync(agent, second)));

            (await TimersOfAsync(agent)).Should().ContainSingle();
            results.OfType<StartTimerResult.Started>().Should().ContainSingle();
            results.Should().ContainSingle(r => r is StartTimerResult.RunningElsewhere);
        }
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_timer_for_the_same_agent()
    {
        var agent = await Host.NewAgentAsync("Unique Index");
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 4);
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        db.Set<RunningTimer>().Add(new RunningTimer { UserId = agent, TicketId = ticket, StartedAt = DateTime.UtcNow });
        db.Set<RunningTimer>().Add(new RunningTimer { UserId = agent, TicketId = ticket, StartedAt = DateTime.UtcNow });

        var save = () => db.SaveChangesAsync();

        await save.Should().ThrowAsync<DbUpdateException>();
    }

    [Theory]
    [InlineData(0, 7 * 60 + 10, 7)]
    [InlineData(0, 7 * 60 + 40, 8)]
    [InlineData(1, 7 * 60 + 10, 8)]
    [InlineData(5, 7 * 60 + 10, 10)]
    [InlineData(6, 7 * 60 + 10, 12)]
    [InlineData(10, 7 * 60 + 10, 10)]
    [InlineData(15, 7 * 60 + 10, 15)]
    [InlineData(15, 15 * 60, 15)]
    [InlineData(15, 15 * 60 + 1, 30)]
    [InlineData(5, 3, 5)]
    public async Task Stopping_records_the_time_rounded_up_by_the_tenants_rule(int rule, int seconds, int expectedMinutes)
    {
        var agent = await Host.NewAgentAsync($"Rounding {rule}");
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 5);
        await Host.SetRoundingAsync(rule);
        try
        {
            var service = Host.TimeTracking;
            await service.StartAsync(agent, ticket);
            Host.Clock.Advance(TimeSpan.FromSeconds(seconds));

            var stopped = (await service.StopAsync(agent, new StopRequest())).Should().BeOfType<StopTimerResult.Stopped>().Subject;

            var entry = (await EntriesOfAsync(agent)).Should().ContainSingle().Subject;
            entry.Minutes.Should().Be(expectedMinutes);
            (entry.End - entry.Start).Should().Be(TimeSpan.FromSeconds(seconds), "start and end keep the exact time");
            stopped.Entry.Minutes.Should().Be(expectedMinutes);
            (await TimersOfAsync(agent)).Should().BeEmpty();
        }
        finally
        {
            await Host.SetRoundingAsync(5);
        }
    }

    [Fact]
    public async Task A_timer_survives_a_server_restart_and_stops_with_the_time_since_its_stored_start()
    {
        using var folder = new TempFolder("blazortickets-restart");
        var clock = new ManualClock();
        string agent;
        int ticket;
        DateTime startedAt;
        await using (var before = await TimeTrackingHost.StartAsync(folder.Path, clock))
        {
            agent = await before.UserIdAsync("anna@contoso.example");
            ticket = await before.TicketAsync(timeTrackingAllowed: true);
            clock.Advance(TimeSpan.FromMilliseconds(700));
            var started = (StartTimerResult.Started)await before.TimeTracking.StartAsync(agent, ticket);
            startedAt = started.Timer.StartedAt;
        }

        clock.Advance(TimeSpan.FromMinutes(41));
        await using var after = await TimeTrackingHost.StartAsync(folder.Path, clock);

        var running = await after.TimeTracking.GetRunningTimerAsync(agent);
        running.Should().NotBeNull("the start time is stored, not held in memory");
        running!.TicketId.Should().Be(ticket);
        running.StartedAt.Should().Be(startedAt);
        running.ElapsedAt(clock.GetUtcNow()).Should().Be(TimeSpan.FromMinutes(41) + TimeSpan.FromMilliseconds(700),
            "timers start on a whole second, and the elapsed time is computed from the stored start");

        var stopped = await after.TimeTracking.StopAsync(agent, new StopRequest());

        stopped.Should().BeOfType<StopTimerResult.Stopped>().Which.Entry.Minutes.Should().Be(45, "41 minutes rounded up to 5");
        await using var db = await after.DbFactory.CreateDbContextAsync();
        (await db.Set<RunningTimer>().CountAsync(r => r.UserId == agent)).Should().Be(0);
        (await db.Set<TimeEntry>().CountAsync(e => e.UserId == agent && e.TicketId == ticket && e.Minutes == 45)).Should().Be(1);
    }

    [Fact]
    public async Task Without_the_customers_consent_starting_warns_and_the_time_is_recorded_not_billable()
    {
        var agent = await Host.NewAgentAsync("Consent");
        var withoutConsent = await Host.TicketAsync(timeTrackingAllowed: false);
        var withConsent = await Host.TicketAsync(timeTrackingAllowed: true, skip: 6);
        var service = Host.TimeTracking;

        var startedWithout = await service.StartAsync(agent, withoutConsent);
        Host.Clock.Advance(TimeSpan.FromMinutes(20));
        var stoppedWithout = await service.StopAsync(agent, new StopRequest());
        var startedWith = await service.StartAsync(agent, withConsent);
        Host.Clock.Advance(TimeSpan.FromMinutes(20));
        await service.StopAsync(agent, new StopRequest());

        startedWithout.Should().BeOfType<StartTimerResult.Started>().Which.NotBillable.Should().BeTrue();
        startedWith.Should().BeOfType<StartTimerResult.Started>().Which.NotBillable.Should().BeFalse();
        stoppedWithout.Should().BeOfType<StopTimerResult.Stopped>().Which.Entry.Billable.Should().BeFalse();
        var entries = await EntriesOfAsync(agent);
        entries.Single(e => e.TicketId == withoutConsent).Billable.Should().BeFalse();
        entries.Single(e => e.TicketId == withConsent).Billable.Should().BeTrue();
    }

    [Fact]
    public async Task A_timer_over_ten_hours_is_recorded_only_after_the_agent_confirms_or_corrects_it()
    {
        var agent = await Host.NewAgentAsync("Forgetful");
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 7);
        var service = Host.TimeTracking;
        await service.StartAsync(agent, ticket);
        Host.Clock.Advance(TimeSpan.FromHours(10) + TimeSpan.FromMinutes(30));

        var asked = await service.StopAsync(agent, new StopRequest());
        var tooLong = await service.StopAsync(agent, new StopRequest(CorrectedMinutes: 11 * 60));
        var corrected = await service.StopAsync(agent, new StopRequest(CorrectedMinutes: 125));

        var question = asked.Should().BeOfType<StopTimerResult.NeedsConfirmation>().Subject;
        question.MustCorrect.Should().BeFalse();
        question.Elapsed.Should().Be(TimeSpan.FromHours(10.5));
        tooLong.Should().Be(new StopTimerResult.Invalid(FieldErrors.Of(nameof(StopRequest.CorrectedMinutes), TimeMessages.CorrectionLongerThanTimer)));
        corrected.Should().BeOfType<StopTimerResult.Stopped>();
        var entry = (await EntriesOfAsync(agent)).Should().ContainSingle().Subject;
        entry.Minutes.Should().Be(125, "125 is already a multiple of the 5-minute rule");
        (entry.End - entry.Start).Should().Be(TimeSpan.FromMinutes(125));
    }

    [Fact]
    public async Task A_confirmed_long_timer_is_recorded_as_it_ran()
    {
        var agent = await Host.NewAgentAsync("Long Day");
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 8);
        var service = Host.TimeTracking;
        await service.StartAsync(agent, ticket);
        Host.Clock.Advance(TimeSpan.FromHours(11) + TimeSpan.FromMinutes(2));

        var stopped = await service.StopAsync(agent, new StopRequest(ConfirmLong: true));

        stopped.Should().BeOfType<StopTimerResult.Stopped>().Which.Entry.Minutes.Should().Be(11 * 60 + 5);
    }

    [Fact]
    public async Task A_timer_over_24_hours_must_be_corrected_and_stays_running_until_it_is()
    {
        var agent = await Host.NewAgentAsync("Weekend");
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 9);
        var service = Host.TimeTracking;
        await service.StartAsync(agent, ticket);
        Host.Clock.Advance(TimeSpan.FromHours(30));

        var confirmedOnly = await service.StopAsync(agent, new StopRequest(ConfirmLong: true));

        confirmedOnly.Should().BeOfType<StopTimerResult.NeedsConfirmation>().Which.MustCorrect.Should().BeTrue();
        (await TimersOfAsync(agent)).Should().ContainSingle("nothing is lost while the agent decides");
        (await EntriesOfAsync(agent)).Should().BeEmpty();

        (await service.StopAsync(agent, new StopRequest(ConfirmLong: true, CorrectedMinutes: 8 * 60))).Should().BeOfType<StopTimerResult.Stopped>();
        (await EntriesOfAsync(agent)).Should().ContainSingle().Which.Minutes.Should().Be(8 * 60);
    }

    [Fact]
    public async Task Stopping_in_two_tabs_at_once_records_the_time_once()
    {
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 10);
        for (var round = 0; round < 5; round++)
        {
            var agent = await Host.NewAgentAsync($"Double Stop {round}");
            await Host.TimeTracking.StartAsync(agent, ticket);
            Host.Clock.Advance(TimeSpan.FromMinutes(3));

            var results = await Task.WhenAll(
                Task.Run(() => Host.TimeTracking.StopAsync(agent, new StopRequest())),
                Task.Run(() => Host.TimeTracking.StopAsync(agent, new StopRequest())));

            (await EntriesOfAsync(agent)).Should().ContainSingle();
            results.OfType<StopTimerResult.Stopped>().Should().ContainSingle();
            results.OfType<StopTimerResult.NotRunning>().Should().ContainSingle();
        }
    }

    [Fact]
    public async Task Stopping_with_no_timer_running_says_so_and_records_nothing()
    {
        var agent = await Host.NewAgentAsync("Idle");

        var result = await Host.TimeTracking.StopAsync(agent, new StopRequest());

        result.Should().BeOfType<StopTimerResult.NotRunning>();
        (await EntriesOfAsync(agent)).Should().BeEmpty();
    }

    private async Task<List<RunningTimer>> TimersOfAsync(string userId)
    {
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        return await db.Set<RunningTimer>().AsNoTracking().Where(r => r.UserId == userId).ToListAsync();
    }

    private async Task<List<TimeEntry>> EntriesOfAsync(string userId)
    {
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        return await db.Set<TimeEntry>().AsNoTracking().Where(e => e.UserId == userId).ToListAsync();
    }
}
