using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Hosting;

/// <summary>The policy must not break Blazor Server or MudBlazor: a real session in Chromium reports no violation.</summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Signing_in_and_working_on_a_ticket_reports_no_policy_violation()
    {
        var context = await browser.NewContextAsync(app.ServerAddress);
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Content-Security-Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };
        try
        {
            await page.GotoAsync("/account/login");
            await BrowserFixture.SignInAsync(page, "anna@contoso.example", DemoDataSeeder.Password);
            await BrowserFixture.WaitForCircuitAsync(page);
            var link = page.Locator("[data-testid=ticket-grid] [data-testid=ticket-link]").First;
            await link.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
            await link.ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/tickets/\d+"));
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.Locator("iframe, [data-testid=message-text], .mud-main-content").First.WaitForAsync();
            // A violation is reported when the blocked resource loads or runs; give late scripts and styles a moment.
            await page.WaitForTimeoutAsync(1500);

            lock (violations)
            {
                violations.Should().BeEmpty();
            }
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
