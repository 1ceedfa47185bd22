namespace BlazorTickets.Features.Mail;

/// <summary>
/// The installation's OAuth2 apps for mailbox sign-in (section <c>BlazorTickets:Mail:OAuth</c>). Microsoft 365 and Google
/// take their client from here; "Other OAuth2 provider" keeps its endpoints and client in the mailbox.
/// </summary>
public sealed class MailOAuthOptions
{
    public const string Section = "BlazorTickets:Mail:OAuth";

    /// <summary>An access token with less time left than this is renewed before use.</summary>
    public TimeSpan RenewalMargin { get; set; } = TimeSpan.FromMinutes(2);

    public MicrosoftOAuthOptions Microsoft365 { get; set; } = new();
    public GoogleOAuthOptions Google { get; set; } = new();
}

public sealed class MicrosoftOAuthOptions
{
    public const string DefaultScopes = "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access";

    public string Authority { get; set; } = "https://login.microsoftonline.com";
    /// <summary>"organizations" lets any work or school account sign in; a tenant id or domain only that tenant's.</summary>
    public string TenantId { get; set; } = "organizations";
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
}

public sealed class GoogleOAuthOptions
{
    public const string AuthorizationEndpoint = "https://accounts.google.com/o/oauth2/v2/auth";
    public const string TokenEndpoint = "https://oauth2.googleapis.com/token";
    public const string Scopes = "https://mail.google.com/";

    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
}

/// <summary>Where a mailbox signs in and with which client: resolved from the installation's settings or the mailbox.</summary>
public sealed record MailOAuthClient(
    string AuthorizationEndpoint, string TokenEndpoint, string ClientId, string? ClientSecret, string Scopes,
    IReadOnlyDictionary<string, string> ExtraAuthorizationParameters)
{
    /// <summary>Null when the installation has no client for the mailbox's provider (or the mailbox lacks its own).</summary>
    public static MailOAuthClient? Of(Mailbox mailbox, MailOAuthOptions options, Func<string, string> unprotect)
    {
        switch (mailbox.OAuthProvider)
        {
            case OAuthProviderKind.Microsoft365 when !string.IsNullOrWhiteSpace(options.Microsoft365.ClientId):
                var ms = options.Microsoft365;
                var baseUri = $"{ms.Authority.TrimEnd('/')}/{Uri.EscapeDataString(ms.TenantId)}/oauth2/v2.0";
                return new MailOAuthClient($"{baseUri}/authorize", $"{baseUri}/token", ms.ClientId!.Trim(), Blank(ms.ClientSecret),
                    MicrosoftOAuthOptions.DefaultScopes, new Dictionary<string, string>());
            case OAuthProviderKind.Google when !string.IsNullOrWhiteSpace(options.Google.ClientId):
                return new MailOAuthClient(GoogleOAuthOptions.AuthorizationEndpoint, GoogleOAuthOptions.TokenEndpoint, options.Google.ClientId!.Trim(),
                    Blank(options.Google.ClientSecret), GoogleOAuthOptions.Scopes,
                    // Without them Google hands out a refresh token only at the first consent.
                    new Dictionary<string, string> { ["access_type"] = "offline", ["prompt"] = "consent" });
            case OAuthProviderKind.Other when mailbox.OAuthAuthorizationEndpoint is not null && mailbox.OAuthTokenEndpoint is not null
                                              && mailbox.OAuthClientId is not null && mailbox.OAuthScopes is not null:
                return new MailOAuthClient(mailbox.OAuthAuthorizationEndpoint, mailbox.OAuthTokenEndpoint, mailbox.OAuthClientId,
                    mailbox.OAuthProtectedClientSecret is null ? null : unprotect(mailbox.OAuthProtectedClientSecret), mailbox.OAuthScopes,
                    new Dictionary<string, string>());
            default:
                return null;
        }
    }

    /// <summary>Whether the installation has a client id for Microsoft 365 or Google; "Other" brings its own.</summary>
    public static bool IsAvailable(OAuthProviderKind provider, MailOAuthOptions options) => provider switch
    {
        OAuthProviderKind.Microsoft365 => !string.IsNullOrWhiteSpace(options.Microsoft365.ClientId),
        OAuthProviderKind.Google => !string.IsNullOrWhiteSpace(options.Google.ClientId),
        _ => true,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
