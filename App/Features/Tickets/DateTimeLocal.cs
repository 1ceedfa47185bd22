using System.Globalization;

namespace BlazorTickets.Features.Tickets;

/// <summary>The value format of an HTML <c>datetime-local</c> input, which is ISO 8601 in every browser language.</summary>
public static class DateTimeLocal
{
    private static readonly string[] Formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF"];

    public static string? Format(DateTime? value) =>
        value?.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    /// <summary>Empty text is a valid "no value"; anything else must be a complete date and time.</summary>
    public static bool TryParse(string? text, out DateTime? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (DateTime.TryParseExact(text.Trim(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            value = parsed;
            return true;
        }
        return false;
    }
}
