using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Account;

[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Agent_signs_in_through_the_login_form_and_sees_the_ticket_grid_with_rows()
    {
        var page = await browser.SignInAsync(app.ServerAddress, "anna@contoso.example", DemoDataSeeder.Password);
        try
        {
            new Uri(page.Url).AbsolutePath.Should().Be("/tickets");

            await BrowserFixture.WaitForCircuitAsync(page);
            var links = page.Locator("[data-testid=ticket-grid] [data-testid=ticket-link]");
            await links.First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

            (await links.CountAsync()).Should().BeGreaterThan(0);
            (await links.First.InnerTextAsync()).Should().MatchRegex(@"^#\d+$");
            (await page.Locator("[data-testid=signed-in-user]").InnerTextAsync()).Should().Be("Anna Agent");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
