using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Tenants;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class TenantSettingsBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("en-US", "Settings", "Tenants", "Mailbox", "Outgoing mail")]
    [InlineData("de-DE", "Einstellungen", "Mandanten", "Postfach", "Postausgang")]
    public async Task Settings_tenants_mailbox_is_a_labelled_entry_inside_a_1400_pixel_window(
        string locale, string settings, string tenants, string mailbox, string outgoing)
    {
        var context = await browser.NewContextAsync(app.ServerAddress, locale);
        try
        {
            var page = await context.NewPageAsync();
            await page.SetViewportSizeAsync(1400, 900);
            await BrowserFixture.SignInAsync(page, "admin@contoso.example", DemoDataSeeder.Password);
            await BrowserFixture.WaitForCircuitAsync(page);

            var settingsGroup = page.Locator("[data-testid=nav-settings]");
            (await settingsGroup.InnerTextAsync()).Should().StartWith(settings);
            await page.Locator("[data-testid=nav-tenants]").ClickAsync();
            (await page.Locator("[data-testid=nav-tenants]").TextContentAsync())!.Trim().Should().Be(tenants);

            var mailboxEntry = page.Locator("[data-testid=tenant-mailbox]").First;
            await mailboxEntry.WaitForAsync();
            (await mailboxEntry.TextContentAsync())!.Trim().Should().Be(mailbox);
            (await page.Locator("[data-testid=tenant-smtp]").First.TextContentAsync())!.Trim().Should().Be(outgoing);

            foreach (var entry in new[] { mailboxEntry, page.Locator("[data-testid=tenant-smtp]").First })
            {
                var box = await entry.BoundingBoxAsync();
                box.Should().NotBeNull();
                (box!.X + box.Width).Should().BeLessThanOrEqualTo(1400, "the entry must not be clipped off the right edge");
                (await entry.EvaluateAsync<bool>(
                    "e => { const r = e.getBoundingClientRect(); const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); return hit !== null && e.contains(hit); }"))
                    .Should().BeTrue("the entry must be visible, not hidden under an overflow edge");
            }

            await mailboxEntry.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync(url => url.EndsWith("/mailbox"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator("[data-testid=mailbox-host]").WaitForAsync();
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
