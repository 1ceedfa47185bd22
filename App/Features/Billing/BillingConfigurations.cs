using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Billing;

internal sealed class QuoteConfiguration : IEntityTypeConfiguration<Quote>
{
    public void Configure(EntityTypeBuilder<Quote> b)
    {
        b.ToTable("Quotes");
        b.Property(q => q.Number).HasMaxLength(50);
        b.HasIndex(q => new { q.TenantId, q.Number }).IsUnique();
        b.HasIndex(q => new { q.Status, q.CreatedAt });
        b.HasIndex(q => q.CustomerId);
        b.Property(q => q.Currency).HasMaxLength(3);
        b.Property(q => q.VatRate).HasPrecision(5, 2);
        b.Property(q => q.Net).HasPrecision(18, 2);
        b.Property(q => q.Vat).HasPrecision(18, 2);
        b.Property(q => q.Gross).HasPrecision(18, 2);
        b.HasOne(q => q.Tenant).WithMany().HasForeignKey(q => q.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(q => q.Customer).WithMany().HasForeignKey(q => q.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QuoteLineConfiguration : IEntityTypeConfiguration<QuoteLine>
{
    public void Configure(EntityTypeBuilder<QuoteLine> b)
    {
        b.ToTable("QuoteLines");
        b.Property(l => l.Hours).HasPrecision(18, 2);
        b.Property(l => l.Rate).HasPrecision(18, 2);
        b.Property(l => l.Amount).HasPrecision(18, 2);
        b.HasOne(l => l.Quote).WithMany(q => q.Lines).HasForeignKey(l => l.QuoteId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(l => l.Ticket).WithMany().HasForeignKey(l => l.TicketId).OnDelete(DeleteBehavior.Restrict);
        // Configured from this side so that time tracking need not know the quote that billed an entry.
        b.HasMany(l => l.TimeEntries).WithOne().HasForeignKey(e => e.QuoteLineId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(l => l.UserGroup).WithMany().HasForeignKey(l => l.UserGroupId).OnDelete(DeleteBehavior.Restrict);
    }
}
