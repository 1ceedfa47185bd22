using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>
/// Every running timer on this server, kept in memory for the app bar, the ticket and the workload board.
/// The database stays the truth: the registry reloads the (small) RunningTimers table once per saved change that
/// the ticket notifier reports, and the timer service refreshes it after each start and stop. No component polls.
/// </summary>
public sealed class RunningTimerRegistry : IDisposable
{
    private readonly IDbContextFactory<AppDbContext> dbFactory;
    private readonly ILogger<RunningTimerRegistry> logger;
    private readonly IDisposable notifierSubscription;
    private readonly SemaphoreSlim loadGate = new(1, 1);
    private readonly Lock subscriberGate = new();
    private Func<Task>[] subscribers = [];
    private IReadOnlyDictionary<string, RunningTimerInfo>? timers;
    private long requested;
    private long completed;

    public RunningTimerRegistry(IDbContextFactory<AppDbContext> dbFactory, TicketChangeNotifier notifier, ILogger<RunningTimerRegistry> logger)
    {
        this.dbFactory = dbFactory;
        this.logger = logger;
        notifierSubscription = notifier.Subscribe(_ => timers is null ? Task.CompletedTask : RefreshAsync());
    }

    /// <summary>The timers by user id, as last loaded; empty until <see cref="EnsureLoadedAsync"/> ran once.</summary>
    public IReadOnlyDictionary<string, RunningTimerInfo> Current => timers ?? new Dictionary<string, RunningTimerInfo>();

    public RunningTimerInfo? Of(string? userId) => userId is not null && Current.TryGetValue(userId, out var timer) ? timer : null;

    public async Task<IReadOnlyDictionary<string, RunningTimerInfo>> EnsureLoadedAsync(CancellationToken ct = default)
    {
        if (timers is null)
        {
            await RefreshAsync(ct);
        }
        return Current;
    }

    /// <summary>Reloads from the database; requests that arrive during a load are served by one more load.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var ticket = Interlocked.Increment(ref requested);
        await loadGate.WaitAsync(ct);
        bool changed;
        try
        {
            if (Interlocked.Read(ref completed) >= ticket)
            {
                return;
            }
            var target = Interlocked.Read(ref requested);
            var loaded = await LoadAsync(ct);
            changed = timers is null || !SameTimers(timers, loaded);
            timers = loaded;
            Interlocked.Exchange(ref completed, target);
        }
        finally
        {
            loadGate.Release();
        }
        if (changed)
        {
            Publish();
        }
    }

    private async Task<IReadOnlyDictionary<string, RunningTimerInfo>> LoadAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var list = await db.Set<RunningTimer>().AsNoTracking()
            .Select(r => new RunningTimerInfo(
                r.Id, r.UserId, r.User.DisplayName, r.TicketId, r.Ticket.Number, r.Ticket.Subject, r.Ticket.TimeTrackingAllowed, r.StartedAt))
            .ToListAsync(ct);
        return list.ToDictionary(t => t.UserId);
    }

    private static bool SameTimers(IReadOnlyDictionary<string, RunningTimerInfo> a, IReadOnlyDictionary<string, RunningTimerInfo> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && other == pair.Value);

    /// <summary>Called after the set of timers changed. Redraw with InvokeAsync(StateHasChanged); dispose to stop.</summary>
    public IDisposable Subscribe(Func<Task> onChanged)
    {
        onChanged = CircuitCulture.Bind(onChanged);
        lock (subscriberGate)
        {
            subscribers = [.. subscribers, onChanged];
        }
        return new Subscription(this, onChanged);
    }

    private void Unsubscribe(Func<Task> onChanged)
    {
        lock (subscriberGate)
        {
            subscribers = subscribers.Where(s => s != onChanged).ToArray();
        }
    }

    private void Publish()
    {
        foreach (var subscriber in Volatile.Read(ref subscribers))
        {
            _ = InvokeSafely(subscriber);
        }
    }

    private async Task InvokeSafely(Func<Task> subscriber)
    {
        try
        {
            await subscriber();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A running-timer subscriber failed");
        }
    }

    public void Dispose()
    {
        notifierSubscription.Dispose();
        loadGate.Dispose();
    }

    private sealed class Subscription(RunningTimerRegistry owner, Func<Task> onChanged) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(onChanged);
            }
        }
    }
}
