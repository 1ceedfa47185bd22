using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>IMAP IDLE of an OAuth2 mailbox outlives its access token: the fetch it triggers signs in with a renewed one.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailOAuthPushTests : IAsyncLifetime
{
    private const string Support = "support";
    private const string RedirectUri = "http://127.0.0.1:9/mail/oauth/callback";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly AppFactory app = new()
    {
        Settings = { [$"{MailOAuthOptions.Section}:{nameof(MailOAuthOptions.RenewalMargin)}"] = "00:00:01" },
    };
    private OAuthAuthorizationServer oauth = null!;
    private DovecotServer dovecot = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        oauth = await OAuthAuthorizationServer.StartAsync(accessTokenLifetime: TimeSpan.FromSeconds(5));
        await oauth.RegisterClientAsync(MailOAuthTestSetup.ClientId, MailOAuthTestSetup.ClientSecret, RedirectUri, MailOAuthTestSetup.Scopes);
        dovecot = await DovecotServer.StartAsync([Support], oauth);
        _ = app.Server;
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await dovecot.DisposeAsync();
        await oauth.DisposeAsync();
    }

    private async Task WaitForTicketAsync(string subject, int mailboxId)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            await using var db = await app.DbFactory.CreateDbContextAsync();
            if (await db.Set<Ticket>().AnyAsync(t => t.Subject == subject))
            {
                return;
            }
            if (DateTime.UtcNow > until)
            {
                var stored = await app.DbFactory.StoredAsync(mailboxId);
                throw new TimeoutException($"No ticket \"{subject}\" after {Deadline.TotalSeconds} s. Last run: {stored.LastRunSummary} {stored.LastRunError} {stored.OAuthError}\n{oauth.Log}");
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task New_mail_after_the_access_token_expired_is_still_pushed_and_fetched_with_a_renewed_token()
    {
        var push = app.Services.GetRequiredService<MailPushService>();
        var pushed = 0;
        push.Fetched += (_, _) => Interlocked.Increment(ref pushed);
        var mailboxId = await app.Services.GetRequiredService<MailboxService>().PointAtOAuthAsync(tenantId, dovecot, oauth, Support, push: true);
        await app.Services.ConnectWithoutBrowserAsync(oauth, mailboxId, Support, RedirectUri);
        await dovecot.AppendAsync(Support, MailOAuthTestSetup.Mail("Before expiry"));
        await WaitForTicketAsync("Before expiry", mailboxId);
        var before = await app.DbFactory.StoredAsync(mailboxId);

        await MailOAuthTestSetup.WaitPastAsync(new DateTimeOffset(before.OAuthAccessTokenExpiresAt!.Value, TimeSpan.Zero));
        var pushedBefore = Volatile.Read(ref pushed);
        await dovecot.AppendAsync(Support, MailOAuthTestSetup.Mail("After expiry"));
        await WaitForTicketAsync("After expiry", mailboxId);

        var after = await app.DbFactory.StoredAsync(mailboxId);
        var connector = app.Services.GetRequiredService<MailboxConnector>();
        connector.Unprotect(after.OAuthProtectedRefreshToken!).Should().NotBe(connector.Unprotect(before.OAuthProtectedRefreshToken!), "the fetch renewed the expired token");
        after.OAuthError.Should().BeNull();
        var until = DateTime.UtcNow + Deadline;
        while (Volatile.Read(ref pushed) == pushedBefore && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
        Volatile.Read(ref pushed).Should().BeGreaterThan(pushedBefore, "IDLE noticed the new mail and fetched it (no schedule runs)");
    }
}
