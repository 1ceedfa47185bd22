using BlazorTickets.Data;
using BlazorTickets.Features.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Features.Tickets;

public sealed record TicketsChanged(IReadOnlyCollection<int> TicketIds);

/// <summary>
/// Singleton fan-out of ticket changes to every open circuit. Components subscribe after the first render,
/// redraw with InvokeAsync(StateHasChanged) and dispose the subscription.
/// </summary>
public sealed class TicketChangeNotifier(ILogger<TicketChangeNotifier> logger)
{
    private readonly Lock gate = new();
    private ImmutableHandlers handlers = new([]);

    public IDisposable Subscribe(Func<TicketsChanged, Task> handler)
    {
        lock (gate)
        {
            handlers = new ImmutableHandlers([.. handlers.Items, handler]);
        }
        return new Subscription(this, handler);
    }

    public int SubscriberCount => handlers.Items.Length;

    public void Publish(IReadOnlyCollection<int> ticketIds)
    {
        if (ticketIds.Count == 0)
        {
            return;
        }
        var change = new TicketsChanged(ticketIds);
        foreach (var handler in handlers.Items)
        {
            // Fire and forget per subscriber: a slow or broken circuit must not hold up the saver or the others.
            _ = InvokeSafely(handler, change);
        }
    }

    private async Task InvokeSafely(Func<TicketsChanged, Task> handler, TicketsChanged change)
    {
        try
        {
            await handler(change);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A ticket change subscriber failed");
        }
    }

    private void Unsubscribe(Func<TicketsChanged, Task> handler)
    {
        lock (gate)
        {
            handlers = new ImmutableHandlers(handlers.Items.Where(h => h != handler).ToArray());
        }
    }

    private sealed record ImmutableHandlers(Func<TicketsChanged, Task>[] Items);

    private sealed class Subscription(TicketChangeNotifier owner, Func<TicketsChanged, Task> handler) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }
}

/// <summary>
/// Publishes every saved change that touches a ticket, whoever made it (a page, a background job, a service),
/// so no caller can forget to notify. Inside an explicit transaction it waits for the commit: a list that reloads
/// on the news must find the rows.
/// </summary>
public sealed class TicketChangeInterceptor(TicketChangeNotifier notifier) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<object>> saving = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, HashSet<int>> uncommitted = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            saving.Remove(context);
        }
    }

    private void Capture(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var touched = context.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => e.Entity)
            .Where(e => e is Ticket or TicketMessage or TicketWatcher or TicketAssignedCustomer or TimeEntry or RunningTimer)
            .ToList();
        saving.AddOrUpdate(context, touched);
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !saving.TryGetValue(context, out var entities))
        {
            return;
        }
        saving.Remove(context);
        var ids = entities.Select(e => e switch
        {
            Ticket t => t.Id,
            TicketMessage m => m.TicketId,
            TicketWatcher w => w.TicketId,
            TicketAssignedCustomer c => c.TicketId,
            TimeEntry t => t.TicketId,
            RunningTimer r => r.TicketId,
            _ => 0,
        }).Where(id => id > 0);
        if (context.Database.CurrentTransaction is null)
        {
            notifier.Publish(ids.Distinct().ToArray());
            return;
        }
        uncommitted.GetOrCreateValue(context).UnionWith(ids);
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && uncommitted.TryGetValue(context, out var ids))
        {
            uncommitted.Remove(context);
            notifier.Publish(ids.ToArray());
        }
    }

    private void RolledBack(DbContext? context)
    {
        if (context is not null)
        {
            uncommitted.Remove(context);
        }
    }

    void IDbTransactionInterceptor.TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    Task IDbTransactionInterceptor.TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) => RolledBack(eventData.Context);

    Task IDbTransactionInterceptor.TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionFailed(System.Data.Common.DbTransaction transaction, TransactionErrorEventData eventData) => RolledBack(eventData.Context);

    Task IDbTransactionInterceptor.TransactionFailedAsync(System.Data.Common.DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }
}
