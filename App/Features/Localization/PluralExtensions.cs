using Microsoft.Extensions.Localization;

namespace BlazorTickets.Features.Localization;

public static class PluralExtensions
{
    /// <summary>
    /// "1 ticket" but "2 tickets": picks the singular or the plural key by <paramref name="count"/> and formats it with
    /// <paramref name="arguments"/> (which include the count where the text shows it). Both keys need a German entry.
    /// </summary>
    public static string Plural(this IStringLocalizer localizer, int count, string singular, string plural, params object?[] arguments) =>
        string.Format(System.Globalization.CultureInfo.CurrentCulture, localizer[count == 1 ? singular : plural].Value, arguments);
}
