using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.Users;

internal sealed class UserGroupConfiguration : IEntityTypeConfiguration<UserGroup>
{
    public void Configure(EntityTypeBuilder<UserGroup> b)
    {
        b.ToTable("UserGroups");
        b.Property(g => g.Name).HasMaxLength(100);
        b.HasIndex(g => g.Name).IsUnique();
        b.Property(g => g.HourlyRate).HasPrecision(18, 2);
    }
}

internal sealed class UserGroupMembershipConfiguration : IEntityTypeConfiguration<UserGroupMembership>
{
    public void Configure(EntityTypeBuilder<UserGroupMembership> b)
    {
        b.ToTable("UserGroupMemberships");
        b.HasKey(m => new { m.UserId, m.GroupId });
        b.HasOne(m => m.User).WithMany(u => u.Memberships).HasForeignKey(m => m.UserId);
        b.HasOne(m => m.Group).WithMany(g => g.Members).HasForeignKey(m => m.GroupId);
    }
}

internal sealed class UserTenantConfiguration : IEntityTypeConfiguration<UserTenant>
{
    public void Configure(EntityTypeBuilder<UserTenant> b)
    {
        b.ToTable("UserTenants");
        b.HasKey(u => new { u.UserId, u.TenantId });
        b.HasOne(u => u.User).WithMany(u => u.Tenants).HasForeignKey(u => u.UserId);
        // Deleting a user's last tenant would silently widen them to every tenant.
        b.HasOne(u => u.Tenant).WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.HasOne(u => u.BillingGroup).WithMany().HasForeignKey(u => u.BillingGroupId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(u => u.Customer).WithMany().HasForeignKey(u => u.CustomerId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(u => u.CustomerId);
    }
}
