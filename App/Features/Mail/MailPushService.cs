using BlazorTickets.Data;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// IMAP IDLE push: one connection per mailbox waits for new mail and triggers a fetch. IDLE is re-issued at least
/// every 9 minutes (servers drop idle clients after 30), and a dropped connection is retried with backoff.
/// With several nodes (PostgreSQL) each mailbox's connection runs on the node that owns it (<see cref="MailboxLocks.TryOwnAsync"/>);
/// the others try again every <see cref="OwnershipRetry"/> and take over when the owner's node dies.
/// </summary>
public sealed class MailPushService(
    IDbContextFactory<AppDbContext> dbFactory,
    MailboxConnector connector,
    MailboxLocks locks,
    MailFetchService fetcher,
    MailboxService settingsService,
    MailFetchBackoff fetchBackoff,
    TimeProvider clock,
    ILogger<MailPushService> logger) : BackgroundService
{
    public static readonly TimeSpan IdleRenewal = TimeSpan.FromMinutes(9);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    /// <summary>How often a node that does not own a mailbox tries to, and how often the owner checks it still does.</summary>
    public static readonly TimeSpan OwnershipRetry = TimeSpan.FromSeconds(10);

    private readonly Dictionary<int, CancellationTokenSource> loops = [];
    private readonly Lock gate = new();
    private CancellationToken stopping;

    /// <summary>Raised after each fetch the push triggered; tests and the jobs page use it.</summary>
    public event Action<int, FetchSummary>? Fetched;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
        settingsService.Changed += OnSettingsChanged;
        try
        {
            await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
            {
                if (!locks.IsShared)
                {
                    // This process is the only one that holds IDLE connections; a mark left by a crash is stale.
                    await db.Set<Mailbox>().Where(m => m.PushConnectedSince != null)
                        .ExecuteUpdateAsync(s => s.SetProperty(m => m.PushConnectedSince, (DateTime?)null), stoppingToken);
                }
                foreach (var mailboxId in await db.Set<Mailbox>().Where(s => s.PushEnabled).Select(s => s.Id).ToListAsync(stoppingToken))
                {
                    Restart(mailboxId);
                }
            }
            if (!locks.IsShared)
            {
                await Task.Delay(Timeout.Infinite, stoppingToken);
            }
            // Another node may turn push on (its settings event stays there), and a mailbox whose owner stopped needs a new one.
            while (true)
            {
                await Task.Delay(OwnershipRetry, stoppingToken);
                await using var db = await dbFactory.CreateDbContextAsync(stoppingToken);
                foreach (var mailboxId in await db.Set<Mailbox>().Where(s => s.PushEnabled).Select(s => s.Id).ToListAsync(stoppingToken))
                {
                    StartIfStopped(mailboxId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            settingsService.Changed -= OnSettingsChanged;
            lock (gate)
            {
                foreach (var loop in loops.Values)
                {
                    loop.Cancel();
                }
            }
        }
    }

    private void OnSettingsChanged(MailboxChanged change) => Restart(change.MailboxId);

    private void StartIfStopped(int mailboxId)
    {
        lock (gate)
        {
            if (loops.ContainsKey(mailboxId))
            {
                return;
            }
        }
        Restart(mailboxId);
    }

    private void Restart(int mailboxId)
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (gate)
        {
            if (loops.Remove(mailboxId, out var previous))
            {
                previous.Cancel();
            }
            loops[mailboxId] = cts;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(mailboxId, cts.Token);
            }
            finally
            {
                lock (gate)
                {
                    if (loops.TryGetValue(mailboxId, out var current) && current == cts)
                    {
                        loops.Remove(mailboxId);
                    }
                }
            }
        });
    }

    private async Task RunAsync(int mailboxId, CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                Mailbox? settings;
                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                {
                    settings = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == mailboxId, ct);
                }
                if (settings is null || !settings.IsConfigured || !settings.PushEnabled)
                {
                    return;
                }
                await using var ownership = await locks.TryOwnAsync(mailboxId, ct);
                if (ownership is null)
                {
                    await Task.Delay(OwnershipRetry, ct);
                    continue;
                }
                using var owned = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var watch = locks.IsShared ? WatchOwnershipAsync(mailboxId, settings, ownership, owned) : Task.CompletedTask;
                try
                {
                    using var client = await connector.ConnectAsync(await connector.EndpointOfAsync(settings, owned.Token), owned.Token);
                    if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
                    {
                        logger.LogInformation("The mail server of mailbox {Mailbox} has no IDLE; the schedule fetches instead", mailboxId);
                        if (!locks.IsShared)
                        {
                            return;
                        }
                        // Holding on keeps the other nodes from trying the same server every few seconds.
                        await client.DisconnectAsync(true, owned.Token);
                        await Task.Delay(Timeout.Infinite, owned.Token);
                    }
                    var folder = await connector.OpenFolderAsync(client, settings.FolderList.FirstOrDefault() ?? "INBOX", FolderAccess.ReadOnly, owned.Token);
                    await FetchAsync(mailboxId, owned.Token);
                    backoff = TimeSpan.FromSeconds(1);
                    await MarkPushConnectedAsync(mailboxId, clock.GetUtcNow().UtcDateTime);
                    try
                    {
                        await IdleLoopAsync(mailboxId, client, folder, owned.Token);
                    }
                    finally
                    {
                        await MarkPushConnectedAsync(mailboxId, null);
                    }
                }
                finally
                {
                    await owned.CancelAsync();
                    await watch;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // The node lost the mailbox or its settings changed elsewhere: ask again for it.
                logger.LogInformation("IDLE for mailbox {Mailbox} stops on this node: it no longer owns the mailbox or its settings changed", mailboxId);
            }
            catch (Exception ex)
            {
                logger.LogWarning("IDLE for mailbox {Mailbox} dropped ({Message}); reconnecting in {Delay}", mailboxId, ex.Message, backoff);
                try
                {
                    await Task.Delay(backoff, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>
    /// Ends the owner's IDLE when its hold on the mailbox is gone (its database connection dropped, so another node may
    /// own it now) or when the mailbox's settings changed on another node.
    /// </summary>
    private async Task WatchOwnershipAsync(int mailboxId, Mailbox settings, MailboxOwnership ownership, CancellationTokenSource owned)
    {
        try
        {
            while (true)
            {
                await Task.Delay(OwnershipRetry, owned.Token);
                Mailbox? current;
                await using (var db = await dbFactory.CreateDbContextAsync(owned.Token))
                {
                    current = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == mailboxId, owned.Token);
                }
                if (!await ownership.IsHeldAsync(owned.Token) || current is null || !current.PushEnabled || !SameMailbox(settings, current))
                {
                    await owned.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (owned.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Checking the ownership of mailbox {Mailbox} failed ({Message}); IDLE stops here", mailboxId, ex.Message);
            await owned.CancelAsync();
        }
    }

    private static bool SameMailbox(Mailbox a, Mailbox b) =>
        a.Host == b.Host && a.Port == b.Port && a.UserName == b.UserName && a.Folders == b.Folders && a.AuthMethod == b.AuthMethod && a.OAuthProtectedRefreshToken == b.OAuthProtectedRefreshToken && a.Encryption == b.Encryption
        && a.ProtectedPassword == b.ProtectedPassword;

    /// <summary>For the health page, which may run on another node than the IDLE connection.</summary>
    private async Task MarkPushConnectedAsync(int mailboxId, DateTime? since)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Set<Mailbox>().Where(m => m.Id == mailboxId).ExecuteUpdateAsync(s => s.SetProperty(m => m.PushConnectedSince, since));
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Could not record the IDLE state of mailbox {Mailbox}", mailboxId);
        }
    }

    private async Task IdleLoopAsync(int mailboxId, ImapClient client, IMailFolder folder, CancellationToken ct)
    {
        var knownCount = folder.Count;
        while (client.IsConnected && !ct.IsCancellationRequested)
        {
            using var done = new CancellationTokenSource(IdleRenewal);
            var arrived = false;
            void OnCountChanged(object? sender, EventArgs e)
            {
                if (folder.Count > knownCount)
                {
                    arrived = true;
                    done.Cancel();
                }
                knownCount = folder.Count;
            }
            folder.CountChanged += OnCountChanged;
            try
            {
                await client.IdleAsync(done.Token, ct);
            }
            finally
            {
                folder.CountChanged -= OnCountChanged;
            }
            if (arrived)
            {
                await FetchAsync(mailboxId, ct);
            }
            else
            {
                // Keeps NAT and the server's autologout timer from dropping a quiet connection.
                await client.NoOpAsync(ct);
            }
        }
        throw new ServiceNotConnectedException("The IDLE connection closed.");
    }

    /// <summary>
    /// Fetches once the mailbox's fetch backoff has run out: without it a fetch that keeps failing (a full disk) was
    /// retried at every new mail and every reconnect.
    /// </summary>
    private async Task FetchAsync(int mailboxId, CancellationToken ct)
    {
        var wait = fetchBackoff.WaitBefore(mailboxId);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, ct);
        }
        var summary = await fetcher.FetchMailboxAsync(mailboxId, ct: ct);
        if (summary.Succeeded)
        {
            fetchBackoff.Succeeded(mailboxId);
        }
        else
        {
            var (delay, failures) = fetchBackoff.Failed(mailboxId);
            logger.LogWarning("Push fetch for mailbox {Mailbox} failed ({Failures} in a row); the next one waits {Delay}: {Summary}",
                mailboxId, failures, delay, summary);
        }
        Fetched?.Invoke(mailboxId, summary);
    }
}
