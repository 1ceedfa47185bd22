using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.ServiceLevels;

public sealed class BusinessCalendarServiceTests : IAsyncLifetime
{
    private AdminTestHost host = null!;
    private int tenantId;
    private BusinessCalendarService Calendars => host.Get<BusinessCalendarService>();

    public async Task InitializeAsync()
    {
        host = await AdminTestHost.StartAsync();
        await using var db = host.CreateDbContext();
        var tenant = new Tenant { Name = "Contoso", SenderAddress = "support@contoso.example" };
        db.Add(tenant);
        await db.SaveChangesAsync();
        tenantId = tenant.Id;
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_tenant_without_stored_hours_counts_monday_to_friday_nine_to_five_in_berlin()
    {
        var edit = await Calendars.GetAsync(tenantId);

        edit.IsStored.Should().BeFalse();
        edit.TimeZoneId.Should().Be("Europe/Berlin");
        edit.Periods.Select(p => (p.Day, p.Opens, p.Closes)).Should().Equal(
            BusinessCalendarService.WeekFromMonday.Take(5).Select(d => (d, "09:00", "17:00")));
        var hours = await Calendars.HoursForAsync(tenantId);
        // Tuesday 1 Dec 2026, 09:00 Berlin is 08:00 UTC.
        hours.Add(new DateTime(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc), TimeSpan.FromHours(8)).Should().Be(new DateTime(2026, 12, 1, 16, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public async Task Saved_hours_come_back_as_stored_and_the_due_times_follow_them()
    {
        var edit = BusinessCalendarService.Default();
        edit.TimeZoneId = "America/New_York";
        edit.Periods = [new() { Day = DayOfWeek.Saturday, Opens = "8:00", Closes = "24:00" }, new() { Day = DayOfWeek.Monday, Opens = "10:30", Closes = "12:00" }];
        edit.Holidays = [new() { Date = new DateTime(2026, 12, 26), Name = " Boxing Day " }];

        (await Calendars.SaveAsync(tenantId, edit)).Should().BeEmpty();

        var stored = await Calendars.GetAsync(tenantId);
        stored.IsStored.Should().BeTrue();
        stored.Version.Should().Be(0);
        stored.TimeZoneId.Should().Be("America/New_York");
        stored.Periods.Select(p => (p.Day, p.Opens, p.Closes)).Should().Equal((DayOfWeek.Monday, "10:30", "12:00"), (DayOfWeek.Saturday, "08:00", "24:00"));
        stored.Holidays.Should().ContainSingle().Which.Should().BeEquivalentTo(new HolidayEdit { Date = new DateTime(2026, 12, 26), Name = "Boxing Day" });

        var hours = await Calendars.HoursForAsync(tenantId);
        // Saturday 26 Dec is a holiday: from Friday noon UTC the next open time is Monday 28 Dec 10:30 New York (15:30 UTC).
        hours.Add(new DateTime(2026, 12, 25, 12, 0, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(30)).Should().Be(new DateTime(2026, 12, 28, 16, 0, 0, DateTimeKind.Utc));

        stored.Periods.RemoveAt(1);
        (await Calendars.SaveAsync(tenantId, stored)).Should().BeEmpty();
        var again = await Calendars.GetAsync(tenantId);
        again.Version.Should().Be(1, "changing only the periods still moves the version");
        again.Periods.Should().ContainSingle();
    }

    [Fact]
    public async Task Bad_input_is_reported_per_row_and_nothing_is_written()
    {
        var edit = BusinessCalendarService.Default();
        edit.TimeZoneId = "Mars/Olympus_Mons";
        edit.Periods =
        [
            new() { Opens = "09:00", Closes = "17:00" },
            new() { Opens = "25:00", Closes = "26:00" },
            new() { Opens = "17:00", Closes = "09:00" },
            new() { Opens = "9", Closes = "24:01" },
        ];
        edit.Holidays =
        [
            new() { Date = new DateTime(2026, 12, 24), Name = "Heiligabend" },
            new() { Date = null, Name = "No date" },
            new() { Date = new DateTime(2026, 12, 24), Name = new string('x', 101) },
        ];

        var errors = await Calendars.SaveAsync(tenantId, edit);

        errors.Keys.Should().BeEquivalentTo("TimeZoneId", "Periods[1]", "Periods[2]", "Periods[3]", "Holidays[1]", "Holidays[2]");
        errors.English("Periods[2]").Should().Contain("open before it closes");
        errors.For("Holidays[2]").Select(m => m.ToString()).Should().HaveCount(2).And.Contain(m => m.Contains("listed twice"));
        await using var db = host.CreateDbContext();
        (await db.Set<BusinessCalendar>().CountAsync()).Should().Be(0);
        (await db.Set<BusinessCalendarHoliday>().CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_stale_copy_is_refused_and_the_first_save_is_kept()
    {
        var first = await Calendars.GetAsync(tenantId);
        var second = await Calendars.GetAsync(tenantId);
        first.TimeZoneId = "Europe/Vienna";
        second.TimeZoneId = "Europe/Zurich";

        (await Calendars.SaveAsync(tenantId, first)).Should().BeEmpty();
        var refused = await Calendars.SaveAsync(tenantId, second);

        refused.English(FieldErrors.Form).Should().Contain("changed these business hours meanwhile");
        (await Calendars.GetAsync(tenantId)).TimeZoneId.Should().Be("Europe/Vienna");

        var current = await Calendars.GetAsync(tenantId);
        var stale = await Calendars.GetAsync(tenantId);
        current.Holidays.Add(new HolidayEdit { Date = new DateTime(2027, 1, 1), Name = "Neujahr" });
        (await Calendars.SaveAsync(tenantId, current)).Should().BeEmpty();
        (await Calendars.SaveAsync(tenantId, stale)).Should().NotBeEmpty("the version moved with the first save");
        (await Calendars.GetAsync(tenantId)).Holidays.Should().ContainSingle();
    }

    [Fact]
    public async Task A_tenant_that_does_not_exist_is_refused()
    {
        var errors = await Calendars.SaveAsync(tenantId + 1000, BusinessCalendarService.Default());

        errors.English(FieldErrors.Form).Should().Be("This tenant no longer exists.");
    }

    [Fact]
    public void German_public_holidays_join_the_list_once_and_in_date_order()
    {
        var edit = BusinessCalendarService.Default();
        edit.Holidays = [new() { Date = new DateTime(2026, 12, 24), Name = "Heiligabend" }, new() { Date = new DateTime(2026, 12, 25), Name = "Christmas" }];

        BusinessCalendarService.AddGermanHolidays(edit, "BY", 2026).Should().Be(11, "Bavaria has 12 and Christmas Day was already listed");
        BusinessCalendarService.AddGermanHolidays(edit, "BY", 2026).Should().Be(0);

        edit.Holidays.Should().HaveCount(13).And.BeInAscendingOrder(h => h.Date);
        edit.Holidays.Single(h => h.Date == new DateTime(2026, 12, 25)).Name.Should().Be("Christmas", "a name the admin gave stays");
        BusinessCalendarService.Validate(edit).Should().BeEmpty();
    }

    [Theory]
    [InlineData("00:00", 0)]
    [InlineData("9:05", 545)]
    [InlineData(" 17:30 ", 1050)]
    [InlineData("24:00", 1440)]
    [InlineData("24:30", null)]
    [InlineData("12:60", null)]
    [InlineData("1230", null)]
    [InlineData("-1:00", null)]
    [InlineData("", null)]
    public void Times_are_read_as_hours_and_minutes(string text, int? minute) =>
        BusinessCalendarService.MinuteOf(text).Should().Be(minute);
}
