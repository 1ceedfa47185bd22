namespace BlazorTickets.Tests.Infrastructure;

public sealed partial class DovecotServer
{
    /// <summary>
    /// Starts a server with the given password users, as <see cref="StartAsync(string[])"/>. With <paramref name="oauth"/>
    /// IMAP (and submission) also take XOAUTH2 and OAUTHBEARER: Dovecot asks that server's introspection endpoint about
    /// every token (no auth cache, so an expired or revoked token is refused at the next login) and accepts it for the
    /// user named in its <c>sub</c>; password logins keep working beside it. With <paramref name="submissionRelay"/>
    /// Dovecot's submission service listens on <see cref="SubmissionPort"/> and relays what it accepts to that server.
    /// </summary>
    public static Task<DovecotServer> StartAsync(
        IReadOnlyList<string> users, OAuthAuthorizationServer? oauth = null, TestSmtpServer? submissionRelay = null) =>
        StartCoreAsync(
            users,
            oauth is null
                ? null
                : new OAuthIntrospection(oauth.IntrospectionEndpoint, OAuthAuthorizationServer.IntrospectionClientId, OAuthAuthorizationServer.IntrospectionClientSecret),
            submissionRelay is null ? null : new SmtpRelay(submissionRelay.Host, submissionRelay.Port));
}
