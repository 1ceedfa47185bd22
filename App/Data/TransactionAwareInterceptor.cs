using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Data;

/// <summary>
/// A save interceptor that also learns how the transaction around the save ended, for work that may only happen once
/// the change is committed (telling screens, waking a worker) and must be forgotten when it is rolled back.
/// </summary>
public abstract class TransactionAwareInterceptor : SaveChangesInterceptor, IDbTransactionInterceptor
{
    protected abstract void Committed(DbContext? context);

    protected abstract void RolledBack(DbContext? context);

    void IDbTransactionInterceptor.TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack(eventData.Context);

    Task IDbTransactionInterceptor.TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => RolledBack(eventData.Context);

    Task IDbTransactionInterceptor.TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken)
    {
        RolledBack(eventData.Context);
        return Task.CompletedTask;
    }
}
