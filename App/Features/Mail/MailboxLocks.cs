using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// One lock per mailbox, shared by the button, the schedule, IDLE push and the command line: a semaphore for
/// this process plus, for other processes, an exclusive lock file in the data folder (SQLite, one machine) or a
/// PostgreSQL session advisory lock (every node sharing the database).
/// </summary>
public sealed class MailboxLocks(IOptions<DataOptions> options, IHostEnvironment environment, PostgresSessionLocks? sessionLocks = null)
{
    /// <summary>Advisory lock classes (the first key; the mailbox id is the second).</summary>
    public const int FetchLockClass = 7301;
    public const int PushOwnerLockClass = 7302;

    private readonly Dictionary<int, SemaphoreSlim> semaphores = [];
    private readonly Lock gate = new();
    private readonly string folder = Path.Combine(options.Value.ResolveDataFolder(environment.ContentRootPath), "locks");

    /// <summary>True when several nodes may share the mailboxes (PostgreSQL).</summary>
    public bool IsShared => sessionLocks is not null;

    /// <summary>Null when the mailbox stayed busy for <paramref name="wait"/>.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(int mailboxId, TimeSpan wait, CancellationToken ct)
    {
        SemaphoreSlim semaphore;
        lock (gate)
        {
            if (!semaphores.TryGetValue(mailboxId, out semaphore!))
            {
                semaphores[mailboxId] = semaphore = new SemaphoreSlim(1, 1);
            }
        }
        var deadline = DateTime.UtcNow + wait;
        if (!await semaphore.WaitAsync(wait, ct))
        {
            return null;
        }
        try
        {
            var acrossProcesses = sessionLocks is null
                ? await AcquireFileAsync(mailboxId, deadline, ct)
                : await sessionLocks.AcquireAsync(FetchLockClass, mailboxId, $"fetch {mailboxId}", Max(deadline - DateTime.UtcNow, TimeSpan.Zero), ct);
            if (acrossProcesses is null)
            {
                semaphore.Release();
                return null;
            }
            return new Held(semaphore, acrossProcesses);
        }
        catch
        {
            semaphore.Release();
            throw;
        }
    }

    /// <summary>
    /// The right to keep the mailbox's IDLE connection, held by one node at a time while it lives: null while another
    /// node holds it. Always granted on SQLite, where one process runs the app.
    /// </summary>
    public async Task<MailboxOwnership?> TryOwnAsync(int mailboxId, CancellationToken ct)
    {
        if (sessionLocks is null)
        {
            return new MailboxOwnership(null);
        }
        var held = await sessionLocks.TryAcquireAsync(PushOwnerLockClass, mailboxId, $"push {mailboxId}", ct);
        return held is null ? null : new MailboxOwnership(held);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task<IAsyncDisposable?> AcquireFileAsync(int mailboxId, DateTime deadline, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"mailbox-{mailboxId}.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private sealed class Held(SemaphoreSlim semaphore, IAsyncDisposable acrossProcesses) : IAsyncDisposable
    {
        private int released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                await acrossProcesses.DisposeAsync();
                semaphore.Release();
            }
        }
    }
}

/// <summary>A node's hold on a mailbox's IDLE connection; on SQLite nothing to lose.</summary>
public sealed class MailboxOwnership(SessionLock? held) : IAsyncDisposable
{
    /// <summary>False once the hold is gone with its database connection; the IDLE connection must stop then.</summary>
    public async Task<bool> IsHeldAsync(CancellationToken ct) => held is null || await held.IsHeldAsync(ct);

    public ValueTask DisposeAsync() => held?.DisposeAsync() ?? ValueTask.CompletedTask;
}
