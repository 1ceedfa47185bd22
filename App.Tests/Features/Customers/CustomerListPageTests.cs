using BlazorTickets.Features.Customers.Pages;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Customers;

public sealed class CustomerListPageTests : IAsyncLifetime
{
    private AdminTestHost host = null!;

    public async Task InitializeAsync() => host = await AdminTestHost.StartAsync(seedDemoData: true);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_customers_page_shows_the_customers_from_the_database()
    {
        await using var context = new BlazorTicketsTestContext(host.App);
        await context.SignInAsUserAsync("admin@contoso.example", Groups.Admins);

        var page = context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<CustomerList>(1);
            builder.CloseComponent();
        });

        page.WaitForAssertion(() => page.FindAll("[data-testid=customer-grid] tbody tr.mud-table-row").Should().HaveCount(20), TimeSpan.FromSeconds(10));
        var firstRow = page.FindAll("[data-testid=customer-grid] tbody tr.mud-table-row")[0].TextContent;
        firstRow.Should().Contain("C-1001").And.Contain("Max Mustermann").And.Contain("Fabrikam GmbH")
            .And.Contain("max.mustermann@fabrikam.example").And.Contain(DemoDataSeeder.TenantName);
        // The demo's extranet logins belong to the first two customers.
        page.FindAll("[data-testid=extranet-login]").Should().HaveCount(2);
    }
}
