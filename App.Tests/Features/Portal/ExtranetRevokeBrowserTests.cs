using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Portal;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class ExtranetRevokeBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Staff_revoke_a_customer_login_in_the_german_ui_after_confirming()
    {
        var address = app.ServerAddress;
        string userId;
        int customerId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var login = await db.Users.Where(u => u.Email == "max.mustermann@fabrikam.example").Select(u => new { u.Id, u.CustomerId }).SingleAsync();
            (userId, customerId) = (login.Id, login.CustomerId!.Value);
        }
        var context = await browser.NewContextAsync(address, "de-DE");
        try
        {
            var page = await context.NewPageAsync();
            await BrowserFixture.SignInAsync(page, "anna@contoso.example", DemoDataSeeder.Password);
            await page.GotoAsync($"/customers/{customerId}/extranet");
            await BrowserFixture.WaitForCircuitAsync(page);

            await page.Locator("[data-testid=revoke-login]").ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            await Assertions.Expect(dialog).ToContainTextAsync("kann sich nicht mehr im Extranet anmelden");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Zugang entziehen" }).ClickAsync();

            await Assertions.Expect(page.Locator("[data-testid=access-revoked]")).ToHaveTextAsync("Zugang entzogen");
            await Assertions.Expect(page.Locator("[data-testid=revoke-login]")).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("[data-testid=login-state]")).ToHaveCountAsync(0);
            await using var db = await app.DbFactory.CreateDbContextAsync();
            (await db.Users.Where(u => u.Id == userId).Select(u => u.LockoutEnd).SingleAsync()).Should().Be(AppUser.SignInDisabled);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
