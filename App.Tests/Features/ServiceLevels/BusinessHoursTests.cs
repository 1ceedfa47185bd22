using BlazorTickets.Features.ServiceLevels;
using FluentAssertions;

namespace BlazorTickets.Tests.Features.ServiceLevels;

public class BusinessHoursTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static readonly OpeningPeriod[] WeekdaysNineToFive =
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(d => OpeningPeriod.Of(d, 9, 17))];

    private static DateTime Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void A_ticket_arriving_on_friday_evening_is_due_on_monday_after_the_weekend()
    {
        var hours = new BusinessHours(Berlin, WeekdaysNineToFive, []);
        // Friday 27 Nov 2026, 16:00 local (15:00 UTC): one hour left on Friday, three more on Monday from 09:00 local.
        var due = hours.Add(Utc(2026, 11, 27, 15), TimeSpan.FromHours(4));

        due.Should().Be(Utc(2026, 11, 30, 11));
        hours.Between(Utc(2026, 11, 27, 15), due!.Value).Should().Be(TimeSpan.FromHours(4));
    }

    [Fact]
    public void A_holiday_is_skipped_like_a_weekend()
    {
        var hours = new BusinessHours(Berlin, WeekdaysNineToFive, [new DateOnly(2026, 12, 24), new DateOnly(2026, 12, 25)]);
        // Wednesday 23 Dec 16:00 local: one hour, then Thursday and Friday are holidays, then Monday 28th.
        hours.Add(Utc(2026, 12, 23, 15), TimeSpan.FromHours(2)).Should().Be(Utc(2026, 12, 28, 9));
    }

    [Fact]
    public void A_night_shift_runs_across_midnight_without_a_gap()
    {
        var hours = new BusinessHours(Berlin, [OpeningPeriod.Of(DayOfWeek.Friday, 22, 24), OpeningPeriod.Of(DayOfWeek.Saturday, 0, 6)], []);
        var start = Utc(2026, 11, 27, 21); // Friday 22:00 local
        hours.OpenIntervals(start, start.AddDays(1)).Should().Equal((Utc(2026, 11, 27, 21), Utc(2026, 11, 27, 23)), (Utc(2026, 11, 27, 23), Utc(2026, 11, 28, 5)));
        hours.Add(start, TimeSpan.FromHours(8)).Should().Be(Utc(2026, 11, 28, 5));
    }

    [Fact]
    public void The_hour_skipped_in_spring_never_opens_and_the_hour_repeated_in_autumn_counts_twice()
    {
        var hours = new BusinessHours(Berlin, [OpeningPeriod.Of(DayOfWeek.Sunday, 1, 4)], []);
        // 29 March 2026: 02:00 becomes 03:00, so 01:00–04:00 local lasts two hours.
        hours.Between(Utc(2026, 3, 28, 0), Utc(2026, 3, 30, 0)).Should().Be(TimeSpan.FromHours(2));
        // 25 October 2026: 03:00 becomes 02:00 again, so it lasts four.
        hours.Between(Utc(2026, 10, 24, 0), Utc(2026, 10, 26, 0)).Should().Be(TimeSpan.FromHours(4));
        // Open from 01:00 summer time (23:00 UTC) without a break until 04:00 winter time (03:00 UTC).
        hours.Add(Utc(2026, 10, 24, 23), TimeSpan.FromHours(3.5)).Should().Be(Utc(2026, 10, 25, 2, 30));
    }

    [Fact]
    public void The_clock_stands_still_during_a_pause_and_a_pause_still_lasting_means_no_due_time()
    {
        var hours = new BusinessHours(Berlin, WeekdaysNineToFive, []);
        var monday9 = Utc(2026, 11, 30, 8);
        Pause[] waitedTwoHours = [new(monday9.AddHours(1), monday9.AddHours(3))];

        hours.Add(monday9, TimeSpan.FromHours(4), waitedTwoHours).Should().Be(monday9.AddHours(6));
        hours.Between(monday9, monday9.AddHours(8), waitedTwoHours).Should().Be(TimeSpan.FromHours(6));
        hours.Add(monday9, TimeSpan.FromHours(4), [new Pause(monday9.AddHours(1), null)]).Should().BeNull();
        hours.Add(monday9, TimeSpan.FromHours(1), [new Pause(monday9.AddHours(1), null)]).Should().Be(monday9.AddHours(1));
    }

    [Fact]
    public void A_calendar_that_never_opens_gives_no_due_time_and_a_bad_period_is_refused()
    {
        new BusinessHours(Berlin, [], []).Add(Utc(2026, 1, 1, 0), TimeSpan.FromMinutes(1)).Should().BeNull();

        var act = () => new BusinessHours(Berlin, [OpeningPeriod.Of(DayOfWeek.Monday, 17, 9)], []);
        act.Should().Throw<ArgumentException>().WithMessage("*open before it closes*");
    }

    // Zones with summer time north and south, half-hour and 45-minute offsets, a 30-minute switch and none at all.
    public static TheoryData<string> Zones => new()
    {
        "Europe/Berlin", "America/New_York", "America/Sao_Paulo", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata", "UTC",
    };

    [Theory]
    [MemberData(nameof(Zones))]
    public void Business_time_and_due_times_agree_with_counting_minute_by_minute(string zoneId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var random = new Random(zoneId.GetHashCode(StringComparison.Ordinal) ^ 20261203);
        for (var round = 0; round < 25; round++)
        {
            var periods = RandomPeriods(random);
            var start = RandomInstantNearASwitch(random, zone);
            var holidays = Enumerable.Range(0, random.Next(3)).Select(_ => DateOnly.FromDateTime(start).AddDays(random.Next(-1, 6))).ToList();
            var pauses = Enumerable.Range(0, random.Next(3))
                .Select(_ => start.AddMinutes(random.Next(-600, 6000)))
                .Select(from => new Pause(from, random.Next(5) == 0 ? null : from.AddMinutes(random.Next(1, 1500))))
                .ToList();
            var end = start.AddMinutes(random.Next(0, 8 * 24 * 60));
            var hours = new BusinessHours(zone, periods, holidays);
            var reference = new MinuteByMinute(zone, periods, holidays, pauses);
            var because = $"round {round}: {start:u} → {end:u}, periods {string.Join("; ", periods)}, holidays {string.Join(", ", holidays)}, pauses {string.Join(", ", pauses)}";

            hours.Between(start, end, pauses).Should().Be(TimeSpan.FromMinutes(reference.CountOpenMinutes(start, end)), because);
            hours.Between(start, end).Should().Be(TimeSpan.FromMinutes(new MinuteByMinute(zone, periods, holidays, []).CountOpenMinutes(start, end)), because);

            var amount = random.Next(1, 3 * 24 * 60);
            var horizon = TimeSpan.FromDays(21);
            var due = hours.Add(start, TimeSpan.FromMinutes(amount), pauses);
            if (reference.DueAfter(start, amount, horizon) is { } expected)
            {
                due.Should().Be(expected, because + $", amount {amount} min");
            }
            else
            {
                // A sparse calendar: the reference stops counting at its horizon, so the due time must lie beyond it.
                (due is null || due >= start + horizon).Should().BeTrue(because + $", amount {amount} min, found {due:u}");
            }

            var probe = start.AddMinutes(random.Next(0, 3 * 24 * 60));
            hours.IsOpenAt(probe).Should().Be(new MinuteByMinute(zone, periods, holidays, []).IsOpen(probe), because + $", probe {probe:u}");
        }
    }

    private static List<OpeningPeriod> RandomPeriods(Random random)
    {
        var periods = new List<OpeningPeriod>();
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            for (var i = random.Next(0, 3); i > 0; i--)
            {
                // Whole quarters, from 00:00 to 24:00, so the switch hours (00:00–03:00 local in most zones) are covered.
                var opens = random.Next(0, 96);
                var closes = random.Next(opens + 1, 97);
                periods.Add(new OpeningPeriod(day, TimeSpan.FromMinutes(15 * opens), TimeSpan.FromMinutes(15 * closes)));
            }
        }
        return periods;
    }

    private static DateTime RandomInstantNearASwitch(Random random, TimeZoneInfo zone)
    {
        var year = random.Next(2025, 2028);
        // Some days before a switch in March/April or September/October/November, at a whole minute; others anywhere.
        var month = random.Next(3) switch { 0 => random.Next(3, 5), 1 => random.Next(9, 12), _ => random.Next(1, 13) };
        return new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(0, 28 * 24 * 60));
    }

    /// <summary>The definition, spelled out: a minute is open when its local reading is in a period of its local date.</summary>
    private sealed class MinuteByMinute(TimeZoneInfo zone, IReadOnlyList<OpeningPeriod> periods, IReadOnlyList<DateOnly> holidays, IReadOnlyList<Pause> pauses)
    {
        public bool IsOpen(DateTime utc)
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
            return !holidays.Contains(DateOnly.FromDateTime(local))
                   && periods.Any(p => p.Day == local.DayOfWeek && local.TimeOfDay >= p.Opens && local.TimeOfDay < p.Closes);
        }

        private bool IsRunning(DateTime utc) => IsOpen(utc) && !pauses.Any(p => utc >= p.From && (p.Until is null || utc < p.Until));

        public int CountOpenMinutes(DateTime from, DateTime to)
        {
            var count = 0;
            for (var minute = from; minute < to; minute = minute.AddMinutes(1))
            {
                count += IsRunning(minute) ? 1 : 0;
            }
            return count;
        }

        public DateTime? DueAfter(DateTime start, int minutes, TimeSpan horizon)
        {
            var counted = 0;
            for (var minute = start; minute < start + horizon; minute = minute.AddMinutes(1))
            {
                if (IsRunning(minute) && ++counted == minutes)
                {
                    return minute.AddMinutes(1);
                }
            }
            return null;
        }
    }
}
