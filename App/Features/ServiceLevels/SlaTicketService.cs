using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.ServiceLevels;

public enum SlaStageState
{
    Running,
    AtRisk,
    Breached,
    /// <summary>Waiting on the customer: the clock stands still and the due time is not known.</summary>
    Paused,
    Met,
    Missed,
}

/// <summary>The latest run of one target on a ticket, as the ticket page shows it.</summary>
public sealed record SlaStageView(SlaTarget Target, DateTime StartedAt, int TargetMinutes, DateTime? DueAt, DateTime? CompletedAt, SlaStageState State);

/// <summary>A ticket's service-level stages for the people allowed to see the ticket.</summary>
public sealed class SlaTicketService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TenantScope? tenantScope = null)
{
    public async Task<IReadOnlyList<SlaStageView>> LatestStagesAsync(int ticketId, CancellationToken ct = default)
    {
        var access = await (tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stages = await db.Set<TicketSlaStage>().AsNoTracking()
            .Where(s => s.TicketId == ticketId)
            .WhereTenantAllowed(access, s => s.Ticket.TenantId)
            .ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return [.. stages
            .GroupBy(s => s.Target)
            .Select(g => g.OrderByDescending(s => s.StartedAt).First())
            .OrderBy(s => s.Target)
            .Select(s => new SlaStageView(s.Target, s.StartedAt, s.TargetMinutes, s.DueAt, s.CompletedAt, StateOf(s, now)))];
    }

    public static SlaStageState StateOf(TicketSlaStage stage, DateTime now) => stage switch
    {
        { CompletedAt: { } done, DueAt: { } due } => done <= due ? SlaStageState.Met : SlaStageState.Missed,
        { CompletedAt: not null } => SlaStageState.Met,
        { DueAt: null } => SlaStageState.Paused,
        { DueAt: { } due } when due <= now => SlaStageState.Breached,
        { AtRiskAt: { } risk } when risk <= now => SlaStageState.AtRisk,
        _ => SlaStageState.Running,
    };
}
