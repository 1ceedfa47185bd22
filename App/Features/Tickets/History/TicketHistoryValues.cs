using System.Globalization;

namespace BlazorTickets.Features.Tickets.History;

/// <summary>How values are kept in the history: invariant text that reads back unambiguously.</summary>
public static class TicketHistoryValues
{
    public static string? Format(object? value) => value switch
    {
        null => null,
        DateTime dateTime => dateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal number => number.ToString("0.##", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
