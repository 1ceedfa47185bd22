namespace BlazorTickets.Features.Api.Resources;

internal static class ApiEnums
{
    /// <summary>An enum member by its name, any case; numbers are refused so that a client cannot send an undefined value.</summary>
    public static bool TryParse<T>(string text, out T value) where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text.TrimStart('-')[0]);
}

internal static class ApiTime
{
    /// <summary>SQLite returns times without their kind; the app stores UTC, so they go out with a Z.</summary>
    public static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    public static DateTime? Utc(DateTime? value) => value is DateTime v ? Utc(v) : null;

    /// <summary>The information panel's processing times are the desk's wall clock, without a zone.</summary>
    public static DateTime? WallClock(DateTime? value) => value is DateTime v ? DateTime.SpecifyKind(v, DateTimeKind.Unspecified) : null;
}
