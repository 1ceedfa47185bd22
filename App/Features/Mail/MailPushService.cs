using BlazorTickets.Data;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// IMAP IDLE push: one connection per mailbox waits for new mail and triggers a fetch. IDLE is re-issued at least
/// every 9 minutes (servers drop idle clients after 30), and a dropped connection is retried with backoff.
/// </summary>
public sealed class MailPushService(
    IDbContextFactory<AppDbContext> dbFactory,
    MailboxConnector connector,
    MailFetchService fetcher,
    MailboxSettingsService settingsService,
    MailFetchBackoff fetchBackoff,
    TimeProvider clock,
    ILogger<MailPushService> logger) : BackgroundService
{
    public static readonly TimeSpan IdleRenewal = TimeSpan.FromMinutes(9);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

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
                foreach (var tenantId in await db.Set<MailboxSettings>().Where(s => s.PushEnabled).Select(s => s.TenantId).ToListAsync(stoppingToken))
                {
                    Restart(tenantId);
                }
            }
            await Task.Delay(Timeout.Infinite, stoppingToken);
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

    private void OnSettingsChanged(MailboxSettingsChanged change) => Restart(change.TenantId);

    private void Restart(int tenantId)
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (gate)
        {
            if (loops.Remove(tenantId, out var previous))
            {
                previous.Cancel();
            }
            loops[tenantId] = cts;
        }
        _ = Task.Run(() => RunAsync(tenantId, cts.Token));
    }

    private async Task RunAsync(int tenantId, CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                MailboxSettings? settings;
                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                {
                    settings = await db.Set<MailboxSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId, ct);
                }
                if (settings is null || !settings.IsConfigured || !settings.PushEnabled)
                {
                    return;
                }
                using var client = await connector.ConnectAsync(connector.EndpointOf(settings), ct);
                if (!client.Capabilities.HasFlag(ImapCapabilities.Idle))
                {
                    logger.LogInformation("The mail server of tenant {Tenant} has no IDLE; the schedule fetches instead", tenantId);
                    return;
                }
                var folder = await connector.OpenFolderAsync(client, settings.Folder, FolderAccess.ReadOnly, ct);
                await FetchAsync(tenantId, ct);
                backoff = TimeSpan.FromSeconds(1);
                await IdleLoopAsync(tenantId, client, folder, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning("IDLE for tenant {Tenant} dropped ({Message}); reconnecting in {Delay}", tenantId, ex.Message, backoff);
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

    private async Task IdleLoopAsync(int tenantId, ImapClient client, IMailFolder folder, CancellationToken ct)
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
                await FetchAsync(tenantId, ct);
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
    private async Task FetchAsync(int tenantId, CancellationToken ct)
    {
        var wait = fetchBackoff.WaitBefore(tenantId);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, ct);
        }
        var summary = await fetcher.FetchAsync(tenantId, ct: ct);
        if (summary.Succeeded)
        {
            fetchBackoff.Succeeded(tenantId);
        }
        else
        {
            var (delay, failures) = fetchBackoff.Failed(tenantId);
            logger.LogWarning("Push fetch for tenant {Tenant} failed ({Failures} in a row); the next one waits {Delay}: {Summary}",
                tenantId, failures, delay, summary);
        }
        Fetched?.Invoke(tenantId, summary);
    }
}
