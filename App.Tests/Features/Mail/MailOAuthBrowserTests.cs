using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>An admin connects a mailbox in the browser: Connect, the provider's consent page, back to the mailbox. English UI only.</summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailOAuthBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>, IAsyncLifetime
{
    private const string Support = "support";
    private OAuthAuthorizationServer oauth = null!;
    private DovecotServer dovecot = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        oauth = await OAuthAuthorizationServer.StartAsync();
        dovecot = await DovecotServer.StartAsync([Support], oauth);
        // The app's callback address is known once Kestrel has its port.
        await oauth.RegisterClientAsync(MailOAuthTestSetup.ClientId, MailOAuthTestSetup.ClientSecret, app.ServerAddress + MailOAuthPaths.Callback, MailOAuthTestSetup.Scopes);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync()
    {
        await dovecot.DisposeAsync();
        await oauth.DisposeAsync();
    }

    [Fact]
    public async Task Connect_goes_through_the_providers_consent_page_back_to_the_mailbox_which_then_fetches_mail()
    {
        var mailboxId = await app.Services.GetRequiredService<MailboxService>().PointAtOAuthAsync(tenantId, dovecot, oauth, Support);
        var page = await browser.SignInAsync(app.ServerAddress, "admin@contoso.example", DemoDataSeeder.Password);
        try
        {
            await page.GotoAsync($"/settings/tenants/{tenantId}/mailbox/{mailboxId}");
            await BrowserFixture.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=mailbox-oauth-state]")).ToHaveTextAsync("Not connected yet.");
            await page.ClickAsync("[data-testid=mailbox-oauth-connect]");

            var user = page.Locator($"#{OAuthAuthorizationServer.UserField}");
            await user.WaitForAsync();
            page.Url.Should().StartWith(oauth.Authority.ToString());
            await user.FillAsync(Support);
            await page.ClickAsync("button:has-text('Allow')");

            await page.WaitForURLAsync(url => url.Contains($"/mailbox/{mailboxId}?oauth=connected"));
            await BrowserFixture.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("[data-testid=mailbox-oauth-result]")).ToHaveTextAsync("Connected.");
            await Assertions.Expect(page.Locator("[data-testid=mailbox-oauth-state]")).ToHaveTextAsync("Connected.");
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        await dovecot.AppendAsync(Support, MailOAuthTestSetup.Mail("Connected in the browser"));
        var fetched = await app.Services.GetRequiredService<MailFetchService>().FetchMailboxAsync(mailboxId);
        fetched.Succeeded.Should().BeTrue(fetched.Error + "\n" + oauth.Log);
        fetched.NewTickets.Should().Be(1);
        (await app.DbFactory.StoredAsync(mailboxId)).OAuthError.Should().BeNull();
    }
}
