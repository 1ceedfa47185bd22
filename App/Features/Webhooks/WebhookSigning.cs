using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace BlazorTickets.Features.Webhooks;

/// <summary>
/// Secrets and signatures. The signature header is <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>,
/// keyed with the UTF-8 bytes of the whole secret, as Stripe does: the timestamp lets receivers refuse replays.
/// </summary>
public sealed class WebhookSigning(IDataProtectionProvider dataProtection)
{
    public const string SignatureHeader = "BlazorTickets-Signature";
    public const string EventHeader = "BlazorTickets-Event";
    public const string DeliveryHeader = "BlazorTickets-Delivery";

    private readonly IDataProtector protector = dataProtection.CreateProtector("BlazorTickets.Webhooks.Secret");

    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public string Protect(string secret) => protector.Protect(secret);

    public string Unprotect(string protectedSecret) => protector.Unprotect(protectedSecret);

    public static string Signature(string secret, long unixSeconds, string body)
    {
        var signed = unixSeconds.ToString(CultureInfo.InvariantCulture) + "." + body;
        var hmac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed));
        return $"t={unixSeconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(hmac)}";
    }
}
