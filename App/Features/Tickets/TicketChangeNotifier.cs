using BlazorTickets.Data;
using BlazorTickets.Features.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Features.Tickets;

public sealed record TicketsChanged(IReadOnlyCollection<int> TicketIds);

/// <summary>Ticket changes, from any page, background job or service, to every open circuit.</summary>
public sealed class TicketChangeNotifier(ILogger<TicketChangeNotifier> logger) : ChangeNotifier<TicketsChanged>(logger)
{
    public void Publish(IReadOnlyCollection<int> ticketIds)
    {
        if (ticketIds.Count > 0)
        {
            PublishChange(new TicketsChanged(ticketIds));
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
