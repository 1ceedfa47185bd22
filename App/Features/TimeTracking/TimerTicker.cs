using BlazorTickets.Features.Localization;
using System.Diagnostics;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>
/// The one shared clock tick behind every running-timer display on this server. It runs only while someone
/// subscribes: the first subscriber starts it, the last one leaving stops it. Ticks fall just after each whole
/// second, and timers start on a whole second, so a display redrawn on a tick is exact until the next one.
/// Subscribers redraw with InvokeAsync(StateHasChanged) and compute the elapsed time from the stored start.
/// </summary>
/// <remarks>
/// Each subscriber is called on the thread pool, not on the ticker's thread: Blazor runs an InvokeAsync callback
/// inline when the circuit is idle, so calling every circuit from one thread would render them one after another.
/// A subscriber still busy with the previous tick skips a tick rather than piling up work; once free, it gets the newest
/// tick it skipped, so a display never stays on an old one.
/// </remarks>
public sealed class TimerTicker(TimeProvider clock, ILogger<TimerTicker> logger) : IDisposable
{
    /// <summary>How long after the whole second the tick falls, so a timer firing on time never shows the old second.</summary>
    private static readonly TimeSpan Offset = TimeSpan.FromMilliseconds(15);

    private readonly ILogger<TimerTicker> log = logger;
    private readonly Lock gate = new();
    private Subscription[] subscribers = [];
    private ITimer? timer;
    private long tickCount;
    private long skipped;
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

    /// <summary>Subscriber calls skipped because the subscriber was still busy with the previous tick.</summary>
    public long SkippedCalls => Interlocked.Read(ref skipped);

    /// <summary>Subscribers whose call for the last tick has not returned yet.</summary>
    public int BusySubscribers => Volatile.Read(ref subscribers).Count(s => s.IsBusy);

    /// <summary>Time the ticker itself spent handing ticks out (for the benchmark).</summary>
    public TimeSpan FanOutTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref fanOutTicks));

    /// <summary>Calls <paramref name="onTick"/> once a second with the tick's time until the subscription is disposed.</summary>
    public IDisposable Subscribe(Action<DateTimeOffset> onTick)
    {
        var subscription = new Subscription(this, CircuitCulture.Bind(onTick));
        lock (gate)
        {
            subscribers = [.. subscribers, subscription];
            timer ??= clock.CreateTimer(_ => OnTimer(), null, DueTime(), Timeout.InfiniteTimeSpan);
        }
        return subscription;
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (gate)
        {
            subscribers = subscribers.Where(s => s != subscription).ToArray();
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

    /// <summary>Raises a tick now. The timer calls it each second; tests may call it to tick on demand.</summary>
    public void Tick()
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var count = Interlocked.Increment(ref tickCount);
        var current = Volatile.Read(ref subscribers);
        foreach (var subscriber in current)
        {
            if (!subscriber.TryQueue(now))
            {
                Interlocked.Increment(ref skipped);
            }
        }
        var total = Interlocked.Add(ref fanOutTicks, Stopwatch.GetTimestamp() - started);
        if (count % 10 == 0 && log.IsEnabled(LogLevel.Debug))
        {
            log.LogDebug("Timer ticker: {Ticks} ticks, {Subscribers} subscribers, fan-out {FanOutMs:F3} ms in total, {Skipped} calls skipped",
                count, current.Length, Stopwatch.GetElapsedTime(0, total).TotalMilliseconds, Interlocked.Read(ref skipped));
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

    private sealed class Subscription(TimerTicker owner, Action<DateTimeOffset> onTick) : IDisposable, IThreadPoolWorkItem
    {
        private int disposed;
        private int busy;
        // The newest tick, as UTC ticks: a call that is queued or running delivers it, also one that came while it ran.
        private long latest;

        public bool IsBusy => Volatile.Read(ref busy) != 0;

        /// <summary>Queues the call unless one is queued or running; that one then delivers this tick instead.</summary>
        public bool TryQueue(DateTimeOffset now)
        {
            Volatile.Write(ref latest, now.UtcTicks);
            if (Interlocked.CompareExchange(ref busy, 1, 0) != 0)
            {
                return false;
            }
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            return true;
        }

        public void Execute()
        {
            while (true)
            {
                var delivered = Volatile.Read(ref latest);
                try
                {
                    if (Volatile.Read(ref disposed) == 0)
                    {
                        onTick(new DateTimeOffset(delivered, TimeSpan.Zero));
                    }
                }
                catch (Exception ex)
                {
                    owner.log.LogWarning(ex, "A timer tick subscriber failed");
                }
                Volatile.Write(ref busy, 0);
                // A tick that came while this one ran was skipped: deliver it now, unless a new call took it already.
                if (Volatile.Read(ref latest) == delivered || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
                {
                    return;
                }
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(this);
            }
        }
    }
}
