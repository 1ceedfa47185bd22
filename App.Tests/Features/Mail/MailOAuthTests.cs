using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using StoredMailbox = BlazorTickets.Features.Mail.Mailbox;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>What the OAuth2 mail tests share: the test client's registration and an "Other provider" mailbox pointing at it.</summary>
internal static class MailOAuthTestSetup
{
    public const string ClientId = "blazortickets";
    public const string ClientSecret = "blazortickets-secret";
    public static readonly string[] Scopes = ["imap", "smtp", "offline_access"];

    public static Task<int> PointAtOAuthAsync(this MailboxService mailboxes, int tenantId, DovecotServer dovecot, OAuthAuthorizationServer oauth, string user, bool push = false) =>
        mailboxes.PointAtAsync(tenantId, dovecot, user, input =>
        {
            input.Name = user;
            input.Address = $"{user}@contoso.example";
            input.ScheduleEnabled = false;
            input.PushEnabled = push;
            input.AuthMethod = MailAuthMethod.OAuth2;
            input.NewPassword = null;
            input.OAuthProvider = OAuthProviderKind.Other;
            input.OAuthAuthorizationEndpoint = oauth.AuthorizationEndpoint.ToString();
            input.OAuthTokenEndpoint = oauth.TokenEndpoint.ToString();
            input.OAuthClientId = ClientId;
            input.NewOAuthClientSecret = ClientSecret;
            input.OAuthScopes = string.Join(' ', Scopes);
        });

    /// <summary>Stores what a browserless sign-in got, through the same method the connect callback uses.</summary>
    public static async Task<OAuthTokens> ConnectWithoutBrowserAsync(this IServiceProvider services, OAuthAuthorizationServer oauth, int mailboxId, string user, string redirectUri)
    {
        var tokens = await oauth.AuthorizeWithoutBrowserAsync(ClientId, ClientSecret, redirectUri, user, Scopes);
        await services.GetRequiredService<MailOAuthTokens>().StoreTokensAsync(
            mailboxId, new MailOAuthTokenResponse(tokens.AccessToken, tokens.RefreshToken, tokens.ExpiresAt - DateTimeOffset.UtcNow));
        return tokens;
    }

    public static async Task<StoredMailbox> StoredAsync(this Microsoft.EntityFrameworkCore.IDbContextFactory<BlazorTickets.Data.AppDbContext> dbFactory, int mailboxId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Set<StoredMailbox>().AsNoTracking().SingleAsync(m => m.Id == mailboxId);
    }

    public static MimeMessage Mail(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("erika.muster@northwind.example"));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello" };
        return message;
    }

    /// <summary>Waits until the access token the server handed out has expired (plus a second), so the next use must refresh.</summary>
    public static async Task WaitPastAsync(DateTimeOffset expiresAt)
    {
        var wait = expiresAt + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }
}

/// <summary>Fetching with OAuth2 (XOAUTH2 against Dovecot, tokens from OpenIddict): refresh with rotation, and a revoked sign-in.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailOAuthFetchTests : IAsyncLifetime
{
    private const string Support = "support";
    private const string Billing = "billing";
    private const string RedirectUri = "http://127.0.0.1:9/mail/oauth/callback";
    private static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(5);

    private OAuthAuthorizationServer oauth = null!;
    private DovecotServer dovecot = null!;
    private TestServices app = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        oauth = await OAuthAuthorizationServer.StartAsync(accessTokenLifetime: AccessTokenLifetime);
        await oauth.RegisterClientAsync(MailOAuthTestSetup.ClientId, MailOAuthTestSetup.ClientSecret, RedirectUri, MailOAuthTestSetup.Scopes);
        dovecot = await DovecotServer.StartAsync([Support, Billing], oauth);
        // The real clock: the server's tokens expire in real time. A margin of a second lets a 5-second token be used.
        app = await TestServices.CreateAsync(seedDemoData: true, clock: TimeProvider.System,
            overrides: services => services.Configure<MailOAuthOptions>(o => o.RenewalMargin = TimeSpan.FromSeconds(1)));
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await dovecot.DisposeAsync();
        await oauth.DisposeAsync();
    }

    private string Unprotect(string protectedValue) => app.Get<MailboxConnector>().Unprotect(protectedValue);

    [Fact]
    public async Task A_fetch_signs_in_with_xoauth2_renews_the_expired_token_saving_the_rotated_refresh_token_and_a_revoked_sign_in_marks_only_that_mailbox()
    {
        var mailboxes = app.Get<MailboxService>();
        var support = await mailboxes.PointAtOAuthAsync(tenantId, dovecot, oauth, Support);
        var billing = await mailboxes.PointAtAsync(tenantId, dovecot, Billing, input =>
        {
            input.Name = Billing;
            input.Address = "billing@contoso.example";
            input.ScheduleEnabled = false;
            input.PushEnabled = false;
        });
        var changes = new List<MailboxChanged>();
        mailboxes.Changed += change => { lock (changes) changes.Add(change); };
        var first = await app.Services.ConnectWithoutBrowserAsync(oauth, support, Support, RedirectUri);
        var fetch = app.Get<MailFetchService>();

        await dovecot.AppendAsync(Support, MailOAuthTestSetup.Mail("Signed in with a token"));
        var signedIn = await fetch.FetchMailboxAsync(support);
        signedIn.Succeeded.Should().BeTrue(signedIn.Error);
        signedIn.NewTickets.Should().Be(1);

        // The first fetch may have renewed already on a slow machine: wait past whatever token is stored now.
        var stored = await app.DbFactory.StoredAsync(support);
        await MailOAuthTestSetup.WaitPastAsync(new DateTimeOffset(stored.OAuthAccessTokenExpiresAt!.Value, TimeSpan.Zero));
        await dovecot.AppendAsync(Support, MailOAuthTestSetup.Mail("After the token expired"));
        var renewed = await fetch.FetchMailboxAsync(support);

        renewed.Succeeded.Should().BeTrue(renewed.Error + "\n" + oauth.Log);
        renewed.NewTickets.Should().Be(1);
        var afterRefresh = await app.DbFactory.StoredAsync(support);
        Unprotect(afterRefresh.OAuthProtectedRefreshToken!).Should().NotBe(Unprotect(stored.OAuthProtectedRefreshToken!), "the server rotated the refresh token and the new one is kept");
        Unprotect(afterRefresh.OAuthProtectedAccessToken!).Should().NotBe(Unprotect(stored.OAuthProtectedAccessToken!));
        afterRefresh.OAuthAccessTokenExpiresAt.Should().BeAfter(DateTime.UtcNow.AddSeconds(-1));
        afterRefresh.OAuthError.Should().BeNull();
        (await oauth.IntrospectAsync(Unprotect(afterRefresh.OAuthProtectedAccessToken!))).GetProperty("active").GetBoolean()
            .Should().BeTrue("the rotated token's chain is intact, no refresh token was spent twice");

        await oauth.RevokeAllOfUserAsync(Support);
        await MailOAuthTestSetup.WaitPastAsync(new DateTimeOffset(afterRefresh.OAuthAccessTokenExpiresAt!.Value, TimeSpan.Zero));
        await dovecot.AppendAsync(Support, MailOAuthTestSetup.Mail("After the revocation"));
        await dovecot.AppendAsync(Billing, MailOAuthTestSetup.Mail("Billing still works"));
        var tenantFetch = await fetch.FetchTenantAsync(tenantId);

        tenantFetch.Succeeded.Should().BeFalse();
        tenantFetch.Error.Should().Contain("needs to be connected again");
        var revoked = await app.DbFactory.StoredAsync(support);
        revoked.OAuthError.Should().Be(MailOAuthTokens.ReasonOf("invalid_grant"));
        (revoked.OAuthProtectedRefreshToken, revoked.OAuthProtectedAccessToken).Should().Be((null, null));
        (await mailboxes.GetAsync(support))!.OAuthConnected.Should().BeFalse();
        lock (changes)
        {
            changes.Should().Contain(new MailboxChanged(support, tenantId), "pages and IDLE hear of the lost sign-in");
        }
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<Ticket>().AnyAsync(t => t.Subject == "Billing still works" && t.MailboxId == billing)).Should().BeTrue("the password mailbox of the same tenant is fetched beside it");
        (await db.Set<Ticket>().AnyAsync(t => t.Subject == "After the revocation")).Should().BeFalse();

        var again = await fetch.FetchMailboxAsync(support);
        again.Error.Should().Contain("needs to be connected again", "without tokens the mailbox asks to connect again, no request is sent");
    }
}

/// <summary>The connect flow's state, the installation's providers and the form's validation, without servers.</summary>
public sealed class MailOAuthFlowTests : IAsyncLifetime
{
    private readonly FixedTimeProvider clock = new();
    private TestServices app = null!;
    private int mailboxId;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true, clock: clock);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        // Port 9 (discard): any token request would fail as "unavailable", never as a refusal of the state.
        var (errors, id) = await app.Get<MailboxService>().CreateAsync(tenantId, new MailboxInput
        {
            Name = "Support",
            Host = "127.0.0.1",
            Port = 9,
            Encryption = MailEncryption.None,
            UserName = "support@contoso.example",
            AuthMethod = MailAuthMethod.OAuth2,
            OAuthProvider = OAuthProviderKind.Other,
            OAuthAuthorizationEndpoint = "http://127.0.0.1:9/authorize",
            OAuthTokenEndpoint = "http://127.0.0.1:9/token",
            OAuthClientId = "client",
            OAuthScopes = "imap offline_access",
        });
        errors.Should().BeEmpty();
        mailboxId = id!.Value;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static Dictionary<string, string> QueryOf(string url) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(url).Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    [Fact]
    public async Task The_authorization_url_asks_for_the_code_with_an_s256_challenge_state_and_login_hint()
    {
        var start = await app.Get<MailOAuthFlow>().BeginAsync(mailboxId, "https://tickets.example/mail/oauth/callback");

        start.Error.Should().BeNull();
        start.AuthorizationUrl.Should().StartWith("http://127.0.0.1:9/authorize?");
        var query = QueryOf(start.AuthorizationUrl!);
        query.Should().Contain("response_type", "code").And.Contain("client_id", "client").And.Contain("code_challenge_method", "S256")
            .And.Contain("login_hint", "support@contoso.example").And.Contain("redirect_uri", "https://tickets.example/mail/oauth/callback")
            .And.Contain("scope", "imap offline_access");
        query["code_challenge"].Should().NotBeNullOrEmpty();
        query["state"].Should().NotBeNullOrEmpty();
        start.Cookie.Should().NotContain(query["state"], "the cookie is protected, not readable");
        var (pending, error) = app.Get<MailOAuthFlow>().Check(start.Cookie, query["state"]);
        error.Should().BeNull();
        pending!.MailboxId.Should().Be(mailboxId);
        var challenge = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(pending.CodeVerifier)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        query["code_challenge"].Should().Be(challenge);
    }

    [Fact]
    public async Task A_tampered_cookie_another_state_or_an_expired_sign_in_is_refused_before_any_token_request()
    {
        var flow = app.Get<MailOAuthFlow>();
        var start = await flow.BeginAsync(mailboxId, "https://tickets.example/mail/oauth/callback");
        var state = QueryOf(start.AuthorizationUrl!)["state"];
        var tampered = start.Cookie![..^4] + (start.Cookie[^4] == 'A' ? "B" : "A") + start.Cookie[^3..];

        var results = new[]
        {
            await flow.CompleteAsync(tampered, state, "code", null),
            await flow.CompleteAsync(start.Cookie, state + "x", "code", null),
            await flow.CompleteAsync(null, state, "code", null),
        };
        clock.Now += MailOAuthFlow.StateLifetime + TimeSpan.FromSeconds(1);
        var expired = await flow.CompleteAsync(start.Cookie, state, "code", null);

        results.Should().OnlyContain(r => r.RedirectTo == null && r.Error!.Contains("does not belong to a connect started in this browser"));
        expired.RedirectTo.Should().BeNull();
        expired.Error.Should().Contain("longer than 10 minutes");
        (await app.DbFactory.StoredAsync(mailboxId)).OAuthProtectedRefreshToken.Should().BeNull();
    }

    [Fact]
    public async Task The_providers_refusal_goes_back_to_the_mailbox_page_with_its_error()
    {
        var flow = app.Get<MailOAuthFlow>();
        var start = await flow.BeginAsync(mailboxId, "https://tickets.example/mail/oauth/callback");
        var state = QueryOf(start.AuthorizationUrl!)["state"];

        var (redirectTo, error) = await flow.CompleteAsync(start.Cookie, state, null, "access_denied");

        error.Should().BeNull();
        var tenantId = (await app.DbFactory.StoredAsync(mailboxId)).TenantId;
        redirectTo.Should().Be($"/settings/tenants/{tenantId}/mailbox/{mailboxId}?oauth_error=access_denied");
        MailOAuthFlow.MessageOf("access_denied").Should().Contain("denied");
    }

    [Theory]
    [InlineData(OAuthProviderKind.Microsoft365)]
    [InlineData(OAuthProviderKind.Google)]
    public void Microsoft_365_or_Google_without_the_installations_client_id_is_a_field_error_and_with_it_is_fine(OAuthProviderKind provider)
    {
        var input = new MailboxInput { Name = "Support", Host = "imap.example", UserName = "support@contoso.example", AuthMethod = MailAuthMethod.OAuth2, OAuthProvider = provider };
        var configured = new MailOAuthOptions();
        configured.Microsoft365.ClientId = "ms-client";
        configured.Google.ClientId = "google-client";

        var without = MailboxService.Validate(input, new MailOAuthOptions());
        var with = MailboxService.Validate(input, configured);

        without.Has(nameof(MailboxInput.OAuthProvider)).Should().BeTrue();
        without.All.Should().ContainSingle().Which.Format.Should().Contain("no client id");
        with.Should().BeEmpty();
    }

    [Fact]
    public void Microsoft_365_signs_in_at_the_tenants_v2_endpoints_and_Google_offline_with_consent()
    {
        var options = new MailOAuthOptions();
        options.Microsoft365.ClientId = "ms-client";
        options.Microsoft365.TenantId = "contoso.onmicrosoft.com";
        options.Google.ClientId = "google-client";

        var microsoft = MailOAuthClient.Of(new StoredMailbox { OAuthProvider = OAuthProviderKind.Microsoft365 }, options, s => s)!;
        var google = MailOAuthClient.Of(new StoredMailbox { OAuthProvider = OAuthProviderKind.Google }, options, s => s)!;

        microsoft.AuthorizationEndpoint.Should().Be("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize");
        microsoft.TokenEndpoint.Should().Be("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
        microsoft.Scopes.Should().Be("https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access");
        google.TokenEndpoint.Should().Be("https://oauth2.googleapis.com/token");
        google.ExtraAuthorizationParameters.Should().Contain("access_type", "offline").And.Contain("prompt", "consent");
        MailOAuthClient.Of(new StoredMailbox { OAuthProvider = OAuthProviderKind.Google }, new MailOAuthOptions(), s => s).Should().BeNull();
    }
}
