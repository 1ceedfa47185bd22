using System.Globalization;
using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Notifications;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.ServiceLevels;

/// <summary>Wakes the watch when stages changed, so it looks again at the next moment to act on.</summary>
public sealed class SlaWatchSignal : WakeSignal;

public sealed class SlaOptions
{
    /// <summary>The longest the watch sleeps between looks, even when nothing is due sooner.</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Tells people when a running target reaches its at-risk share (the handler, or the team leads when nobody handles
/// the ticket) and when it is breached (the team leads and the handler), in the app and by mail through the outbox.
/// Each stage is told once: a notice is claimed by stamping the stage in the transaction that writes it.
/// The tickets are published as changed, so open desks recolour them and the at-risk and breached lists take them in.
/// </summary>
public sealed class SlaWatch(
    IDbContextFactory<AppDbContext> dbFactory,
    NotificationService notifications,
    IMailOutbox outbox,
    BusinessCalendarService calendars,
    TicketChangeNotifier notifier,
    TimeProvider clock)
{
    public const int Batch = 200;

    private sealed record Notice(long StageId, int TicketId, int TicketNumber, string Subject, int TenantId, string? HandlerId, SlaTarget Target, DateTime DueAt, bool Breached);

    /// <summary>Tells what is due at <paramref name="now"/>; returns how many stages were told about.</summary>
    public async Task<int> EscalateAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var told = 0;
        while (!ct.IsCancellationRequested)
        {
            var count = await EscalateBatchAsync(now, ct);
            told += count;
            // Fewer told than a full batch: the rest were claimed elsewhere or there are none; the next look finds any left.
            if (count < Batch)
            {
                return told;
            }
        }
        return told;
    }

    /// <summary>The next moment a stage turns at risk or breached, if any is known.</summary>
    public async Task<DateTime?> NextMomentAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stages = db.Set<TicketSlaStage>().AsNoTracking().Where(s => s.CompletedAt == null);
        var atRisk = await stages.Where(s => s.AtRiskToldAt == null && s.AtRiskAt != null).MinAsync(s => s.AtRiskAt, ct);
        var due = await stages.Where(s => s.BreachToldAt == null && s.DueAt != null).MinAsync(s => s.DueAt, ct);
        return atRisk is null ? due : due is null ? atRisk : atRisk < due ? atRisk : due;
    }

    private async Task<int> EscalateBatchAsync(DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var notices = await db.Set<TicketSlaStage>().AsNoTracking()
            .Where(s => s.CompletedAt == null && s.DueAt != null
                && ((s.BreachToldAt == null && s.DueAt <= now) || (s.AtRiskToldAt == null && s.AtRiskAt <= now)))
            .OrderBy(s => s.Id)
            .Take(Batch)
            .Select(s => new Notice(s.Id, s.TicketId, s.Ticket.Number, s.Ticket.Subject, s.Ticket.TenantId, s.Ticket.HandlerId, s.Target,
                s.DueAt!.Value, s.BreachToldAt == null && s.DueAt <= now))
            .ToListAsync(ct);
        if (notices.Count == 0)
        {
            return 0;
        }
        var tenantIds = notices.Select(n => n.TenantId).Distinct().ToList();
        var leads = await TeamLeadsAsync(db, tenantIds, ct);
        var handlerIds = notices.Select(n => n.HandlerId).OfType<string>().Distinct().ToList();
        var handlers = await db.Users.AsNoTracking().Where(u => handlerIds.Contains(u.Id))
            .Select(u => new Person(u.Id, u.Email ?? "", u.LockoutEnd >= AppUser.SignInDisabled)).ToDictionaryAsync(u => u.Id, ct);

        var mails = new List<(int TenantId, string To, string Subject, string Body)>();
        var told = new List<string>();
        var changedTickets = new HashSet<int>();
        var claimedCount = 0;
        var zones = new Dictionary<int, TimeZoneInfo>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var notice in notices)
        {
            // The stamp is the claim: whoever stamps first (another node, an earlier run) tells, nobody else.
            var claimed = notice.Breached
                ? await db.Set<TicketSlaStage>().Where(s => s.Id == notice.StageId && s.BreachToldAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.BreachToldAt, now).SetProperty(x => x.AtRiskToldAt, x => x.AtRiskToldAt ?? now), ct)
                : await db.Set<TicketSlaStage>().Where(s => s.Id == notice.StageId && s.AtRiskToldAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.AtRiskToldAt, now), ct);
            if (claimed == 0)
            {
                continue;
            }
            claimedCount++;
            changedTickets.Add(notice.TicketId);
            var handler = notice.HandlerId is { } id && handlers.TryGetValue(id, out var h) && !h.IsDisabled ? h : null;
            var tenantLeads = leads.Where(l => l.TenantIds is null || l.TenantIds.Contains(notice.TenantId)).Select(l => l.Person).ToList();
            List<Person> recipients = notice.Breached ? [.. tenantLeads, .. handler is null ? [] : new[] { handler }]
                : handler is not null ? [handler] : tenantLeads;
            recipients = [.. recipients.DistinctBy(p => p.Id)];
            var (title, text) = Wording(notice.Target, notice.Breached);
            if (!zones.TryGetValue(notice.TenantId, out var zone))
            {
                zones[notice.TenantId] = zone = (await calendars.HoursForAsync(notice.TenantId, ct)).Zone;
            }
            var due = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(notice.DueAt, DateTimeKind.Utc), zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            var tag = Ticket.FormatNumber(notice.TicketNumber);
            string[] arguments = [tag, notice.Subject, due];
            notifications.Add(db, recipients.Select(r => new NewNotification(r.Id, title, text, arguments, $"/tickets/{notice.TicketId}")));
            told.AddRange(recipients.Select(r => r.Id));
            // By mail: the team leads on a breach, the ones told in the app at risk.
            foreach (var person in (notice.Breached ? tenantLeads : recipients).Where(p => p.Email.Contains('@')))
            {
                mails.Add((notice.TenantId, person.Email, string.Format(CultureInfo.InvariantCulture, title, arguments),
                    string.Format(CultureInfo.InvariantCulture, text, arguments) + $"\n\n{notice.Subject}\n/tickets/{notice.TicketId}"));
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifications.Published(told);
        foreach (var tenantMails in mails.GroupBy(m => m.TenantId))
        {
            if (!await outbox.CanSendAsync(tenantMails.Key, ct))
            {
                continue;
            }
            foreach (var mail in tenantMails)
            {
                await outbox.EnqueueSystemMailAsync(mail.TenantId, mail.To, mail.Subject, mail.Body, ct);
            }
        }
        notifier.Publish(changedTickets, TicketFields.Sla);
        return claimedCount;
    }

    private sealed record Person(string Id, string Email, bool IsDisabled);

    private sealed record Lead(Person Person, IReadOnlyList<int>? TenantIds);

    /// <summary>The team leads who work for any of the tenants (a lead without tenant rows works for all).</summary>
    private static async Task<List<Lead>> TeamLeadsAsync(AppDbContext db, IReadOnlyCollection<int> tenantIds, CancellationToken ct)
    {
        // Groups double as roles (the sign-in turns memberships into role claims).
        var leads = await db.Set<UserGroupMembership>()
            .Where(m => m.Group.Name == Groups.TeamLeads)
            .Select(m => new { m.User.Id, Email = m.User.Email ?? "", m.User.LockoutEnd, Tenants = db.Set<UserTenant>().Where(t => t.UserId == m.UserId).Select(t => t.TenantId).ToList() })
            .ToListAsync(ct);
        // SQLite cannot compare DateTimeOffset values; the few leads are sorted out here.
        leads = [.. leads.Where(l => !(l.LockoutEnd >= AppUser.SignInDisabled))];
        return [.. leads
            .Where(l => l.Tenants.Count == 0 || l.Tenants.Any(tenantIds.Contains))
            .Select(l => new Lead(new Person(l.Id, l.Email, false), l.Tenants.Count == 0 ? null : l.Tenants))];
    }

    private static (string Title, string Text) Wording(SlaTarget target, bool breached) => (target, breached) switch
    {
        (SlaTarget.FirstResponse, false) => (Text.Of("First response for {0} is due soon"), Text.Of("{1} · due {2}")),
        (SlaTarget.NextResponse, false) => (Text.Of("Next response for {0} is due soon"), Text.Of("{1} · due {2}")),
        (SlaTarget.Resolution, false) => (Text.Of("Resolution of {0} is due soon"), Text.Of("{1} · due {2}")),
        (SlaTarget.FirstResponse, true) => (Text.Of("First response for {0} is overdue"), Text.Of("{1} · was due {2}")),
        (SlaTarget.NextResponse, true) => (Text.Of("Next response for {0} is overdue"), Text.Of("{1} · was due {2}")),
        _ => (Text.Of("Resolution of {0} is overdue"), Text.Of("{1} · was due {2}")),
    };
}

/// <summary>Runs the recompute and the watch: after history, a policy or hours changed, and when the next stage falls due.</summary>
public sealed class SlaWorker(
    SlaRecompute recompute,
    SlaWatch watch,
    SlaRecomputeSignal recomputeSignal,
    SlaWatchSignal watchSignal,
    TicketChangeNotifier tickets,
    Microsoft.Extensions.Options.IOptions<SlaOptions> options,
    TimeProvider clock,
    ILogger<SlaWorker> logger) : BackgroundService
{
    private const TicketFields TimelineFields = TicketFields.Created | TicketFields.Status | TicketFields.Messages | TicketFields.Customer
        | TicketFields.Tenant | TicketFields.Other;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var subscription = tickets.Subscribe(change =>
        {
            if (change.Changes.Any(c => c.Touches(TimelineFields)))
            {
                recomputeSignal.Wake();
            }
            return Task.CompletedTask;
        });
        var recomputing = RecomputeLoopAsync(stoppingToken);
        var watching = WatchLoopAsync(stoppingToken);
        await Task.WhenAll(recomputing, watching);
    }

    private async Task RecomputeLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                while (await recompute.FollowHistoryAsync(ct) | await recompute.ContinueTenantRecomputeAsync(ct))
                {
                }
                await recomputeSignal.WaitAsync(options.Value.WatchInterval, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The service-level recompute failed; trying again shortly");
                await Delay(ct);
            }
        }
    }

    private async Task WatchLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await watch.EscalateAsync(ct);
                var next = await watch.NextMomentAsync(ct);
                var wait = options.Value.WatchInterval;
                if (next is { } moment)
                {
                    var until = DateTime.SpecifyKind(moment, DateTimeKind.Utc) - clock.GetUtcNow().UtcDateTime;
                    wait = until < TimeSpan.Zero ? TimeSpan.Zero : until < wait ? until : wait;
                }
                await watchSignal.WaitAsync(wait, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The service-level watch failed; trying again shortly");
                await Delay(ct);
            }
        }
    }

    private static async Task Delay(CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
