using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.ServiceLevels;

/// <summary>
/// A tenant's service-level promise (<see cref="CustomerId"/> null), or one customer's own, which replaces the
/// tenant's for that customer's tickets. Targets count business minutes; a missing target promises nothing.
/// </summary>
public class SlaPolicy : IVersioned
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public int? CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public int? FirstResponseMinutes { get; set; }
    public int? NextResponseMinutes { get; set; }
    public int? ResolutionMinutes { get; set; }
    /// <summary>The share of a target after which the handler is told that it is at risk.</summary>
    public int AtRiskPercent { get; set; } = SlaPolicyService.DefaultAtRiskPercent;
    /// <summary>The statuses in which the ticket waits on the customer and the clocks stand still.</summary>
    public List<TicketStatus> PauseStatuses { get; set; } = [.. SlaPolicyService.DefaultPauseStatuses];
    public int Version { get; set; }
}

public enum SlaTarget
{
    FirstResponse = 0,
    NextResponse = 1,
    Resolution = 2,
}

/// <summary>
/// One run of one target on one ticket: from when it started to when it was met, as the last recompute found it.
/// The "told" stamps make each at-risk and breach notice go out once.
/// </summary>
public class TicketSlaStage
{
    public long Id { get; set; }
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public SlaTarget Target { get; set; }
    public DateTime StartedAt { get; set; }
    public int TargetMinutes { get; set; }
    /// <summary>Null while the ticket waits on the customer and the due time is not known yet.</summary>
    public DateTime? DueAt { get; set; }
    public DateTime? AtRiskAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime? AtRiskToldAt { get; set; }
    public DateTime? BreachToldAt { get; set; }

    public bool IsBreached(DateTime now) => DueAt is { } due && (CompletedAt ?? now) > due;
}

/// <summary>How far the recompute has read the ticket history; one row.</summary>
public class SlaProgress
{
    public int Id { get; set; }
    public long LastHistoryId { get; set; }
}

/// <summary>A tenant whose open tickets are being recomputed after its calendar or a policy changed; survives a restart.</summary>
public class SlaTenantRecompute
{
    public int TenantId { get; set; }
    public int AfterTicketId { get; set; }
}

internal sealed class SlaPolicyConfiguration : IEntityTypeConfiguration<SlaPolicy>
{
    public void Configure(EntityTypeBuilder<SlaPolicy> b)
    {
        b.ToTable("SlaPolicies");
        b.HasOne(p => p.Tenant).WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(p => p.Customer).WithMany().HasForeignKey(p => p.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasIndex(p => new { p.TenantId, p.CustomerId }).IsUnique();
        // SQLite lets NULLs repeat in a unique index: one tenant default needs its own.
        b.HasIndex(p => p.TenantId, "IX_SlaPolicies_TenantDefault").IsUnique().HasFilter("\"CustomerId\" IS NULL");
    }
}

internal sealed class TicketSlaStageConfiguration : IEntityTypeConfiguration<TicketSlaStage>
{
    public void Configure(EntityTypeBuilder<TicketSlaStage> b)
    {
        b.ToTable("TicketSlaStages");
        b.HasOne(s => s.Ticket).WithMany().HasForeignKey(s => s.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => new { s.TicketId, s.Target, s.StartedAt }).IsUnique();
        b.HasIndex(s => s.StartedAt);
        // The watch looks only at running targets whose notice is still to go out.
        b.HasIndex(s => s.AtRiskAt, "IX_TicketSlaStages_AtRisk_Untold").HasFilter("\"CompletedAt\" IS NULL AND \"AtRiskToldAt\" IS NULL AND \"AtRiskAt\" IS NOT NULL");
        b.HasIndex(s => s.DueAt, "IX_TicketSlaStages_Due_Untold").HasFilter("\"CompletedAt\" IS NULL AND \"BreachToldAt\" IS NULL AND \"DueAt\" IS NOT NULL");
    }
}

internal sealed class SlaProgressConfiguration : IEntityTypeConfiguration<SlaProgress>
{
    public void Configure(EntityTypeBuilder<SlaProgress> b)
    {
        b.ToTable("SlaProgress");
        b.Property(p => p.Id).ValueGeneratedNever();
    }
}

internal sealed class SlaTenantRecomputeConfiguration : IEntityTypeConfiguration<SlaTenantRecompute>
{
    public void Configure(EntityTypeBuilder<SlaTenantRecompute> b)
    {
        b.ToTable("SlaTenantRecomputes");
        b.HasKey(r => r.TenantId);
        b.Property(r => r.TenantId).ValueGeneratedNever();
    }
}
