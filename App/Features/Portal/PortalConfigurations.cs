using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Portal;

internal sealed class TimeTrackingConsentChangeConfiguration : IEntityTypeConfiguration<TimeTrackingConsentChange>
{
    public void Configure(EntityTypeBuilder<TimeTrackingConsentChange> b)
    {
        b.ToTable("TimeTrackingConsentChanges");
        b.Property(c => c.ChangedBy).HasMaxLength(200);
        b.HasOne(c => c.Ticket).WithMany().HasForeignKey(c => c.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(c => new { c.TicketId, c.ChangedAt });
        b.HasIndex(c => new { c.CustomerId, c.ChangedAt });
    }
}

internal sealed class PortalAccessLinkConfiguration : IEntityTypeConfiguration<PortalAccessLink>
{
    public void Configure(EntityTypeBuilder<PortalAccessLink> b)
    {
        b.ToTable("PortalAccessLinks");
        b.Property(l => l.TokenHash).HasMaxLength(64);
        b.HasIndex(l => l.TokenHash).IsUnique();
        b.Property(l => l.CreatedBy).HasMaxLength(200);
        b.HasOne(l => l.User).WithMany().HasForeignKey(l => l.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(l => l.Customer).WithMany().HasForeignKey(l => l.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => new { l.CustomerId, l.CreatedAt });
        b.HasIndex(l => l.UserId);
    }
}

internal sealed class PortalPasswordResetRequestConfiguration : IEntityTypeConfiguration<PortalPasswordResetRequest>
{
    public void Configure(EntityTypeBuilder<PortalPasswordResetRequest> b)
    {
        b.ToTable("PortalPasswordResetRequests");
        b.HasKey(r => r.UserId);
        b.HasOne(r => r.User).WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
