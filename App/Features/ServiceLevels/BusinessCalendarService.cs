using System.Globalization;
using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.ServiceLevels;

/// <summary>The editable business hours of a tenant. Times are "HH:mm" texts so that a period can close at 24:00.</summary>
public sealed class BusinessCalendarEdit
{
    public string TimeZoneId { get; set; } = BusinessCalendarService.DefaultTimeZoneId;
    public List<OpeningPeriodEdit> Periods { get; set; } = [];
    public List<HolidayEdit> Holidays { get; set; } = [];
    public int Version { get; set; }
    /// <summary>False while the tenant still works with the default hours.</summary>
    public bool IsStored { get; set; }
}

public sealed class OpeningPeriodEdit
{
    public DayOfWeek Day { get; set; } = DayOfWeek.Monday;
    public string Opens { get; set; } = "09:00";
    public string Closes { get; set; } = "17:00";
}

public sealed class HolidayEdit
{
    public DateTime? Date { get; set; }
    public string Name { get; set; } = "";
}

public sealed class BusinessCalendarService(IDbContextFactory<AppDbContext> dbFactory, SlaRecomputeSignal recompute)
{
    public const string DefaultTimeZoneId = "Europe/Berlin";
    public const int MaxHolidayNameLength = 100;
    public const int MaxPeriods = 70;
    public const int MaxHolidays = 1000;

    /// <summary>Monday to Friday, 09:00 to 17:00, Berlin time: what a tenant counts in until an admin sets its hours.</summary>
    public static BusinessCalendarEdit Default() => new()
    {
        Periods = [.. WorkingDays.Select(day => new OpeningPeriodEdit { Day = day })],
    };

    private static readonly DayOfWeek[] WorkingDays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Monday first, as calendars in Germany are read.</summary>
    public static IReadOnlyList<DayOfWeek> WeekFromMonday { get; } = [.. WorkingDays, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public static IReadOnlyList<string> TimeZoneIds { get; } = [.. TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Order(StringComparer.Ordinal)];

    public async Task<BusinessCalendarEdit> GetAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await LoadAsync(db, tenantId, ct);
        if (stored is null)
        {
            return Default();
        }
        return new BusinessCalendarEdit
        {
            TimeZoneId = stored.TimeZoneId,
            Periods = [.. stored.Periods
                .OrderBy(p => WeekIndex(p.Day)).ThenBy(p => p.OpensMinute)
                .Select(p => new OpeningPeriodEdit { Day = p.Day, Opens = Clock(p.OpensMinute), Closes = Clock(p.ClosesMinute) })],
            Holidays = [.. stored.Holidays.OrderBy(h => h.Date).Select(h => new HolidayEdit { Date = h.Date.ToDateTime(TimeOnly.MinValue), Name = h.Name })],
            Version = stored.Version,
            IsStored = true,
        };
    }

    public async Task<string?> TenantNameAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Tenant>().Where(t => t.Id == tenantId).Select(t => t.Name).SingleOrDefaultAsync(ct);
    }

    /// <summary>The hours a tenant's service levels count in: its stored calendar, or the default.</summary>
    public async Task<BusinessHours> HoursForAsync(int tenantId, CancellationToken ct = default) => ToHours(await GetAsync(tenantId, ct));

    public static BusinessHours ToHours(BusinessCalendarEdit edit) => new(
        TimeZoneInfo.FindSystemTimeZoneById(edit.TimeZoneId),
        edit.Periods.Select(p => new OpeningPeriod(p.Day, TimeSpan.FromMinutes(MinuteOf(p.Opens)!.Value), TimeSpan.FromMinutes(MinuteOf(p.Closes)!.Value))),
        edit.Holidays.Where(h => h.Date is not null).Select(h => DateOnly.FromDateTime(h.Date!.Value)));

    /// <summary>The rules that need no database. Keys: TimeZoneId, Periods[i], Holidays[i].</summary>
    public static FieldErrors Validate(BusinessCalendarEdit edit)
    {
        var errors = new FieldErrors();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(edit.TimeZoneId?.Trim() ?? "", out _))
        {
            errors.Add(nameof(BusinessCalendarEdit.TimeZoneId), Text.Of("Choose a time zone from the list, such as Europe/Berlin."));
        }
        if (edit.Periods.Count > MaxPeriods)
        {
            errors.AddForm("At most {0} opening periods are possible.", MaxPeriods);
        }
        for (var i = 0; i < edit.Periods.Count; i++)
        {
            var period = edit.Periods[i];
            var opens = MinuteOf(period.Opens);
            var closes = MinuteOf(period.Closes);
            var key = $"{nameof(BusinessCalendarEdit.Periods)}[{i}]";
            if (opens is null or >= MinutesPerDay || closes is null)
            {
                errors.Add(key, Text.Of("Enter times as hours and minutes, such as 09:00 or 17:30; a period may close at 24:00."));
            }
            else if (opens >= closes)
            {
                errors.Add(key, Text.Of("A period must open before it closes; for a night shift, end it at 24:00 and go on at 00:00 the next day."));
            }
        }
        if (edit.Holidays.Count > MaxHolidays)
        {
            errors.AddForm("At most {0} holidays are possible.", MaxHolidays);
        }
        var seen = new HashSet<DateTime>();
        for (var i = 0; i < edit.Holidays.Count; i++)
        {
            var holiday = edit.Holidays[i];
            var key = $"{nameof(BusinessCalendarEdit.Holidays)}[{i}]";
            if (holiday.Date is not { } date)
            {
                errors.Add(key, Text.Of("Enter the holiday's date."));
            }
            else if (!seen.Add(date.Date))
            {
                errors.Add(key, "{0:d} is listed twice.", DateOnly.FromDateTime(date));
            }
            if ((holiday.Name ?? "").Trim().Length > MaxHolidayNameLength)
            {
                errors.Add(key, "A holiday's name may have at most {0} characters.", MaxHolidayNameLength);
            }
        }
        return errors;
    }

    /// <summary>Stores the hours; refused with the reasons, or when someone else saved them since <see cref="BusinessCalendarEdit.Version"/>.</summary>
    public async Task<FieldErrors> SaveAsync(int tenantId, BusinessCalendarEdit edit, CancellationToken ct = default)
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
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var calendar = await db.Set<BusinessCalendar>().SingleOrDefaultAsync(c => c.TenantId == tenantId, ct);
        if (calendar is null ? edit.IsStored : !edit.IsStored || calendar.Version != edit.Version)
        {
            return ChangedMeanwhile();
        }
        if (calendar is null)
        {
            calendar = new BusinessCalendar { TenantId = tenantId };
            db.Add(calendar);
        }
        else
        {
            // Marked changed even when only periods or holidays differ, so the version moves and a stale copy is refused.
            db.Entry(calendar).Property(c => c.TimeZoneId).IsModified = true;
            await db.Set<BusinessCalendarPeriod>().Where(p => p.TenantId == tenantId).ExecuteDeleteAsync(ct);
            await db.Set<BusinessCalendarHoliday>().Where(h => h.TenantId == tenantId).ExecuteDeleteAsync(ct);
        }
        calendar.TimeZoneId = edit.TimeZoneId.Trim();
        db.AddRange(edit.Periods.Select(p => new BusinessCalendarPeriod
        {
            TenantId = tenantId,
            Day = p.Day,
            OpensMinute = MinuteOf(p.Opens)!.Value,
            ClosesMinute = MinuteOf(p.Closes)!.Value,
        }));
        db.AddRange(edit.Holidays.Select(h => new BusinessCalendarHoliday
        {
            TenantId = tenantId,
            Date = DateOnly.FromDateTime(h.Date!.Value),
            Name = (h.Name ?? "").Trim(),
        }));
        // Running due times were counted in the old hours.
        await SlaRecomputeRequests.RequestAsync(db, tenantId, ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another admin saved first (a concurrent first save hits the key, a later one the version).
            return ChangedMeanwhile();
        }
        recompute.Wake();
        return FieldErrors.None;
    }

    private static FieldErrors ChangedMeanwhile() =>
        FieldErrors.OfForm(Text.Of("Someone else changed these business hours meanwhile. Reload the page to see their changes."));

    /// <summary>Adds a German state's public holidays of a year to the list, skipping dates already there; returns how many were added.</summary>
    public static int AddGermanHolidays(BusinessCalendarEdit edit, string state, int year)
    {
        var known = edit.Holidays.Where(h => h.Date is not null).Select(h => DateOnly.FromDateTime(h.Date!.Value)).ToHashSet();
        var added = GermanHolidays.For(state, year).Where(h => known.Add(h.Date)).ToList();
        edit.Holidays.AddRange(added.Select(h => new HolidayEdit { Date = h.Date.ToDateTime(TimeOnly.MinValue), Name = h.Name }));
        edit.Holidays.Sort((a, b) => Nullable.Compare(a.Date, b.Date));
        return added.Count;
    }

    private const int MinutesPerDay = 24 * 60;

    /// <summary>Minutes after midnight of an "H:mm" or "HH:mm" text, 24:00 included; null when it is no such time.</summary>
    public static int? MinuteOf(string? text)
    {
        var parts = (text ?? "").Trim().Split(':');
        if (parts.Length != 2 || parts[0].Length is < 1 or > 2 || parts[1].Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes > 59 || hours > 24 || (hours == 24 && minutes > 0))
        {
            return null;
        }
        return hours * 60 + minutes;
    }

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    private static int WeekIndex(DayOfWeek day) => ((int)day + 6) % 7;

    private static Task<BusinessCalendar?> LoadAsync(AppDbContext db, int tenantId, CancellationToken ct) =>
        db.Set<BusinessCalendar>().AsNoTracking().Include(c => c.Periods).Include(c => c.Holidays).AsSplitQuery()
            .SingleOrDefaultAsync(c => c.TenantId == tenantId, ct);
}
