using BlazorTickets.Data;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.ServiceLevels;

/// <summary>
/// Keeps every ticket's service-level stages and due times in line with its history, its policy and its tenant's
/// hours. It reads the ticket history forward from where it stopped (the history is written in the transaction of
/// each change, so nothing is missed across a crash), and walks a tenant's open tickets after a policy or calendar
/// change. Due times are written without touching the ticket's version, so an agent's save never conflicts with it.
/// </summary>
public sealed class SlaRecompute(
    IDbContextFactory<AppDbContext> dbFactory, BusinessCalendarService calendars, TicketChangeNotifier notifier, SlaWatchSignal watch, TimeProvider clock)
{
    public const int HistoryBatch = 2000;
    public const int TicketBatch = 200;

    private static readonly HistoryKind[] TimelineKinds = [HistoryKind.Created, HistoryKind.Status, HistoryKind.MessageIn, HistoryKind.MessageOut];
    // A new customer or tenant can bring another policy; a merge or split moves messages.
    private static readonly HistoryKind[] RecomputingKinds = [.. TimelineKinds, HistoryKind.Customers, HistoryKind.Merge, HistoryKind.Split];

    /// <summary>Recomputes the tickets named by history written since the last call; false when there was none.</summary>
    public async Task<bool> FollowHistoryAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var progress = await db.Set<SlaProgress>().SingleOrDefaultAsync(ct);
        if (progress is null)
        {
            // First start: the tickets that exist already are recomputed tenant by tenant, the history from here on.
            var last = await db.Set<TicketHistoryEntry>().MaxAsync(h => (long?)h.Id, ct) ?? 0;
            db.Add(new SlaProgress { Id = 1, LastHistoryId = last });
            foreach (var tenantId in await db.Set<Tenants.Tenant>().Select(t => t.Id).ToListAsync(ct))
            {
                await SlaRecomputeRequests.RequestAsync(db, tenantId, ct);
            }
            await db.SaveChangesAsync(ct);
            return true;
        }
        var entries = await db.Set<TicketHistoryEntry>().AsNoTracking()
            .Where(h => h.Id > progress.LastHistoryId)
            .OrderBy(h => h.Id)
            .Take(HistoryBatch)
            .Select(h => new { h.Id, h.TicketId, h.Kind, h.Field })
            .ToListAsync(ct);
        if (db.Database.IsNpgsql())
        {
            entries = entries.Take(CountBeforeYoungGap(progress.LastHistoryId, entries.Select(e => e.Id))).ToList();
        }
        if (entries.Count == 0)
        {
            return false;
        }
        var ticketIds = entries
            .Where(e => RecomputingKinds.Contains(e.Kind) || e.Field == nameof(Ticket.TenantId))
            .Select(e => e.TicketId).Distinct().ToList();
        foreach (var chunk in ticketIds.Chunk(TicketBatch))
        {
            await RecomputeAsync(chunk, ct);
        }
        progress.LastHistoryId = entries[^1].Id;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>How long the cursor waits at a missing history id before it takes it for a rolled-back write.</summary>
    public static readonly TimeSpan GapPatience = TimeSpan.FromSeconds(30);

    private (long Before, DateTime Since)? waitingAtGap;

    /// <summary>
    /// On PostgreSQL an entry's id is drawn from a sequence when it is inserted, but transactions commit in any order:
    /// a missing id is mostly a write still in progress that shows up a moment later. Passing it would skip that entry
    /// for good, so the cursor stops there and passes only once the gap has stayed for <see cref="GapPatience"/> (a
    /// write that rolled back leaves a gap that never fills). SQLite writes one transaction at a time: no such gaps.
    /// </summary>
    private int CountBeforeYoungGap(long lastId, IEnumerable<long> ids)
    {
        var count = 0;
        var expected = lastId + 1;
        foreach (var id in ids)
        {
            if (id != expected)
            {
                var now = clock.GetUtcNow().UtcDateTime;
                if (waitingAtGap is not { } gap || gap.Before != expected)
                {
                    waitingAtGap = (expected, now);
                    return count;
                }
                if (now - gap.Since < GapPatience)
                {
                    return count;
                }
                waitingAtGap = null;
            }
            count++;
            expected = id + 1;
        }
        return count;
    }

    /// <summary>Recomputes the next batch of a tenant's open tickets after a policy or calendar change; false when none is pending.</summary>
    public async Task<bool> ContinueTenantRecomputeAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var request = await db.Set<SlaTenantRecompute>().OrderBy(r => r.TenantId).FirstOrDefaultAsync(ct);
        if (request is null)
        {
            return false;
        }
        var after = request.AfterTicketId;
        // Closed tickets keep the judgement they got under the rules of their time.
        var open = db.Set<Ticket>().AsNoTracking().Where(t => t.TenantId == request.TenantId && t.Id > after && t.Status != TicketStatus.Closed);
        if (!await db.Set<SlaPolicy>().AnyAsync(p => p.TenantId == request.TenantId, ct))
        {
            // Without a policy only tickets that still carry stages or a due time have anything to lose.
            var stages = db.Set<TicketSlaStage>();
            open = open.Where(t => t.SlaAtRiskAt != null || t.SlaDueAt != Ticket.NoDue || stages.Any(s => s.TicketId == t.Id));
        }
        var ids = await open.OrderBy(t => t.Id).Select(t => t.Id).Take(TicketBatch).ToListAsync(ct);
        await RecomputeAsync(ids, ct);
        // Saved only if no newer request restarted it meanwhile (the row's values are the concurrency check).
        _ = ids.Count < TicketBatch
            ? await db.Set<SlaTenantRecompute>().Where(r => r.TenantId == request.TenantId && r.AfterTicketId == after).ExecuteDeleteAsync(ct)
            : await db.Set<SlaTenantRecompute>().Where(r => r.TenantId == request.TenantId && r.AfterTicketId == after)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.AfterTicketId, ids[^1]), ct);
        return true;
    }

    /// <summary>Recomputes the stages and due times of these tickets; returns how many tickets' due times changed.</summary>
    public async Task<int> RecomputeAsync(IReadOnlyCollection<int> ticketIds, CancellationToken ct = default)
    {
        if (ticketIds.Count == 0)
        {
            return 0;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var tickets = await db.Set<Ticket>().AsNoTracking()
            .Where(t => ticketIds.Contains(t.Id))
            .Select(t => new { t.Id, t.TenantId, t.CustomerId, t.Status, t.CreatedAt, t.SlaDueAt, t.SlaAtRiskAt, t.Version })
            .ToListAsync(ct);
        var tenantIds = tickets.Select(t => t.TenantId).Distinct().ToList();
        var policies = await db.Set<SlaPolicy>().AsNoTracking().Where(p => tenantIds.Contains(p.TenantId)).ToListAsync(ct);
        // Only tickets under a policy need their timeline.
        var underPolicy = tickets.Where(t => policies.Any(p => p.TenantId == t.TenantId)).Select(t => t.Id).ToList();
        var history = (await db.Set<TicketHistoryEntry>().AsNoTracking()
                .Where(h => underPolicy.Contains(h.TicketId) && TimelineKinds.Contains(h.Kind))
                .OrderBy(h => h.Id)
                .Select(h => new HistoryPoint(h.TicketId, h.At, h.Kind, h.Field, h.OldValue, h.NewValue))
                .ToListAsync(ct))
            .ToLookup(h => h.TicketId);
        var stored = (await db.Set<TicketSlaStage>().Where(s => ticketIds.Contains(s.TicketId)).ToListAsync(ct)).ToLookup(s => s.TicketId);
        var hoursOf = new Dictionary<int, BusinessHours>();
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = new List<TicketChange>();
        foreach (var ticket in tickets)
        {
            var policy = policies.FirstOrDefault(p => p.TenantId == ticket.TenantId && p.CustomerId == ticket.CustomerId && p.CustomerId != null)
                ?? policies.FirstOrDefault(p => p.TenantId == ticket.TenantId && p.CustomerId == null);
            IReadOnlyList<SlaStageResult> results = [];
            if (policy is not null)
            {
                if (!hoursOf.TryGetValue(ticket.TenantId, out var hours))
                {
                    hoursOf[ticket.TenantId] = hours = await calendars.HoursForAsync(ticket.TenantId, ct);
                }
                results = SlaCalculator.Stages(SlaTargets.Of(policy), hours, TimelineOf(ticket.CreatedAt, ticket.Status, history[ticket.Id]));
            }
            var stagesChanged = Reconcile(db, ticket.Id, stored[ticket.Id].ToList(), results, now);
            var running = results.Where(r => r.CompletedAt is null && r.DueAt is not null).ToList();
            var dueAt = running.Count > 0 ? running.Min(r => r.DueAt!.Value) : Ticket.NoDue;
            var atRiskAt = running.Count > 0 ? running.Min(r => r.AtRiskAt) : null;
            if (dueAt != ticket.SlaDueAt || atRiskAt != ticket.SlaAtRiskAt)
            {
                await db.Set<Ticket>().Where(t => t.Id == ticket.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.SlaDueAt, dueAt).SetProperty(t => t.SlaAtRiskAt, atRiskAt), ct);
            }
            if (stagesChanged || dueAt != ticket.SlaDueAt || atRiskAt != ticket.SlaAtRiskAt)
            {
                changed.Add(new TicketChange(ticket.Id, ticket.TenantId, TicketFields.Sla, ticket.Version));
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifier.Publish(changed);
        watch.Wake();
        return changed.Count;
    }

    private sealed record HistoryPoint(int TicketId, DateTime At, HistoryKind Kind, string? Field, string? OldValue, string? NewValue);

    private static SlaTimeline TimelineOf(DateTime createdAt, TicketStatus currentStatus, IEnumerable<HistoryPoint> points)
    {
        var list = points.ToList();
        var events = new List<SlaEvent>();
        var created = list.FirstOrDefault(p => p.Kind == HistoryKind.Created);
        // The ticket's own creation time wins over its entry's where a ticket was written with an earlier one (an import of old data).
        var openedAt = created is null || createdAt < created.At ? createdAt : created.At;
        // A ticket older than the history counts as opened by its customer.
        if (created is null || created.Field is not null)
        {
            events.Add(new SlaEvent(openedAt, SlaEventKind.CustomerMessage));
        }
        TicketStatus? initial = null;
        foreach (var point in list)
        {
            switch (point.Kind)
            {
                case HistoryKind.MessageIn:
                    events.Add(new SlaEvent(point.At, SlaEventKind.CustomerMessage));
                    break;
                case HistoryKind.MessageOut:
                    events.Add(new SlaEvent(point.At, SlaEventKind.AgentReply));
                    break;
                case HistoryKind.Status when Enum.TryParse<TicketStatus>(point.NewValue, out var status):
                    if (initial is null && Enum.TryParse<TicketStatus>(point.OldValue, out var old))
                    {
                        initial = old;
                    }
                    events.Add(new SlaEvent(point.At, SlaEventKind.StatusChanged, status));
                    break;
            }
        }
        return new SlaTimeline(openedAt, initial ?? currentStatus, events);
    }

    /// <summary>
    /// Updates the stored stages to the computed ones, keeping the notice stamps of a stage that is still there;
    /// true when anything differs.
    /// </summary>
    private static bool Reconcile(AppDbContext db, int ticketId, List<TicketSlaStage> stored, IReadOnlyList<SlaStageResult> results, DateTime now)
    {
        foreach (var result in results)
        {
            var stage = stored.FirstOrDefault(s => s.Target == result.Target && s.StartedAt == result.StartedAt);
            if (stage is null)
            {
                stage = new TicketSlaStage { TicketId = ticketId, Target = result.Target, StartedAt = result.StartedAt };
                db.Add(stage);
            }
            else
            {
                stored.Remove(stage);
            }
            // A moment that is already past when a recompute first puts it there (a new or tightened policy, changed hours,
            // old data) shows on the desk but is not told: a new policy must not flood the team leads with old tickets.
            if (result.AtRiskAt <= now && stage.AtRiskToldAt is null && stage.AtRiskAt != result.AtRiskAt)
            {
                stage.AtRiskToldAt = now;
            }
            if (result.DueAt <= now && stage.BreachToldAt is null && stage.DueAt != result.DueAt)
            {
                stage.BreachToldAt = now;
                stage.AtRiskToldAt ??= now;
            }
            stage.TargetMinutes = (int)result.TargetTime.TotalMinutes;
            stage.DueAt = result.DueAt;
            stage.AtRiskAt = result.AtRiskAt;
            stage.CompletedAt = result.CompletedAt;
        }
        db.RemoveRange(stored);
        return stored.Count > 0 || db.ChangeTracker.Entries<TicketSlaStage>().Any(e => e.Entity.TicketId == ticketId && e.State is EntityState.Added or EntityState.Modified);
    }
}
