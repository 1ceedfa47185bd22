namespace BlazorTickets.Features.TimeTracking;

/// <summary>The tenant's rule for timer entries (<see cref="Tenants.Tenant.TimeRoundingMinutes"/>).</summary>
public static class TimeRounding
{
    /// <summary>The rules an admin can choose: none, 1, 5, 6, 10 or 15 minutes.</summary>
    public static readonly IReadOnlyList<int> Rules = [0, 1, 5, 6, 10, 15];

    /// <summary>
    /// Minutes to record for a timer that ran <paramref name="elapsed"/>. Whole seconds count (what the timer showed).
    /// A rule of N rounds up to the next multiple of N minutes, at least N. Rule 0 ("none") keeps the exact time to
    /// the nearest minute, the smallest unit an entry holds, and at least one minute.
    /// </summary>
    public static int RoundUp(TimeSpan elapsed, int ruleMinutes)
    {
        var seconds = Math.Max(0L, (long)Math.Floor(elapsed.TotalSeconds));
        if (ruleMinutes <= 0)
        {
            return (int)Math.Max(1, (seconds + 30) / 60);
        }
        var unit = ruleMinutes * 60L;
        var units = Math.Max(1, (seconds + unit - 1) / unit);
        return (int)(units * ruleMinutes);
    }
}
