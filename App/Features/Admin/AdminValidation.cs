using System.Globalization;
using System.Net.Mail;

namespace BlazorTickets.Features.Admin;

/// <summary>Checks the admin services share.</summary>
public static class AdminValidation
{
    /// <summary>A bare address such as <c>support@contoso.example</c>: no display name, no spaces, a dot in the domain.</summary>
    public static bool IsEmailAddress(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace) || text.Length > 320)
        {
            return false;
        }
        return MailAddress.TryCreate(text, out var address)
            && address.Address == text
            && string.IsNullOrEmpty(address.DisplayName)
            && address.Host.Contains('.')
            && !address.Host.StartsWith('.')
            && !address.Host.EndsWith('.');
    }

    public static bool HasAtMostTwoDecimals(decimal value) => decimal.Round(value, 2) == value;

    public static string Trimmed(string? text) => (text ?? "").Trim();

    public static string Lower(string text) => text.ToLower(CultureInfo.InvariantCulture);
}
