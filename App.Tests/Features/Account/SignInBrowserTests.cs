using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Account;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
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

    [Fact]
    public async Task The_email_box_is_styled_like_the_password_box()
    {
        var page = await browser.NewPageAsync(app.ServerAddress);
        try
        {
            await page.GotoAsync(BlazorTickets.Features.Account.AccountServiceCollectionExtensions.LoginPath);
            var email = (await page.Locator("#email").BoundingBoxAsync())!;
            var password = (await page.Locator("#password").BoundingBoxAsync())!;

            email.Height.Should().Be(password.Height, "the sign-in page's email box must not be an unstyled 18 px field");
            email.Width.Should().Be(password.Width);
            (await page.Locator("#email").GetAttributeAsync("type")).Should().Be("email");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
