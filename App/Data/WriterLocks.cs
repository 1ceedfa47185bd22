using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Data;

/// <summary>What a <see cref="WriterLocks"/> lock keeps to one writer at a time.</summary>
public enum WriterLock
{
    /// <summary>A bill run: reads the unbilled time, prices it, claims it.</summary>
    Billing = 1,

    /// <summary>A merge or split: checks the tickets, then moves their rows.</summary>
    TicketMerge = 2,

    /// <summary>A tenant's mail import: checks receipts and senders, then adds tickets, customers and receipts.</summary>
    MailImport = 3,

    /// <summary>A mailbox's OAuth2 token refresh: the provider rotates the refresh token, so only one node may spend it.</summary>
    MailOAuthRefresh = 4,
}

/// <summary>
/// Some writers read, decide and then write in one transaction, and are only right if no other such writer runs in
/// between. On SQLite that holds by itself: Microsoft.Data.Sqlite begins every transaction IMMEDIATE, so a second writer
/// waits for the first one's commit before it reads anything. PostgreSQL's READ COMMITTED lets both read the same state
/// at once; there the writer takes a transaction-scoped advisory lock first, which the commit or rollback releases.
/// Every statement after it takes a new snapshot, so the second writer reads what the first committed.
/// </summary>
public static class WriterLocks
{
    /// <summary>
    /// Waits until no other transaction holds <paramref name="kind"/> for <paramref name="id"/>, then holds it until this
    /// transaction ends. Nothing to do on SQLite. Call it as the transaction's first statement.
    /// </summary>
    public static async Task LockAsync(this AppDbContext db, WriterLock kind, int id = 0, CancellationToken ct = default)
    {
        if (!db.Database.IsNpgsql())
        {
            return;
        }
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A writer lock lives as long as its transaction; begin one first.");
        }
        // The two-key form: its key space is apart from the single bigint keys other coordination may use.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({(int)kind}, {id})", ct);
    }
}
