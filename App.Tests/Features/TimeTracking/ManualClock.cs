namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>
/// A clock that moves only when the test moves it, in UTC. Its timers fire only from <see cref="Advance"/>, so the
/// shared ticker never ticks on its own in a test: a test ticks it with <c>TimerTicker.Tick()</c> or by advancing.
/// </summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 3, 18, 9, 0, 0, TimeSpan.Zero); // a Wednesday

    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now = now;

    public ManualClock() : this(DefaultNow)
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timers created and not disposed.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (gate)
            {
                return timers.Count;
            }
        }
    }

    public int TimersCreated { get; private set; }

    /// <summary>Moves the clock and fires every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (gate)
        {
            target = now + by;
        }
        for (var guard = 0; guard < 100_000; guard++)
        {
            ManualTimer? next;
            lock (gate)
            {
                next = timers.Where(t => t.Due is not null && t.Due <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    now = target;
                    return;
                }
                now = next.Due!.Value;
                next.Due = next.Period is { } period && period > TimeSpan.Zero ? now + period : null;
            }
            next.Fire();
        }
        throw new InvalidOperationException("Too many timer callbacks while advancing the clock.");
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (gate)
        {
            timers.Add(timer);
            TimersCreated++;
        }
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }
        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
            }
            return true;
        }

        public void Dispose()
        {
            lock (clock.gate)
            {
                Due = null;
                clock.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
