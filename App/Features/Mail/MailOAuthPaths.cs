namespace BlazorTickets.Features.Mail;

/// <summary>Where the browser goes to connect a mailbox with its OAuth2 provider, and where the provider sends it back.</summary>
public static class MailOAuthPaths
{
    public const string Connect = "/mail/oauth/connect";
    public const string Callback = "/mail/oauth/callback";
}
