using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.ServiceLevels;

/// <summary>A policy as the settings page edits it; targets in business hours (0.5 = 30 minutes).</summary>
public sealed class SlaPolicyEdit
{
    public int Id { get; set; }
    public int? CustomerId { get; set; }
    public string? CustomerName { get; set; }
    public decimal? FirstResponseHours { get; set; }
    public decimal? NextResponseHours { get; set; }
    public decimal? ResolutionHours { get; set; }
    public int AtRiskPercent { get; set; } = SlaPolicyService.DefaultAtRiskPercent;
    public HashSet<TicketStatus> PauseStatuses { get; set; } = [.. SlaPolicyService.DefaultPauseStatuses];
    public int Version { get; set; }
}

public sealed record SlaPolicies(SlaPolicyEdit? TenantDefault, IReadOnlyList<SlaPolicyEdit> CustomerOverrides);

/// <summary>Signals the recompute that history or a tenant's policy or calendar changed.</summary>
public sealed class SlaRecomputeSignal : WakeSignal;

public sealed class SlaPolicyService(IDbContextFactory<AppDbContext> dbFactory, SlaRecomputeSignal recompute)
{
    public const int DefaultAtRiskPercent = 80;
    public static readonly IReadOnlyList<TicketStatus> DefaultPauseStatuses = [TicketStatus.WaitingForCustomer, TicketStatus.Answered];
    /// <summary>The statuses a policy may pause in; closed always stops the clocks.</summary>
    public static readonly IReadOnlyList<TicketStatus> PausableStatuses = [.. Enum.GetValues<TicketStatus>().Where(s => s != TicketStatus.Closed)];
    public const decimal MaxTargetHours = 24 * 365;

    public async Task<SlaPolicies> GetAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var policies = await db.Set<SlaPolicy>().AsNoTracking().Where(p => p.TenantId == tenantId)
            .Select(p => new { Policy = p, CustomerName = p.Customer != null ? p.Customer.Name : null })
            .ToListAsync(ct);
        var edits = policies.Select(p => ToEdit(p.Policy, p.CustomerName)).ToList();
        return new SlaPolicies(
            edits.SingleOrDefault(e => e.CustomerId is null),
            [.. edits.Where(e => e.CustomerId is not null).OrderBy(e => e.CustomerName, StringComparer.CurrentCultureIgnoreCase)]);
    }

    public static SlaPolicyEdit NewPolicy(int? customerId = null) => new()
    {
        CustomerId = customerId,
        FirstResponseHours = 4,
        NextResponseHours = 8,
        ResolutionHours = 40,
    };

    public static FieldErrors Validate(SlaPolicyEdit edit)
    {
        var errors = new FieldErrors();
        foreach (var (field, hours) in new[]
        {
            (nameof(SlaPolicyEdit.FirstResponseHours), edit.FirstResponseHours),
            (nameof(SlaPolicyEdit.NextResponseHours), edit.NextResponseHours),
            (nameof(SlaPolicyEdit.ResolutionHours), edit.ResolutionHours),
        })
        {
            if (hours is decimal h && (MinutesOf(h) < 1 || h > MaxTargetHours))
            {
                errors.Add(field, Text.Of("Enter a target between one minute (0.02 hours) and {0} hours, or leave it empty for no target."), MaxTargetHours);
            }
        }
        if (edit.FirstResponseHours is null && edit.NextResponseHours is null && edit.ResolutionHours is null)
        {
            errors.AddForm(Text.Of("Enter at least one target; to promise nothing, delete the policy."));
        }
        if (edit.AtRiskPercent is < 1 or > 99)
        {
            errors.Add(nameof(SlaPolicyEdit.AtRiskPercent), Text.Of("The warning share must be between 1 and 99 percent of the target."));
        }
        if (edit.PauseStatuses.Any(s => !PausableStatuses.Contains(s)))
        {
            errors.Add(nameof(SlaPolicyEdit.PauseStatuses), Text.Of("Closed tickets always stop the clock; choose pause statuses among the others."));
        }
        return errors;
    }

    /// <summary>Stores a new or changed policy; refused with reasons, or when someone else saved it meanwhile.</summary>
    public async Task<FieldErrors> SaveAsync(int tenantId, SlaPolicyEdit edit, CancellationToken ct = default)
    {
        var errors = Validate(edit);
        if (!errors.IsEmpty)
        {
            return errors;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<Tenant>().AnyAsync(t => t.Id == tenantId, ct))
        {
            return FieldErrors.OfForm(Text.Of("This tenant no longer exists."));
        }
        if (edit.CustomerId is int customerId && !await db.Set<Customer>().AnyAsync(c => c.Id == customerId && c.TenantId == tenantId, ct))
        {
            return FieldErrors.Of(nameof(SlaPolicyEdit.CustomerId), Text.Of("Choose a customer of this tenant."));
        }
        SlaPolicy policy;
        if (edit.Id == 0)
        {
            if (await db.Set<SlaPolicy>().AnyAsync(p => p.TenantId == tenantId && p.CustomerId == edit.CustomerId, ct))
            {
                return edit.CustomerId is null
                    ? FieldErrors.OfForm(Text.Of("This tenant has a policy already. Reload the page to edit it."))
                    : FieldErrors.Of(nameof(SlaPolicyEdit.CustomerId), Text.Of("This customer has a policy of their own already."));
            }
            policy = new SlaPolicy { TenantId = tenantId, CustomerId = edit.CustomerId };
            db.Add(policy);
        }
        else
        {
            var stored = await db.Set<SlaPolicy>().SingleOrDefaultAsync(p => p.Id == edit.Id && p.TenantId == tenantId, ct);
            if (stored is null || stored.Version != edit.Version || stored.CustomerId != edit.CustomerId)
            {
                return ChangedMeanwhile();
            }
            policy = stored;
        }
        policy.FirstResponseMinutes = edit.FirstResponseHours is decimal f ? MinutesOf(f) : null;
        policy.NextResponseMinutes = edit.NextResponseHours is decimal n ? MinutesOf(n) : null;
        policy.ResolutionMinutes = edit.ResolutionHours is decimal r ? MinutesOf(r) : null;
        policy.AtRiskPercent = edit.AtRiskPercent;
        policy.PauseStatuses = [.. edit.PauseStatuses.Order()];
        await SlaRecomputeRequests.RequestAsync(db, tenantId, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return ChangedMeanwhile();
        }
        recompute.Wake();
        edit.Id = policy.Id;
        edit.Version = policy.Version;
        return FieldErrors.None;
    }

    public async Task<FieldErrors> DeleteAsync(int tenantId, int policyId, int version, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var policy = await db.Set<SlaPolicy>().SingleOrDefaultAsync(p => p.Id == policyId && p.TenantId == tenantId, ct);
        if (policy is null || policy.Version != version)
        {
            return ChangedMeanwhile();
        }
        db.Remove(policy);
        await SlaRecomputeRequests.RequestAsync(db, tenantId, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ChangedMeanwhile();
        }
        recompute.Wake();
        return FieldErrors.None;
    }

    private static int MinutesOf(decimal hours) => (int)Math.Round(hours * 60, MidpointRounding.AwayFromZero);

    private static decimal? HoursOf(int? minutes) => minutes is int m ? Math.Round(m / 60m, 2) : null;

    private static SlaPolicyEdit ToEdit(SlaPolicy p, string? customerName) => new()
    {
        Id = p.Id,
        CustomerId = p.CustomerId,
        CustomerName = customerName,
        FirstResponseHours = HoursOf(p.FirstResponseMinutes),
        NextResponseHours = HoursOf(p.NextResponseMinutes),
        ResolutionHours = HoursOf(p.ResolutionMinutes),
        AtRiskPercent = p.AtRiskPercent,
        PauseStatuses = [.. p.PauseStatuses],
        Version = p.Version,
    };

    private static FieldErrors ChangedMeanwhile() =>
        FieldErrors.OfForm(Text.Of("Someone else changed this policy meanwhile. Reload the page to see their changes."));
}

/// <summary>Queues a tenant's open tickets for a recompute, in the transaction of the change that asks for it.</summary>
public static class SlaRecomputeRequests
{
    public static async Task RequestAsync(AppDbContext db, int tenantId, CancellationToken ct = default)
    {
        var pending = await db.Set<SlaTenantRecompute>().FindAsync([tenantId], ct);
        if (pending is null)
        {
            db.Add(new SlaTenantRecompute { TenantId = tenantId });
        }
        else
        {
            // Restarts a recompute already under way from the first ticket: what it did so far used the old rules.
            pending.AfterTicketId = 0;
        }
    }
}
