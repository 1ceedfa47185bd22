namespace BlazorTickets.Features.ServiceLevels;

/// <summary>A span in which a service-level clock stands still (waiting on the customer); open-ended while it lasts.</summary>
public readonly record struct Pause(DateTime From, DateTime? Until);

/// <summary>One opening period on a weekday, in the calendar's local time; <see cref="Closes"/> may be 24:00.</summary>
public sealed record OpeningPeriod(DayOfWeek Day, TimeSpan Opens, TimeSpan Closes)
{
    public static OpeningPeriod Of(DayOfWeek day, int opensHour, int closesHour) =>
        new(day, TimeSpan.FromHours(opensHour), TimeSpan.FromHours(closesHour));
}

/// <summary>
/// When a team works: opening periods per weekday in one time zone, minus holidays. An instant is business time when
/// its local wall-clock reading falls in an opening period of its local date and that date is no holiday. Across a
/// daylight-saving switch that is counted in real time: the skipped hour never opens, the repeated hour counts twice.
/// </summary>
public sealed class BusinessHours
{
    // Far enough for any promise a help desk makes; a calendar that opens less often than this is treated as closed.
    private static readonly int MaxDaysSearched = 3 * 366;

    private readonly TimeZoneInfo zone;
    private readonly HashSet<DateOnly> holidays;
    private readonly (TimeSpan Opens, TimeSpan Closes)[][] periodsByDay;

    public BusinessHours(TimeZoneInfo zone, IEnumerable<OpeningPeriod> periods, IEnumerable<DateOnly> holidays)
    {
        var all = periods.ToList();
        if (all.FirstOrDefault(p => p.Opens < TimeSpan.Zero || p.Closes > TimeSpan.FromDays(1) || p.Opens >= p.Closes) is { } wrong)
        {
            throw new ArgumentException($"An opening period must open before it closes, within one day: {wrong}.", nameof(periods));
        }
        this.zone = zone;
        this.holidays = [.. holidays];
        periodsByDay = Enum.GetValues<DayOfWeek>()
            .OrderBy(d => (int)d)
            .Select(day => Merge(all.Where(p => p.Day == day).Select(p => (p.Opens, p.Closes))))
            .ToArray();
    }

    public TimeZoneInfo Zone => zone;

    public bool IsOpenAt(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(AsUtc(utc), zone);
        var date = DateOnly.FromDateTime(local);
        return !holidays.Contains(date) && periodsByDay[(int)local.DayOfWeek].Any(p => local.TimeOfDay >= p.Opens && local.TimeOfDay < p.Closes);
    }

    /// <summary>Business time in [from, to) outside the pauses; zero when to is not after from.</summary>
    public TimeSpan Between(DateTime fromUtc, DateTime toUtc, IEnumerable<Pause>? pauses = null)
    {
        (fromUtc, toUtc) = (AsUtc(fromUtc), AsUtc(toUtc));
        if (toUtc <= fromUtc)
        {
            return TimeSpan.Zero;
        }
        var total = TimeSpan.Zero;
        foreach (var (start, end) in RunningIntervals(fromUtc, toUtc, pauses))
        {
            total += end - start;
        }
        return total;
    }

    /// <summary>
    /// The instant at which <paramref name="amount"/> of business time outside the pauses has passed since
    /// <paramref name="startUtc"/>; null when that does not happen within three years, or not before a pause that has
    /// not ended.
    /// </summary>
    public DateTime? Add(DateTime startUtc, TimeSpan amount, IEnumerable<Pause>? pauses = null)
    {
        startUtc = AsUtc(startUtc);
        if (amount <= TimeSpan.Zero)
        {
            return startUtc;
        }
        var left = amount;
        foreach (var (start, end) in RunningIntervals(startUtc, startUtc.AddDays(MaxDaysSearched), pauses))
        {
            if (end - start >= left)
            {
                return start + left;
            }
            left -= end - start;
        }
        return null;
    }

    /// <summary>The open intervals within [fromUtc, toUtc) with the pauses cut out, in order.</summary>
    public IEnumerable<(DateTime Start, DateTime End)> RunningIntervals(DateTime fromUtc, DateTime toUtc, IEnumerable<Pause>? pauses)
    {
        var sortedPauses = (pauses ?? [])
            .Select(p => (From: AsUtc(p.From), Until: p.Until is { } until ? AsUtc(until) : DateTime.MaxValue))
            .Where(p => p.From < p.Until)
            .OrderBy(p => p.From)
            .ToList();
        var next = 0;
        foreach (var (openStart, openEnd) in OpenIntervals(fromUtc, toUtc))
        {
            var start = openStart;
            // Pauses ending before this interval cannot touch any later one either.
            while (next < sortedPauses.Count && sortedPauses[next].Until <= start)
            {
                next++;
            }
            for (var i = next; i < sortedPauses.Count && sortedPauses[i].From < openEnd && start < openEnd; i++)
            {
                if (sortedPauses[i].From > start)
                {
                    yield return (start, sortedPauses[i].From);
                }
                start = Max(start, sortedPauses[i].Until);
            }
            if (start < openEnd)
            {
                yield return (start, openEnd);
            }
        }
    }

    /// <summary>The open intervals within [fromUtc, toUtc), in order, as UTC instants.</summary>
    public IEnumerable<(DateTime Start, DateTime End)> OpenIntervals(DateTime fromUtc, DateTime toUtc)
    {
        (fromUtc, toUtc) = (AsUtc(fromUtc), AsUtc(toUtc));
        // A local date can start up to 14 hours either side of its UTC date; one extra day each way covers every zone.
        var firstDate = DateOnly.FromDateTime(fromUtc).AddDays(-1);
        var lastDate = DateOnly.FromDateTime(toUtc).AddDays(1);
        for (var date = firstDate; date <= lastDate; date = date.AddDays(1))
        {
            if (holidays.Contains(date))
            {
                continue;
            }
            var periods = periodsByDay[(int)date.DayOfWeek];
            if (periods.Length == 0)
            {
                continue;
            }
            var midnight = date.ToDateTime(TimeOnly.MinValue);
            var segments = OffsetSegments(midnight.AddHours(-15), midnight.AddHours(39));
            foreach (var (opens, closes) in periods)
            {
                // The instants whose local reading is in [opens, closes): per offset, a UTC interval cut to where that offset holds.
                foreach (var (segmentStart, segmentEnd, offset) in segments)
                {
                    var start = Max(Max(midnight + opens - offset, segmentStart), fromUtc);
                    var end = Min(Min(midnight + closes - offset, segmentEnd), toUtc);
                    if (start < end)
                    {
                        yield return (DateTime.SpecifyKind(start, DateTimeKind.Utc), DateTime.SpecifyKind(end, DateTimeKind.Utc));
                    }
                }
            }
        }
    }

    /// <summary>Spans of UTC time with one offset each, covering [fromUtc, toUtc).</summary>
    private List<(DateTime Start, DateTime End, TimeSpan Offset)> OffsetSegments(DateTime fromUtc, DateTime toUtc)
    {
        var segments = new List<(DateTime, DateTime, TimeSpan)>(2);
        var start = fromUtc;
        var offset = OffsetAt(start);
        // Zones change their offset at most a few times a year, never twice within an hour.
        for (var probe = fromUtc.AddHours(1); ; probe = probe.AddHours(1))
        {
            var atEnd = probe >= toUtc;
            if (atEnd)
            {
                probe = toUtc;
            }
            if (OffsetAt(probe) != offset)
            {
                var change = FirstInstantWithOtherOffset(probe.AddHours(-1), probe, offset);
                segments.Add((start, change, offset));
                (start, offset) = (change, OffsetAt(change));
            }
            if (atEnd)
            {
                break;
            }
        }
        segments.Add((start, toUtc, offset));
        return segments;
    }

    private DateTime FirstInstantWithOtherOffset(DateTime before, DateTime after, TimeSpan offset)
    {
        // Offsets change on whole seconds; bisect to the tick all the same.
        while (after - before > TimeSpan.FromTicks(1))
        {
            var middle = before + (after - before) / 2;
            if (OffsetAt(middle) == offset)
            {
                before = middle;
            }
            else
            {
                after = middle;
            }
        }
        return after;
    }

    private TimeSpan OffsetAt(DateTime utc) => zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    private static (TimeSpan, TimeSpan)[] Merge(IEnumerable<(TimeSpan Opens, TimeSpan Closes)> periods)
    {
        var merged = new List<(TimeSpan Opens, TimeSpan Closes)>();
        foreach (var period in periods.OrderBy(p => p.Opens))
        {
            if (merged.Count > 0 && period.Opens <= merged[^1].Closes)
            {
                merged[^1] = (merged[^1].Opens, Max(merged[^1].Closes, period.Closes));
            }
            else
            {
                merged.Add(period);
            }
        }
        return [.. merged];
    }

    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        // The app stores UTC without a kind (SQLite keeps none), so an unspecified time is UTC.
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value.ToUniversalTime(),
    };

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
