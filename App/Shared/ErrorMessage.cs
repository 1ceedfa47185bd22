using System.Globalization;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Shared;

/// <summary>
/// A message for the user that stays translatable until a page shows it: the English format is the key in
/// SharedResource.de.resx, the arguments are filled in by the localizer of the reader's culture.
/// </summary>
public sealed record ErrorMessage(string Format, params object[] Arguments)
{
    /// <summary>The message in the culture of <paramref name="localizer"/>.</summary>
    public string Localize(IStringLocalizer localizer) =>
        Arguments.Length == 0 ? localizer[Format].Value : localizer[Format, Arguments].Value;

    /// <summary>The English text, for logs and tests.</summary>
    public override string ToString() =>
        Arguments.Length == 0 ? Format : string.Format(CultureInfo.InvariantCulture, Format, Arguments);

    // Records compare arrays by reference; two messages with the same format and values are the same message.
    public bool Equals(ErrorMessage? other) =>
        other is not null && Format == other.Format && Arguments.SequenceEqual(other.Arguments);

    public override int GetHashCode() => HashCode.Combine(Format, Arguments.Length);
}
