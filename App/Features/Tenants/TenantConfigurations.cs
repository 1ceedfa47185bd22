using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Tenants;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> b)
    {
        b.ToTable("Tenants");
        b.Property(t => t.Name).HasMaxLength(200);
        b.HasIndex(t => t.Name).IsUnique();
        b.Property(t => t.SenderAddress).HasMaxLength(320);
        b.Property(t => t.SenderName).HasMaxLength(200);
        b.Property(t => t.Currency).HasMaxLength(3);
        b.Property(t => t.QuoteNumberPrefix).HasMaxLength(20);
    }
}
