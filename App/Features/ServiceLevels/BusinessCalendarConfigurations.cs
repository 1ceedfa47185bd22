using BlazorTickets.Features.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BlazorTickets.Features.ServiceLevels;

internal sealed class BusinessCalendarConfiguration : IEntityTypeConfiguration<BusinessCalendar>
{
    public void Configure(EntityTypeBuilder<BusinessCalendar> b)
    {
        b.ToTable("BusinessCalendars");
        b.HasKey(c => c.TenantId);
        b.HasOne(c => c.Tenant).WithOne().HasForeignKey<BusinessCalendar>(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.TimeZoneId).HasMaxLength(100);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasMany(c => c.Periods).WithOne().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(c => c.Holidays).WithOne().HasForeignKey(h => h.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BusinessCalendarPeriodConfiguration : IEntityTypeConfiguration<BusinessCalendarPeriod>
{
    public void Configure(EntityTypeBuilder<BusinessCalendarPeriod> b)
    {
        b.ToTable("BusinessCalendarPeriods");
        b.HasIndex(p => p.TenantId);
    }
}

internal sealed class BusinessCalendarHolidayConfiguration : IEntityTypeConfiguration<BusinessCalendarHoliday>
{
    public void Configure(EntityTypeBuilder<BusinessCalendarHoliday> b)
    {
        b.ToTable("BusinessCalendarHolidays");
        b.Property(h => h.Name).HasMaxLength(BusinessCalendarService.MaxHolidayNameLength);
        b.HasIndex(h => new { h.TenantId, h.Date }).IsUnique();
    }
}
