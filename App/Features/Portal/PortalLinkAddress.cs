namespace BlazorTickets.Features.Portal;

/// <summary>
/// The site address that mailed portal links point to. It comes from configuration (<c>BlazorTickets:PublicAddress</c>),
/// never from an anonymous request: a forged Host header on "forgot password" would otherwise mail a victim a reset
/// link to the attacker's site, token included.
/// </summary>
public sealed class PortalLinkAddress(IConfiguration configuration)
{
    public const string ConfigurationKey = "BlazorTickets:PublicAddress";

    public Uri? Configured =>
        Uri.TryCreate(configuration[ConfigurationKey], UriKind.Absolute, out var address) && address.Scheme is "http" or "https" ? address : null;

    /// <summary>For links a signed-in member of staff creates: the configured address, else the one they are using.</summary>
    public Uri ForStaff(string requestBaseUri) => Configured ?? new Uri(requestBaseUri);

    /// <summary>For a request anyone can make: only the configured address; without one, nothing is mailed.</summary>
    public Uri? ForAnonymousRequest() => Configured;
}
