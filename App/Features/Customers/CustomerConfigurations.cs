using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Customers;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.ToTable("Customers");
        b.Property(c => c.CustomerNumber).HasMaxLength(50);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Company).HasMaxLength(200);
        b.HasIndex(c => new { c.TenantId, c.CustomerNumber }).IsUnique();
        b.HasIndex(c => new { c.TenantId, c.Name });
        b.Ignore(c => c.PrimaryEmail);
    }
}

internal sealed class CustomerEmailConfiguration : IEntityTypeConfiguration<CustomerEmail>
{
    public void Configure(EntityTypeBuilder<CustomerEmail> b)
    {
        b.ToTable("CustomerEmails");
        // Mail matches senders by address whatever their case; NOCASE lets that lookup use the unique index.
        b.Property(e => e.Address).HasMaxLength(320).UseCollation("NOCASE");
        b.HasIndex(e => new { e.TenantId, e.Address }).IsUnique();
        b.HasOne(e => e.Customer).WithMany(c => c.Emails).HasForeignKey(e => e.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
