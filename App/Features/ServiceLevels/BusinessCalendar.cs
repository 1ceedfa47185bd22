using BlazorTickets.Features.Tenants;

namespace BlazorTickets.Features.ServiceLevels;

/// <summary>A tenant's business hours: the time zone, the opening periods and the holidays its promises count in.</summary>
public class BusinessCalendar : IVersioned
{
    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public string TimeZoneId { get; set; } = BusinessCalendarService.DefaultTimeZoneId;
    public List<BusinessCalendarPeriod> Periods { get; set; } = [];
    public List<BusinessCalendarHoliday> Holidays { get; set; } = [];
    public int Version { get; set; }
}

public class BusinessCalendarPeriod
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public DayOfWeek Day { get; set; }
    /// <summary>Minutes after local midnight, 0–1439.</summary>
    public int OpensMinute { get; set; }
    /// <summary>Minutes after local midnight, up to 1440 for midnight at the day's end.</summary>
    public int ClosesMinute { get; set; }
}

public class BusinessCalendarHoliday
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public DateOnly Date { get; set; }
    public string Name { get; set; } = "";
}
