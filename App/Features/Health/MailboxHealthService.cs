using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Health;

public enum MailboxHealthState
{
    Ok = 0,
    Failing = 1,
    NeedsReconnect = 2,
    NeverFetched = 3,
}

/// <summary>One row of the mailbox health page. Messages today counts every message taken in, the quarantined ones included.</summary>
public sealed record MailboxHealthRow(
    int MailboxId,
    int TenantId,
    string TenantName,
    string Name,
    string Address,
    DateTime? LastRunAt,
    DateTime? LastSuccessAt,
    string? LastError,
    DateTime? FailingSince,
    int MessagesToday,
    int QuarantinedToday,
    bool PushEnabled,
    DateTime? PushConnectedSince,
    long? OldestUnfetchedUid,
    string? OAuthError,
    DateTime? OutageAlertedAt)
{
    public bool IdleConnected => PushConnectedSince is not null;

    public MailboxHealthState State =>
        OAuthError is not null ? MailboxHealthState.NeedsReconnect
        : FailingSince is not null || LastError is not null ? MailboxHealthState.Failing
        : LastRunAt is null ? MailboxHealthState.NeverFetched
        : MailboxHealthState.Ok;
}

/// <summary>The state of every configured mailbox of every tenant, for the admins' health page.</summary>
public sealed class MailboxHealthService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string PagePath = "/admin/mail/health";

    /// <summary>Midnight of the server's today, in UTC as the rows store their times.</summary>
    public DateTime StartOfTodayUtc()
    {
        var zone = clock.LocalTimeZone;
        var today = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).Date;
        // A zone whose clocks jump at midnight has no 00:00 on that day; its day starts an hour later.
        var midnight = zone.IsInvalidTime(today) ? today.AddHours(1) : today;
        return TimeZoneInfo.ConvertTimeToUtc(midnight, zone);
    }

    public async Task<IReadOnlyList<MailboxHealthRow>> ListAsync(CancellationToken ct = default) => await ReadAsync(null, ct);

    /// <summary>One mailbox's row; null when it is gone or no longer configured.</summary>
    public async Task<MailboxHealthRow?> FindAsync(int mailboxId, CancellationToken ct = default) => (await ReadAsync(mailboxId, ct)).SingleOrDefault();

    private async Task<List<MailboxHealthRow>> ReadAsync(int? mailboxId, CancellationToken ct)
    {
        var since = StartOfTodayUtc();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mailboxes = await db.Set<Mailbox>().AsNoTracking()
            .Where(m => m.Host != "" && m.UserName != "" && (mailboxId == null || m.Id == mailboxId))
            .Select(m => new
            {
                m.Id, m.TenantId, TenantName = m.Tenant.Name, Mailbox = m.Name, m.Address, m.UserName, m.LastRunAt, m.LastSuccessAt, m.LastRunError,
                m.FailingSince, m.PushEnabled, m.PushConnectedSince, m.OldestUnfetchedUid, m.OAuthError, m.OutageAlertedAt,
            })
            .ToListAsync(ct);
        if (mailboxes.Count == 0)
        {
            return [];
        }
        var ids = mailboxes.Select(m => m.Id).ToList();
        var imported = await db.Set<ImportedMail>().AsNoTracking()
            .Where(m => ids.Contains(m.MailboxId) && m.ImportedAt >= since)
            .GroupBy(m => m.MailboxId)
            .Select(g => new { MailboxId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.MailboxId, g => g.Count, ct);
        var quarantined = await db.Set<QuarantinedMail>().AsNoTracking()
            .Where(m => ids.Contains(m.MailboxId) && m.CreatedAt >= since)
            .GroupBy(m => m.MailboxId)
            .Select(g => new { MailboxId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.MailboxId, g => g.Count, ct);
        return [.. mailboxes
            .Select(m => new MailboxHealthRow(
                m.Id, m.TenantId, m.TenantName, m.Mailbox.Length > 0 ? m.Mailbox : m.Address.Length > 0 ? m.Address : m.UserName, m.Address,
                Utc(m.LastRunAt), Utc(m.LastSuccessAt), m.LastRunError, Utc(m.FailingSince),
                imported.GetValueOrDefault(m.Id), quarantined.GetValueOrDefault(m.Id),
                m.PushEnabled, Utc(m.PushConnectedSince), m.OldestUnfetchedUid, m.OAuthError, Utc(m.OutageAlertedAt)))
            .OrderBy(r => r.TenantName, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(r => r.MailboxId)];
    }

    private static DateTime? Utc(DateTime? value) => value is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : null;
}
