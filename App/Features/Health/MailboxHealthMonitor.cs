using System.Globalization;
using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Notifications;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Health;

/// <summary>Settings under BlazorTickets:Mail.</summary>
public sealed class MailHealthOptions
{
    public const string Section = "BlazorTickets:Mail";

    /// <summary>How long a mailbox may fail to fetch before the admins are told.</summary>
    public TimeSpan OutageAlertAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the monitor looks at the mailboxes.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public enum MailboxAlertKind
{
    Outage = 0,
    Recovered = 1,
    NeedsReconnect = 2,
}

public sealed record MailboxAlert(int MailboxId, int TenantId, MailboxAlertKind Kind);

/// <summary>
/// Tells the admins, in the app and by mail through the outbox (the tenant's SMTP, not the broken mailbox), when a
/// mailbox has failed to fetch for longer than <see cref="MailHealthOptions.OutageAlertAfter"/>, when it works again,
/// and when it needs to be connected again. Each is told once: the alert is claimed by a conditional update of the
/// mailbox row, so of several nodes or overlapping runs only one tells.
/// </summary>
public sealed class MailboxAlerts(
    IDbContextFactory<AppDbContext> dbFactory,
    NotificationService notifications,
    IMailOutbox outbox,
    IOptions<MailHealthOptions> options,
    TimeProvider clock,
    ILogger<MailboxAlerts> logger)
{
    private sealed record Candidate(
        int Id, int TenantId, string TenantName, string Name, DateTime? LastSuccessAt, DateTime? FailingSince, DateTime? OutageAlertedAt,
        string? LastRunError, string? OAuthError, DateTime? OAuthErrorAlertedAt);

    private sealed record Admin(string Id, string Email);

    /// <summary>Looks at every configured mailbox once; returns the alerts this call sent.</summary>
    public async Task<IReadOnlyList<MailboxAlert>> CheckAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outageBefore = now - options.Value.OutageAlertAfter;
        List<Candidate> candidates;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            candidates = await db.Set<Mailbox>().AsNoTracking()
                .Where(m => m.Host != "" && m.UserName != "")
                .Where(m => (m.OutageAlertedAt == null && m.FailingSince != null && (m.LastSuccessAt ?? m.FailingSince) <= outageBefore)
                    || (m.OutageAlertedAt != null && m.LastSuccessAt > m.OutageAlertedAt)
                    || (m.OAuthError != null && m.OAuthErrorAlertedAt == null)
                    || (m.OAuthError == null && m.OAuthErrorAlertedAt != null))
                .OrderBy(m => m.Id)
                .Select(m => new Candidate(m.Id, m.TenantId, m.Tenant.Name, m.Name != "" ? m.Name : m.Address != "" ? m.Address : m.UserName,
                    m.LastSuccessAt, m.FailingSince, m.OutageAlertedAt, m.LastRunError, m.OAuthError, m.OAuthErrorAlertedAt))
                .ToListAsync(ct);
        }
        var sent = new List<MailboxAlert>();
        foreach (var mailbox in candidates)
        {
            try
            {
                sent.AddRange(await CheckAsync(mailbox, now, outageBefore, ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Could not tell the admins about mailbox {Mailbox}", mailbox.Id);
            }
        }
        return sent;
    }

    private sealed record Told(MailboxAlertKind Kind, string Title, string Text, string[] Arguments);

    private async Task<List<MailboxAlert>> CheckAsync(Candidate mailbox, DateTime now, DateTime outageBefore, CancellationToken ct)
    {
        var told = new List<Told>();
        List<Admin> admins;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            admins = await AdminsAsync(db, ct);
            // The claim and the notices commit together: a notice is neither lost nor written twice.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var rows = db.Set<Mailbox>().Where(m => m.Id == mailbox.Id);
            if (mailbox.OutageAlertedAt is null && mailbox.FailingSince is not null)
            {
                var claimed = await rows
                    .Where(m => m.OutageAlertedAt == null && m.FailingSince != null && (m.LastSuccessAt ?? m.FailingSince) <= outageBefore)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.OutageAlertedAt, now), ct);
                if (claimed == 1)
                {
                    told.Add(new Told(MailboxAlertKind.Outage,
                        Text.Of("Mailbox {0} of {1} fetches no mail"),
                        Text.Of("No successful fetch since {2}. Last error: {3}"),
                        [mailbox.Name, mailbox.TenantName, LocalTime(mailbox.LastSuccessAt ?? mailbox.FailingSince.Value), mailbox.LastRunError ?? ""]));
                }
            }
            else if (mailbox.OutageAlertedAt is { } alertedAt && mailbox.LastSuccessAt > alertedAt)
            {
                var claimed = await rows
                    .Where(m => m.OutageAlertedAt == alertedAt && m.LastSuccessAt > m.OutageAlertedAt)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.OutageAlertedAt, (DateTime?)null), ct);
                if (claimed == 1)
                {
                    told.Add(new Told(MailboxAlertKind.Recovered,
                        Text.Of("Mailbox {0} of {1} fetches mail again"),
                        Text.Of("Fetched successfully at {2}."),
                        [mailbox.Name, mailbox.TenantName, LocalTime(mailbox.LastSuccessAt.Value)]));
                }
            }
            if (mailbox.OAuthError is not null && mailbox.OAuthErrorAlertedAt is null)
            {
                var claimed = await rows.Where(m => m.OAuthError != null && m.OAuthErrorAlertedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.OAuthErrorAlertedAt, now), ct);
                if (claimed == 1)
                {
                    told.Add(new Told(MailboxAlertKind.NeedsReconnect,
                        Text.Of("Mailbox {0} of {1} needs to be connected again"),
                        Text.Of("The mail provider refused the sign-in: {2}"),
                        [mailbox.Name, mailbox.TenantName, mailbox.OAuthError]));
                }
            }
            else if (mailbox.OAuthError is null && mailbox.OAuthErrorAlertedAt is not null)
            {
                // Connected again: a later refusal is a new alert.
                await rows.Where(m => m.OAuthError == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.OAuthErrorAlertedAt, (DateTime?)null), ct);
            }
            foreach (var notice in told)
            {
                notifications.Add(db, admins.Select(a => new NewNotification(a.Id, notice.Title, notice.Text, notice.Arguments, MailboxHealthService.PagePath)));
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (told.Count == 0)
        {
            return [];
        }
        notifications.Published(admins.Select(a => a.Id));
        foreach (var notice in told)
        {
            logger.LogWarning("Mailbox {Mailbox} of tenant {Tenant}: {Alert}; telling {Admins} admin(s)", mailbox.Id, mailbox.TenantId, notice.Kind, admins.Count);
            await MailAsync(mailbox, admins, notice, ct);
        }
        return [.. told.Select(t => new MailboxAlert(mailbox.Id, mailbox.TenantId, t.Kind))];
    }

    private async Task MailAsync(Candidate mailbox, List<Admin> admins, Told notice, CancellationToken ct)
    {
        var senderTenant = await SenderTenantAsync(mailbox.TenantId, ct);
        if (senderTenant is null)
        {
            logger.LogWarning("No tenant has an SMTP server and a sender address: the admins are told about mailbox {Mailbox} in the app only", mailbox.Id);
            return;
        }
        var subject = string.Format(CultureInfo.InvariantCulture, notice.Title, notice.Arguments);
        var body = string.Format(CultureInfo.InvariantCulture, notice.Text, notice.Arguments) + "\n\n" + MailboxHealthService.PagePath;
        foreach (var admin in admins.Where(a => a.Email.Contains('@')))
        {
            try
            {
                await outbox.EnqueueSystemMailAsync(senderTenant.Value, admin.Email, subject, body, ct);
            }
            catch (ArgumentException ex)
            {
                logger.LogWarning("The alert about mailbox {Mailbox} could not be queued for {Admin}: {Message}", mailbox.Id, admin.Id, ex.Message);
            }
        }
    }

    /// <summary>The mailbox's own tenant when it can send; otherwise any tenant that can, so the alert still goes out.</summary>
    private async Task<int?> SenderTenantAsync(int tenantId, CancellationToken ct)
    {
        if (await outbox.CanSendAsync(tenantId, ct))
        {
            return tenantId;
        }
        List<int> others;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            others = await db.Set<Tenants.Tenant>().Where(t => t.Id != tenantId).OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(ct);
        }
        foreach (var other in others)
        {
            if (await outbox.CanSendAsync(other, ct))
            {
                return other;
            }
        }
        return null;
    }

    /// <summary>Staff admins whose sign-in is not disabled.</summary>
    private static async Task<List<Admin>> AdminsAsync(AppDbContext db, CancellationToken ct)
    {
        var admins = await db.Set<UserGroupMembership>()
            .Where(m => m.Group.Name == Groups.Admins && m.User.CustomerId == null)
            .Select(m => new { m.User.Id, Email = m.User.Email ?? "", m.User.LockoutEnd })
            .ToListAsync(ct);
        // SQLite cannot compare DateTimeOffset values; the few admins are sorted out here.
        return [.. admins.Where(a => !(a.LockoutEnd >= AppUser.SignInDisabled)).DistinctBy(a => a.Id).Select(a => new Admin(a.Id, a.Email))];
    }

    private string LocalTime(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), clock.LocalTimeZone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}

/// <summary>Runs <see cref="MailboxAlerts"/> every <see cref="MailHealthOptions.HealthCheckInterval"/>, and at once after a fetch.</summary>
public sealed class MailboxHealthMonitor(MailboxAlerts alerts, MailFetchService fetcher, IOptions<MailHealthOptions> options, ILogger<MailboxHealthMonitor> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        fetcher.Fetched += OnFetched;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await alerts.CheckAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "The mailbox health check failed; trying again at the next interval");
                }
                await wake.WaitAsync(options.Value.HealthCheckInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            fetcher.Fetched -= OnFetched;
        }
    }

    /// <summary>A recovery is told right after the fetch that recovered, not at the next interval.</summary>
    private void OnFetched(int mailboxId, FetchSummary summary)
    {
        if (summary.Succeeded && wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
