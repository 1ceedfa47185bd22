using BlazorTickets.Features.Api;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Api;

[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
public sealed class ApiReferenceBrowserTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_reference_page_renders_the_documented_operations_without_policy_violations()
    {
        var page = await browser.NewPageAsync(app.ServerAddress);
        var refused = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                refused.Add(message.Text);
            }
        };
        try
        {
            await page.GotoAsync(ApiServiceCollectionExtensions.ReferencePath);

            await page.GetByText("The token's user, roles and scopes").First.WaitForAsync();
            (await page.ContentAsync()).Should().Contain("BlazorTickets API");
            refused.Should().BeEmpty();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
