using System.Collections.Concurrent;
using BlazorTickets.Features.TimeTracking;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorTickets.Tests.Features.TimeTracking;

public sealed class TimerTickerTests
{
    /// <summary>Subscribers run on the thread pool; wait (generously) for what they record.</summary>
    private static void WaitFor(Func<bool> condition)
    {
        SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(30)).Should().BeTrue("the subscribers should have been called");
    }

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
        var first = new ConcurrentQueue<DateTimeOffset>();
        var second = new ConcurrentQueue<DateTimeOffset>();
        using var a = ticker.Subscribe(first.Enqueue);
        using var b = ticker.Subscribe(second.Enqueue);

        clock.Advance(TimeSpan.FromMilliseconds(500));
        ticker.TickCount.Should().Be(0, "the first tick waits for the next whole second");

        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var expected = i + 1;
            // The next tick is skipped while a subscriber's call is still returning, so wait until both are idle.
            WaitFor(() => first.Count == expected && second.Count == expected && ticker.BusySubscribers == 0);
        }

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
        using var working = ticker.Subscribe(_ => Interlocked.Increment(ref ticks));

        clock.Advance(TimeSpan.FromSeconds(1.5));
        WaitFor(() => Volatile.Read(ref ticks) == 1 && ticker.BusySubscribers == 0);
        clock.Advance(TimeSpan.FromSeconds(1));
        WaitFor(() => Volatile.Read(ref ticks) == 2);

        ticker.IsRunning.Should().BeTrue();
    }

    [Fact]
    public void A_subscriber_still_busy_with_a_tick_skips_the_next_one_instead_of_piling_up()
    {
        var clock = new ManualClock();
        using var ticker = new TimerTicker(clock, NullLogger<TimerTicker>.Instance);
        using var release = new ManualResetEventSlim();
        var calls = 0;
        using var slow = ticker.Subscribe(_ =>
        {
            Interlocked.Increment(ref calls);
            release.Wait(TimeSpan.FromSeconds(30));
        });

        ticker.Tick();
        WaitFor(() => Volatile.Read(ref calls) == 1);
        ticker.Tick();
        ticker.Tick();

        ticker.SkippedCalls.Should().Be(2);
        release.Set();
        WaitFor(() =>
        {
            ticker.Tick();
            return Volatile.Read(ref calls) >= 2;
        });
    }

    [Fact]
    public void A_subscriber_that_was_busy_gets_the_newest_tick_it_skipped_once_it_is_free()
    {
        var clock = new ManualClock();
        using var ticker = new TimerTicker(clock, NullLogger<TimerTicker>.Instance);
        using var release = new ManualResetEventSlim();
        var delivered = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        using var slow = ticker.Subscribe(now =>
        {
            delivered.Enqueue(now);
            if (delivered.Count == 1)
            {
                release.Wait(TimeSpan.FromSeconds(30));
            }
        });

        ticker.Tick();
        WaitFor(() => delivered.Count == 1);
        // Less than a second in all, so the ticker's own timer (due just after the next whole second) stays quiet.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        ticker.Tick();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        ticker.Tick();
        var newest = clock.GetUtcNow();
        release.Set();

        WaitFor(() => delivered.Count == 2 && ticker.BusySubscribers == 0);
        delivered.Last().Should().Be(newest, "the display must end on the newest tick, not on the one it was busy with");
        ticker.SkippedCalls.Should().Be(2);
        delivered.Should().HaveCount(2, "the skipped ticks come as one call, not piled up");
    }
}
