using System.Diagnostics;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>
/// The one shared clock tick behind every running-timer display on this server. It runs only while someone
/// subscribes: the first subscriber starts it, the last one leaving stops it. Ticks fall just after each whole
/// second, and timers start on a whole second, so a display redrawn on a tick is exact until the next one.
/// Subscribers redraw with InvokeAsync(StateHasChanged) and compute the elapsed time from the stored start.
/// </summary>
public sealed class TimerTicker(TimeProvider clock, ILogger<TimerTicker> logger) : IDisposable
{
    /// <summary>How long after the whole second the tick falls, so a late-by-nothing timer never shows the old second.</summary>
    private static readonly TimeSpan Offset = TimeSpan.FromMilliseconds(15);

    private readonly Lock gate = new();
    private Action<DateTimeOffset>[] subscribers = [];
    private ITimer? timer;
    private long tickCount;
    private long fanOutTicks;

    public int SubscriberCount => Volatile.Read(ref subscribers).Length;

    public bool IsRunning
    {
        get
        {
            lock (gate)
            {
                return timer is not null;
            }
        }
    }

    /// <summary>Ticks raised so far.</summary>
    public long TickCount => Interlocked.Read(ref tickCount);

    /// <summary>Time spent handing ticks to subscribers (for the benchmark).</summary>
    public TimeSpan FanOutTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref fanOutTicks));

    /// <summary>Calls <paramref name="onTick"/> once a second with the tick's time until the subscription is disposed.</summary>
    public IDisposable Subscribe(Action<DateTimeOffset> onTick)
    {
        lock (gate)
        {
            subscribers = [.. subscribers, onTick];
            timer ??= clock.CreateTimer(_ => OnTimer(), null, DueTime(), Timeout.InfiniteTimeSpan);
        }
        return new Subscription(this, onTick);
    }

    private void Unsubscribe(Action<DateTimeOffset> onTick)
    {
        lock (gate)
        {
            var index = Array.IndexOf(subscribers, onTick);
            if (index < 0)
            {
                return;
            }
            subscribers = [.. subscribers[..index], .. subscribers[(index + 1)..]];
            if (subscribers.Length == 0)
            {
                timer?.Dispose();
                timer = null;
            }
        }
    }

    private void OnTimer()
    {
        Tick();
        lock (gate)
        {
            // Re-armed for the next whole second each time rather than periodic, so it never drifts off the second.
            timer?.Change(DueTime(), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Raises a tick now. The timer calls it each second; tests call it to tick on demand.</summary>
    public void Tick()
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        Interlocked.Increment(ref tickCount);
        foreach (var subscriber in Volatile.Read(ref subscribers))
        {
            try
            {
                subscriber(now);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "A timer tick subscriber failed");
            }
        }
        var total = Interlocked.Add(ref fanOutTicks, Stopwatch.GetTimestamp() - started);
        var count = Interlocked.Read(ref tickCount);
        if (count % 10 == 0 && logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Timer ticker: {Ticks} ticks, {Subscribers} subscribers, fan-out {FanOutMs:F3} ms in total",
                count, Volatile.Read(ref subscribers).Length, Stopwatch.GetElapsedTime(0, total).TotalMilliseconds);
        }
    }

    private TimeSpan DueTime()
    {
        var now = clock.GetUtcNow();
        var intoSecond = TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerSecond);
        return TimeSpan.FromSeconds(1) - intoSecond + Offset;
    }

    public void Dispose()
    {
        lock (gate)
        {
            timer?.Dispose();
            timer = null;
            subscribers = [];
        }
    }

    private sealed class Subscription(TimerTicker owner, Action<DateTimeOffset> onTick) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(onTick);
            }
        }
    }
}
