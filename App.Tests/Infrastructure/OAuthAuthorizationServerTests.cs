using System.Net;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// <see cref="OAuthAuthorizationServer"/> with a real Dovecot that checks its tokens: IMAP and SMTP submission with
/// XOAUTH2/OAUTHBEARER, expiry, refresh-token rotation, revocation and password logins beside it.
/// </summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class OAuthAuthorizationServerTests : IAsyncLifetime
{
    private const string Alice = "alice";
    private const string Bob = "bob";
    private const string ClientId = "blazortickets";
    private const string ClientSecret = "blazortickets-secret";
    // Never contacted: the helpers read the code from the redirect's Location header.
    private const string RedirectUri = "http://127.0.0.1:9/oauth/callback";
    private static readonly string[] Scopes = ["imap", "smtp", "offline_access"];

    private OAuthAuthorizationServer oauth = null!;
    private TestSmtpServer smtp = null!;
    private DovecotServer dovecot = null!;

    public async Task InitializeAsync()
    {
        oauth = await OAuthAuthorizationServer.StartAsync();
        await oauth.RegisterClientAsync(ClientId, ClientSecret, RedirectUri, Scopes);
        smtp = await TestSmtpServer.StartAsync();
        dovecot = await DovecotServer.StartAsync([Alice, Bob], oauth, submissionRelay: smtp);
    }

    public async Task DisposeAsync()
    {
        await dovecot.DisposeAsync();
        await smtp.DisposeAsync();
        await oauth.DisposeAsync();
    }

    private Task<OAuthTokens> AuthorizeAsync(string user) =>
        oauth.AuthorizeWithoutBrowserAsync(ClientId, ClientSecret, RedirectUri, user, Scopes);

    private Task<OAuthTokens> RefreshAsync(string refreshToken) => oauth.RefreshAsync(ClientId, ClientSecret, refreshToken);

    private static async Task<ImapClient> ImapAsync(DovecotServer server, SaslMechanism mechanism)
    {
        var client = new ImapClient();
        try
        {
            await client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
            await client.AuthenticateAsync(mechanism);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static Func<Task> ImapLogin(DovecotServer server, string user, string accessToken) =>
        async () =>
        {
            using var client = await server.ConnectWithTokenAsync(user, accessToken);
        };

    private static MimeMessage Mail(string from, string subject)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = $"Body of {subject}" } };
        message.From.Add(MailboxAddress.Parse($"{from}@contoso.example"));
        message.To.Add(MailboxAddress.Parse("customer@fabrikam.example"));
        return message;
    }

    [Fact]
    public async Task An_access_token_opens_the_inbox_over_xoauth2_and_oauthbearer_and_garbage_or_another_users_token_is_refused()
    {
        var tokens = await AuthorizeAsync(Alice);
        await dovecot.AppendAsync(Alice, Mail("customer", "Waiting in the inbox"));

        using var xoauth2 = await ImapAsync(dovecot, new SaslMechanismOAuth2(Alice, tokens.AccessToken));
        await xoauth2.Inbox.OpenAsync(FolderAccess.ReadOnly);
        using var oauthBearer = await ImapAsync(dovecot, new SaslMechanismOAuthBearer(Alice, tokens.AccessToken));

        xoauth2.Inbox.Count.Should().Be(1);
        oauthBearer.IsAuthenticated.Should().BeTrue();
        tokens.RefreshToken.Should().NotBeNullOrEmpty("offline_access was granted");
        tokens.Scope.Split(' ').Should().BeEquivalentTo(Scopes);
        await ImapLogin(dovecot, Alice, "garbage-token").Should().ThrowAsync<AuthenticationException>();
        await ImapLogin(dovecot, Bob, tokens.AccessToken).Should().ThrowAsync<AuthenticationException>(
            "the token names alice as its subject, so it is no key to bob's mailbox");
    }

    [Fact]
    public async Task Introspection_tells_dovecot_the_user_and_that_the_token_is_active()
    {
        var tokens = await AuthorizeAsync(Alice);

        var answer = await oauth.IntrospectAsync(tokens.AccessToken);
        var garbage = await oauth.IntrospectAsync("garbage-token");

        answer.GetProperty("active").GetBoolean().Should().BeTrue();
        answer.GetProperty("sub").GetString().Should().Be(Alice);
        answer.GetProperty("client_id").GetString().Should().Be(ClientId);
        answer.GetProperty("aud").ToString().Should().Contain(OAuthAuthorizationServer.IntrospectionClientId);
        garbage.GetProperty("active").GetBoolean().Should().BeFalse();
        tokens.AccessToken.Length.Should().BeLessThan(100, "access tokens are opaque reference tokens");
    }

    [Fact]
    public async Task An_expired_access_token_is_refused_and_a_refreshed_one_works()
    {
        await using var shortLived = await OAuthAuthorizationServer.StartAsync(accessTokenLifetime: TimeSpan.FromSeconds(6));
        await shortLived.RegisterClientAsync(ClientId, ClientSecret, RedirectUri, Scopes);
        await using var server = await DovecotServer.StartAsync([Alice], shortLived);
        var tokens = await shortLived.AuthorizeWithoutBrowserAsync(ClientId, ClientSecret, RedirectUri, Alice, Scopes);
        await ImapLogin(server, Alice, tokens.AccessToken).Should().NotThrowAsync("the token is fresh");

        await Task.Delay(tokens.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));

        await ImapLogin(server, Alice, tokens.AccessToken).Should().ThrowAsync<AuthenticationException>("the token has expired");
        var refreshed = await shortLived.RefreshAsync(ClientId, ClientSecret, tokens.RefreshToken!);
        refreshed.AccessToken.Should().NotBe(tokens.AccessToken);
        await ImapLogin(server, Alice, refreshed.AccessToken).Should().NotThrowAsync();
    }

    [Fact]
    public async Task A_refresh_token_is_rotated_and_reusing_a_spent_one_revokes_the_whole_chain()
    {
        var first = await AuthorizeAsync(Alice);

        var second = await RefreshAsync(first.RefreshToken!);
        var third = await RefreshAsync(second.RefreshToken!);

        second.RefreshToken.Should().NotBeNullOrEmpty().And.NotBe(first.RefreshToken);
        third.RefreshToken.Should().NotBeNullOrEmpty().And.NotBe(second.RefreshToken);
        await ImapLogin(dovecot, Alice, third.AccessToken).Should().NotThrowAsync();
        (await FluentActions.Awaiting(() => RefreshAsync(first.RefreshToken!)).Should().ThrowAsync<OAuthErrorException>("no reuse leeway"))
            .Which.Error.Should().Be("invalid_grant");
        (await FluentActions.Awaiting(() => RefreshAsync(third.RefreshToken!)).Should().ThrowAsync<OAuthErrorException>(
                "OpenIddict takes a replayed refresh token for a stolen one and revokes every token of that authorization"))
            .Which.Error.Should().Be("invalid_grant");
        await ImapLogin(dovecot, Alice, third.AccessToken).Should().ThrowAsync<AuthenticationException>();
    }

    [Fact]
    public async Task After_consent_is_withdrawn_refresh_fails_with_invalid_grant_and_dovecot_refuses_the_access_token()
    {
        var alice = await AuthorizeAsync(Alice);
        var bob = await AuthorizeAsync(Bob);
        await ImapLogin(dovecot, Alice, alice.AccessToken).Should().NotThrowAsync();

        await oauth.RevokeAllOfUserAsync(Alice);

        (await FluentActions.Awaiting(() => RefreshAsync(alice.RefreshToken!)).Should().ThrowAsync<OAuthErrorException>())
            .Which.Error.Should().Be("invalid_grant");
        await ImapLogin(dovecot, Alice, alice.AccessToken).Should().ThrowAsync<AuthenticationException>();
        await ImapLogin(dovecot, Bob, bob.AccessToken).Should().NotThrowAsync("only alice withdrew her consent");
        (await RefreshAsync(bob.RefreshToken!)).AccessToken.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_refresh_token_revoked_at_the_revocation_endpoint_can_no_longer_be_redeemed()
    {
        var tokens = await AuthorizeAsync(Alice);

        await oauth.RevokeAsync(tokens.RefreshToken!);

        (await FluentActions.Awaiting(() => RefreshAsync(tokens.RefreshToken!)).Should().ThrowAsync<OAuthErrorException>())
            .Which.Error.Should().Be("invalid_grant");
    }

    [Fact]
    public async Task Smtp_submission_takes_an_access_token_relays_the_message_and_refuses_a_bad_token()
    {
        var tokens = await AuthorizeAsync(Alice);

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync(dovecot.Host, dovecot.SubmissionPort, SecureSocketOptions.None);
            await client.AuthenticateAsync(new SaslMechanismOAuth2(Alice, tokens.AccessToken));
            await client.SendAsync(Mail(Alice, "Sent with a token"));
            await client.DisconnectAsync(true);
        }

        (await smtp.WaitForAsync(1)).Should().ContainSingle().Which.Subject.Should().Be("Sent with a token");
        using var intruder = new SmtpClient();
        await intruder.ConnectAsync(dovecot.Host, dovecot.SubmissionPort, SecureSocketOptions.None);
        var badToken = () => intruder.AuthenticateAsync(new SaslMechanismOAuth2(Alice, "garbage-token"));
        await badToken.Should().ThrowAsync<AuthenticationException>();
        smtp.Received.Should().HaveCount(1);
    }

    [Fact]
    public async Task Password_logins_keep_working_beside_oauth2_and_a_password_is_no_token()
    {
        using var probe = new ImapClient();
        await probe.ConnectAsync(dovecot.Host, dovecot.Port, SecureSocketOptions.None);
        using var imap = await dovecot.ConnectAsync(Alice);
        using var submission = new SmtpClient();
        await submission.ConnectAsync(dovecot.Host, dovecot.SubmissionPort, SecureSocketOptions.None);
        await submission.AuthenticateAsync(DovecotServer.CredentialsOf(Bob));

        probe.AuthenticationMechanisms.Should().Contain(["PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"]);
        imap.IsAuthenticated.Should().BeTrue();
        submission.IsAuthenticated.Should().BeTrue();
        await ImapLogin(dovecot, Alice, DovecotServer.PasswordOf(Alice)).Should().ThrowAsync<AuthenticationException>(
            "XOAUTH2 goes to the oauth2 passdb only, never to the password file");
        using var wrong = new ImapClient();
        await wrong.ConnectAsync(dovecot.Host, dovecot.Port, SecureSocketOptions.None);
        await FluentActions.Awaiting(() => wrong.AuthenticateAsync(Alice, "wrong")).Should().ThrowAsync<AuthenticationException>();
    }

    [Fact]
    public async Task The_consent_page_prefills_the_login_hint_and_deny_sends_access_denied_to_the_client()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var page = await http.GetStringAsync(
            oauth.AuthorizationRequestUri(ClientId, RedirectUri, Scopes, codeVerifier: new string('v', 43), state: "s1", loginHint: Alice));

        var denied = await oauth.DenyWithoutBrowserAsync(ClientId, RedirectUri, Alice, Scopes);

        page.Should().Contain($"""name="{OAuthAuthorizationServer.UserField}" value="{Alice}" """.TrimEnd())
            .And.Contain(">Allow</button>").And.Contain(">Deny</button>");
        denied.GetLeftPart(UriPartial.Path).Should().Be(RedirectUri);
        denied.Query.Should().Contain("error=access_denied");
    }

    [Fact]
    public async Task An_authorization_request_without_pkce_or_with_an_unregistered_redirect_uri_is_refused()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var withPkce = oauth.AuthorizationRequestUri(ClientId, RedirectUri, Scopes, codeVerifier: new string('v', 43), state: "s1");
        var withoutPkce = new Uri(string.Join('&', withPkce.AbsoluteUri.Split('&').Where(p => !p.StartsWith("code_challenge", StringComparison.Ordinal))));
        var foreignRedirect = oauth.AuthorizationRequestUri(ClientId, "http://127.0.0.1:9/elsewhere", Scopes, new string('v', 43), "s1");

        using var accepted = await http.GetAsync(withPkce);
        using var noPkce = await http.GetAsync(withoutPkce);
        using var foreign = await http.GetAsync(foreignRedirect);

        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        // OpenIddict checks PKCE before it trusts the redirect URI, so neither error is sent back to the client.
        noPkce.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await noPkce.Content.ReadAsStringAsync()).Should().Contain("invalid_request").And.Contain("code_challenge");
        foreign.StatusCode.Should().Be(HttpStatusCode.BadRequest, "an unknown redirect URI gets no redirect at all");
        foreign.Headers.Location.Should().BeNull();
    }
}
