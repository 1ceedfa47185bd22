using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.TimeTracking.Components;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>The app-bar timer, rendered with bUnit on the real ticker, registry and services; the clock is the test's.</summary>
public sealed class RunningTimerWidgetTests(TimeTrackingFixture fixture) : BlazorTicketsTestContext(fixture.Host.App), IClassFixture<TimeTrackingFixture>
{
    private TimeTrackingHost Host { get; } = fixture.Host;

    /// <summary>How long a live update may take before the test fails: generous, as a loaded machine is slow.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private async Task<(string Agent, int TicketId, string Tag)> AgentWithTimerAsync(string name, int skip)
    {
        var agent = await Host.NewAgentAsync(name);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: skip);
        var started = (StartTimerResult.Started)await Host.TimeTracking.StartAsync(agent, ticket);
        this.SignInForTimeTracking(agent, name);
        return (agent, ticket, started.Timer.TicketTag);
    }

    [Fact]
    public async Task Shows_the_ticket_and_the_elapsed_time_and_ticks_with_the_shared_ticker()
    {
        var (_, _, tag) = await AgentWithTimerAsync("Ticking Agent", skip: 30);
        Host.Clock.Advance(TimeSpan.FromSeconds(5));
        var ticksBefore = Host.Ticker.TickCount;

        var cut = Render<RunningTimerWidget>();

        cut.Find("[data-testid=running-timer-ticket]").TextContent.Should().Be(tag);
        cut.Find("[data-testid=running-timer-elapsed]").TextContent.Should().Be("0:00:05");
        cut.WaitForState(() => Host.Ticker.SubscriberCount > 0, Patience);

        // The clock's timers fire only here: every redraw below comes from the ticker's ticks, each just after a
        // whole second, so the last one shows 5 s + 60 s whether it renders before or after the clock stops.
        Host.Clock.Advance(TimeSpan.FromSeconds(60.5));

        cut.WaitForAssertion(() => cut.Find("[data-testid=running-timer-elapsed]").TextContent.Should().Be("0:01:05"), Patience);
        (Host.Ticker.TickCount - ticksBefore).Should().Be(60);
    }

    [Fact]
    public async Task Without_a_tick_the_shown_time_stays_and_one_tick_brings_it_up_to_date()
    {
        await AgentWithTimerAsync("Still Agent", skip: 31);
        var cut = Render<RunningTimerWidget>();
        cut.WaitForState(() => Host.Ticker.SubscriberCount > 0, Patience);
        var shown = cut.Find("[data-testid=running-timer-elapsed]").TextContent;

        // Moving the clock by less than the time to the next tick changes nothing on screen.
        Host.Clock.Advance(TimeSpan.FromMilliseconds(5));
        cut.Find("[data-testid=running-timer-elapsed]").TextContent.Should().Be(shown);

        Host.Clock.Advance(TimeSpan.FromSeconds(1.1)); // past the next tick, which falls just after the whole second

        cut.WaitForAssertion(() => cut.Find("[data-testid=running-timer-elapsed]").TextContent.Should().NotBe(shown), Patience);
    }

    [Fact]
    public async Task The_stop_button_stops_the_timer_and_records_the_rounded_time()
    {
        var (agent, ticket, _) = await AgentWithTimerAsync("Stopping Agent", skip: 32);
        Host.Clock.Advance(TimeSpan.FromMinutes(7));
        var cut = Render<RunningTimerWidget>();

        cut.Find("[data-testid=running-timer-stop]").Click();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=running-timer]").Should().BeEmpty(), Patience);
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        (await db.Set<RunningTimer>().AnyAsync(r => r.UserId == agent)).Should().BeFalse();
        var entry = await db.Set<TimeEntry>().SingleAsync(e => e.UserId == agent);
        entry.TicketId.Should().Be(ticket);
        entry.Minutes.Should().Be(10, "7 minutes round up to the demo tenant's 5-minute rule");
    }

    [Fact]
    public async Task A_timer_started_in_another_tab_appears_and_one_stopped_there_disappears()
    {
        var agent = await Host.NewAgentAsync("Two Tabs Agent");
        var ticket = await Host.TicketAsync(timeTrackingAllowed: false, skip: 2);
        this.SignInForTimeTracking(agent, "Two Tabs Agent");
        var cut = Render<RunningTimerWidget>();
        cut.FindAll("[data-testid=running-timer]").Should().BeEmpty();

        var started = (StartTimerResult.Started)await Host.TimeTracking.StartAsync(agent, ticket);

        cut.WaitForAssertion(() => cut.Find("[data-testid=running-timer-ticket]").TextContent.Should().Be(started.Timer.TicketTag), Patience);

        await Host.TimeTracking.StopAsync(agent, new StopRequest());

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=running-timer]").Should().BeEmpty(), Patience);
    }
}
