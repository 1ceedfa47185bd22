using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace BlazorTickets.Features.Mail.Display;

/// <summary>
/// URLs of inline mail images that carry their own short-lived permission. The sandboxed iframe that shows a mail has
/// an opaque origin, so the browser treats its image requests as cross-site and sends no SameSite=Lax sign-in cookie;
/// without this permission every <c>cid:</c> image would be refused. The permission covers one attachment and expires.
/// </summary>
/// <remarks>
/// Expiry follows the system clock, as Data Protection checks it itself; the app's TimeProvider is not involved.
/// </remarks>
public sealed class InlineImageLinks(IDataProtectionProvider dataProtection)
{
    public const string AccessParameter = "access";

    /// <summary>Long enough for a ticket left open for a working day; the page mints new links on every visit.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly ITimeLimitedDataProtector protector =
        dataProtection.CreateProtector("BlazorTickets.Mail.InlineImage").ToTimeLimitedDataProtector();

    public static string PathOf(int attachmentId) => $"/attachments/{attachmentId.ToString(CultureInfo.InvariantCulture)}/inline";

    /// <summary>The inline URL of the attachment with a permission that works without the sign-in cookie.</summary>
    public string UrlFor(int attachmentId)
    {
        var access = protector.Protect(attachmentId.ToString(CultureInfo.InvariantCulture), Lifetime);
        return $"{PathOf(attachmentId)}?{AccessParameter}={Uri.EscapeDataString(access)}";
    }

    /// <summary>True when <paramref name="access"/> was minted by <see cref="UrlFor"/> for this attachment and has not expired.</summary>
    public bool Grants(string? access, int attachmentId)
    {
        if (string.IsNullOrEmpty(access))
        {
            return false;
        }
        try
        {
            return protector.Unprotect(access) == attachmentId.ToString(CultureInfo.InvariantCulture);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
