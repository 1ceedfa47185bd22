namespace BlazorTickets.Features.TimeTracking;

public static class TimeFormat
{
    /// <summary>A running timer: whole seconds, hours not capped at 24, e.g. 1:05:09.</summary>
    public static string Elapsed(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }
        var seconds = (long)Math.Floor(elapsed.TotalSeconds);
        return $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}";
    }

    /// <summary>Recorded minutes as hours and minutes, e.g. 1:30.</summary>
    public static string Minutes(int minutes) => $"{minutes / 60}:{Math.Abs(minutes % 60):00}";
}
