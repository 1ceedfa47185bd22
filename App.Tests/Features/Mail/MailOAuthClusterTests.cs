using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>Two nodes on one PostgreSQL database renew one mailbox's expired token at the same moment.</summary>
[Trait(TestCategories.Category, TestCategories.Postgres)]
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailOAuthClusterTests : IAsyncLifetime
{
    private const string RedirectUri = "http://127.0.0.1:9/mail/oauth/callback";
    private OAuthAuthorizationServer oauth = null!;
    private TestDatabase database = null!;

    public async Task InitializeAsync()
    {
        oauth = await OAuthAuthorizationServer.StartAsync(accessTokenLifetime: TimeSpan.FromSeconds(5));
        await oauth.RegisterClientAsync(MailOAuthTestSetup.ClientId, MailOAuthTestSetup.ClientSecret, RedirectUri, MailOAuthTestSetup.Scopes);
        database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        await oauth.DisposeAsync();
    }

    private Task<TestServices> NodeAsync(bool seed) =>
        TestServices.CreateAsync(seedDemoData: seed, clock: TimeProvider.System, provider: DatabaseProvider.Postgres, database: database,
            overrides: services => services.Configure<MailOAuthOptions>(o => o.RenewalMargin = TimeSpan.FromSeconds(1)));

    [Fact]
    public async Task Both_nodes_get_the_one_renewed_token_and_the_refresh_token_is_spent_once()
    {
        await using var nodeA = await NodeAsync(seed: true);
        await using var nodeB = await NodeAsync(seed: false);
        int tenantId;
        await using (var db = await nodeA.DbFactory.CreateDbContextAsync())
        {
            tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        }
        var (errors, mailboxId) = await nodeA.Get<MailboxService>().CreateAsync(tenantId, new MailboxInput
        {
            Name = "Support",
            Host = "127.0.0.1",
            Port = 9,
            Encryption = MailEncryption.None,
            UserName = "support",
            ScheduleEnabled = false,
            PushEnabled = false,
            AuthMethod = MailAuthMethod.OAuth2,
            OAuthProvider = OAuthProviderKind.Other,
            OAuthAuthorizationEndpoint = oauth.AuthorizationEndpoint.ToString(),
            OAuthTokenEndpoint = oauth.TokenEndpoint.ToString(),
            OAuthClientId = MailOAuthTestSetup.ClientId,
            NewOAuthClientSecret = MailOAuthTestSetup.ClientSecret,
            OAuthScopes = string.Join(' ', MailOAuthTestSetup.Scopes),
        });
        errors.Should().BeEmpty();
        var first = await nodeA.Services.ConnectWithoutBrowserAsync(oauth, mailboxId!.Value, "support", RedirectUri);
        await MailOAuthTestSetup.WaitPastAsync(first.ExpiresAt);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? nodeA : nodeB).Get<MailOAuthTokens>().GetAccessTokenAsync(mailboxId.Value, CancellationToken.None)));

        tokens.Distinct().Should().ContainSingle("one node renewed, the others read its token after waiting: {0}", oauth.Log);
        tokens[0].Should().NotBe(first.AccessToken);
        (await oauth.IntrospectAsync(tokens[0])).GetProperty("active").GetBoolean().Should().BeTrue("a refresh token spent twice would have revoked the whole sign-in");
        (await nodeB.DbFactory.StoredAsync(mailboxId.Value)).OAuthError.Should().BeNull();
    }
}
