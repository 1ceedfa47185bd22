using System.Globalization;

namespace BlazorTickets.Features.Localization;

/// <summary>
/// Marks an English message a service hands to the UI. The message stays English (logs, stored run results, tests);
/// pages show it through IStringLocalizer&lt;SharedResource&gt;, which finds the German for the plain text and, for a
/// message with values, for the format it was made from (<see cref="SharedLocalizer"/>). The translation test finds every
/// message marked with Text.Of and requires its German entry.
/// </summary>
public static class Text
{
    public static string Of(string english) => english;

    public static string Of(string englishFormat, params object?[] arguments) =>
        string.Format(CultureInfo.InvariantCulture, englishFormat, arguments);
}
