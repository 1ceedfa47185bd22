using BlazorTickets.Features.TimeTracking;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorTickets.Tests.Features.TimeTracking;

public sealed class TimerTickerTests
{
    [Fact]
    public void The_ticker_runs_only_while_someone_listens_and_one_timer_serves_every_subscriber()
    {
        var clock = new ManualClock();
        using var ticker = new TimerTicker(clock, NullLogger<TimerTicker>.Instance);
        ticker.IsRunning.Should().BeFalse();

        var subscriptions = Enumerable.Range(0, 200).Select(_ => ticker.Subscribe(_ => { })).ToList();

        ticker.IsRunning.Should().BeTrue();
        clock.TimersCreated.Should().Be(1, "one shared ticker, not a timer per circuit");
        clock.ActiveTimers.Should().Be(1);

        subscriptions.ForEach(s => s.Dispose());

        ticker.IsRunning.Should().BeFalse();
        clock.ActiveTimers.Should().Be(0);
    }

    [Fact]
    public void Ticks_fall_just_after_each_whole_second_and_reach_every_subscriber()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 18, 9, 0, 0, 400, TimeSpan.Zero));
        using var ticker = new TimerTicker(clock, NullLogger<TimerTicker>.Instance);
        var first = new List<DateTimeOffset>();
        var second = new List<DateTimeOffset>();
        using var a = ticker.Subscribe(first.Add);
        using var b = ticker.Subscribe(second.Add);

        clock.Advance(TimeSpan.FromMilliseconds(500));
        first.Should().BeEmpty("the first tick waits for the next whole second");

        clock.Advance(TimeSpan.FromSeconds(3));

        first.Select(t => (t.Second, t.Millisecond)).Should().Equal((1, 15), (2, 15), (3, 15));
        second.Should().Equal(first);
        ticker.TickCount.Should().Be(3);
    }

    [Fact]
    public void A_failing_subscriber_does_not_stop_the_others()
    {
        var clock = new ManualClock();
        using var ticker = new TimerTicker(clock, NullLogger<TimerTicker>.Instance);
        var ticks = 0;
        using var broken = ticker.Subscribe(_ => throw new InvalidOperationException("circuit gone"));
        using var working = ticker.Subscribe(_ => ticks++);

        clock.Advance(TimeSpan.FromSeconds(2.5));

        ticks.Should().Be(2);
        ticker.IsRunning.Should().BeTrue();
    }
}
