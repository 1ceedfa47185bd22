using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.TimeTracking;

public sealed record AgentWorkload(
    string UserId,
    string Name,
    IReadOnlyDictionary<TicketStatus, int> OpenByStatus,
    int Overdue,
    IReadOnlyList<int> MinutesPerDay,
    int MinutesToday,
    int UnbilledMinutes,
    int SlaAtRisk = 0,
    int SlaBreached = 0)
{
    public int OpenTotal => OpenByStatus.Values.Sum();
    public int MinutesThisWeek => MinutesPerDay.Sum();
    public int Open(TicketStatus status) => OpenByStatus.TryGetValue(status, out var count) ? count : 0;
}

/// <summary>Open tickets nobody handles yet: new mail lands here until someone takes it.</summary>
public sealed record UnassignedWorkload(IReadOnlyDictionary<TicketStatus, int> OpenByStatus, int Overdue, int SlaAtRisk = 0, int SlaBreached = 0)
{
    public int OpenTotal => OpenByStatus.Values.Sum();
    public int Open(TicketStatus status) => OpenByStatus.TryGetValue(status, out var count) ? count : 0;
}

/// <param name="WeekStart">Monday of the current week, in the server's time zone.</param>
/// <param name="Unassigned">The line of tickets without handler; null when only one agent's line was asked for.</param>
public sealed record WorkloadData(DateOnly Today, DateOnly WeekStart, IReadOnlyList<AgentWorkload> Agents, UnassignedWorkload? Unassigned = null)
{
    /// <summary>The statuses that count as open, in board order.</summary>
    public static readonly IReadOnlyList<TicketStatus> OpenStatuses =
        [TicketStatus.New, TicketStatus.Open, TicketStatus.InProgress, TicketStatus.WaitingForCustomer, TicketStatus.Answered];
}

/// <summary>The team lead's workload board: per agent open tickets, overdue tickets, service levels at risk or breached and logged hours.</summary>
public sealed class WorkloadService(
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, RunningTimerRegistry registry, TenantScope? tenantScope = null)
{
    /// <param name="onlyUserId">An agent's own line only; null: every agent (team leads).</param>
    public async Task<WorkloadData> GetAsync(string? onlyUserId, CancellationToken ct = default)
    {
        var zone = clock.LocalTimeZone;
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var weekStart = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var weekStartUtc = TimeEntryValidation.StartOfDayUtc(weekStart, zone);
        var weekEndUtc = TimeEntryValidation.StartOfDayUtc(weekStart.AddDays(7), zone);
        var timers = await registry.EnsureLoadedAsync(ct);
        var access = tenantScope is null ? TenantAccess.All : await tenantScope.GetAsync(ct);

        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var open = await db.Set<Ticket>().AsNoTracking()
            .WhereTenantAllowed(access, t => t.TenantId)
            .Where(t => t.Status != TicketStatus.Closed && (onlyUserId == null || t.HandlerId == onlyUserId))
            .GroupBy(t => new { t.HandlerId, t.Status })
            .Select(g => new { g.Key.HandlerId, g.Key.Status, Count = g.Count() })
            .ToListAsync(ct);
        // The ticket list's "overdue": the expected processing date has passed and the ticket is not closed.
        var overdue = await db.Set<Ticket>().AsNoTracking()
            .WhereTenantAllowed(access, t => t.TenantId)
            .Where(t => t.ExpectedDate != null && t.ExpectedDate < today && t.Status != TicketStatus.Closed
                && (onlyUserId == null || t.HandlerId == onlyUserId))
            .GroupBy(t => t.HandlerId)
            .Select(g => new { HandlerId = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        // The desk's "SLA at risk" and "SLA breached" as of now, read from the ticket's own due columns; a breached target
        // was at risk before, so one range of the at-risk index covers both.
        var now = clock.GetUtcNow().UtcDateTime;
        var sla = await db.Set<Ticket>().AsNoTracking()
            .WhereTenantAllowed(access, t => t.TenantId)
            .Where(t => t.SlaAtRiskAt <= now && t.Status != TicketStatus.Closed && (onlyUserId == null || t.HandlerId == onlyUserId))
            .GroupBy(t => t.HandlerId)
            .Select(g => new { HandlerId = g.Key, AtRisk = g.Sum(t => t.SlaDueAt > now ? 1 : 0), Breached = g.Sum(t => t.SlaDueAt <= now ? 1 : 0) })
            .ToListAsync(ct);
        var week = await db.Set<TimeEntry>().AsNoTracking()
            .WhereTenantAllowed(access, e => e.Ticket.TenantId)
            .Where(e => e.Start >= weekStartUtc && e.Start < weekEndUtc && (onlyUserId == null || e.UserId == onlyUserId))
            .Select(e => new { e.UserId, e.Start, e.Minutes })
            .ToListAsync(ct);
        var unbilled = await db.Set<TimeEntry>().AsNoTracking()
            .WhereTenantAllowed(access, e => e.Ticket.TenantId)
            .Where(e => e.Billable && e.QuoteLineId == null && (onlyUserId == null || e.UserId == onlyUserId))
            .GroupBy(e => e.UserId)
            .Select(g => new { UserId = g.Key, Minutes = g.Sum(e => e.Minutes) })
            .ToListAsync(ct);

        // Agents: the Ticket-Support group, and anyone else who handles tickets, logged time this week or has a timer running.
        var ids = onlyUserId is not null
            ? [onlyUserId]
            : await db.Users.Where(u => u.Memberships.Any(m => m.Group.Name == Groups.TicketSupport)).Select(u => u.Id).ToListAsync(ct);
        if (onlyUserId is null)
        {
            ids = ids.Concat(open.Where(o => o.HandlerId != null).Select(o => o.HandlerId!)).Concat(week.Select(w => w.UserId)).Concat(timers.Keys).Distinct().ToList();
        }
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);

        var agents = names
            .Select(pair =>
            {
                var perDay = new int[7];
                foreach (var entry in week.Where(w => w.UserId == pair.Key))
                {
                    var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(entry.Start, DateTimeKind.Utc), zone);
                    var day = DateOnly.FromDateTime(local).DayNumber - weekStart.DayNumber;
                    if (day is >= 0 and < 7)
                    {
                        perDay[day] += entry.Minutes;
                    }
                }
                return new AgentWorkload(
                    pair.Key,
                    pair.Value,
                    open.Where(o => o.HandlerId == pair.Key).ToDictionary(o => o.Status, o => o.Count),
                    overdue.SingleOrDefault(o => o.HandlerId == pair.Key)?.Count ?? 0,
                    perDay,
                    perDay[today.DayNumber - weekStart.DayNumber],
                    unbilled.SingleOrDefault(u => u.UserId == pair.Key)?.Minutes ?? 0,
                    sla.SingleOrDefault(s => s.HandlerId == pair.Key)?.AtRisk ?? 0,
                    sla.SingleOrDefault(s => s.HandlerId == pair.Key)?.Breached ?? 0);
            })
            .OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
        var unassigned = onlyUserId is not null
            ? null
            : new UnassignedWorkload(
                open.Where(o => o.HandlerId == null).ToDictionary(o => o.Status, o => o.Count),
                overdue.SingleOrDefault(o => o.HandlerId == null)?.Count ?? 0,
                sla.SingleOrDefault(s => s.HandlerId == null)?.AtRisk ?? 0,
                sla.SingleOrDefault(s => s.HandlerId == null)?.Breached ?? 0);
        return new WorkloadData(today, weekStart, agents, unassigned);
    }

    /// <summary>The ticket list's URL for one number on the board.</summary>
    /// <param name="handlerId">Null: the tickets nobody handles.</param>
    public static string TicketListUrl(
        string? handlerId, IEnumerable<TicketStatus>? statuses = null, bool overdue = false, bool slaAtRisk = false, bool slaBreached = false) =>
        "/tickets" + new TicketListFilter
        {
            HandlerId = handlerId,
            UnassignedOnly = handlerId is null,
            Statuses = (statuses ?? []).ToHashSet(),
            OverdueOnly = overdue,
            SlaAtRisk = slaAtRisk,
            SlaBreached = slaBreached,
        }.ToQuery();
}
