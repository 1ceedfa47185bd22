using BlazorTickets.Features.Admin.Users;
using BlazorTickets.Features.Admin.Users.Pages;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Users;

public sealed class UserDialogTenantsTests : IAsyncLifetime
{
    private AdminTestHost host = null!;

    public async Task InitializeAsync() => host = await AdminTestHost.StartAsync(seedDemoData: true);

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<string?> TenantsFieldTextAsync(string email)
    {
        await using var context = new BlazorTicketsTestContext(host.App);
        await context.SignInAsUserAsync("admin@contoso.example", Groups.Admins);
        var provider = context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
        });
        string userId;
        await using (var db = host.CreateDbContext())
        {
            userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        }
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => dialogs.ShowAsync<UserDialog>("Edit user", new DialogParameters<UserDialog> { { d => d.UserId, userId } }));

        provider.WaitForAssertion(() => provider.FindAll("[data-testid=user-display-name]").Should().NotBeEmpty(), TimeSpan.FromSeconds(10));
        var field = provider.FindAll("input").FirstOrDefault(i => i.GetAttribute("placeholder") == "All tenants");
        field.Should().NotBeNull("the tenants field says \"All tenants\" when none is chosen");
        return field!.GetAttribute("value");
    }

    [Fact]
    public async Task The_user_dialog_shows_a_limited_users_tenant_and_all_tenants_for_the_others()
    {
        var users = host.Get<UserAdminService>();
        await using (var db = host.CreateDbContext())
        {
            var anna = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
            var tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
            var edit = (await users.GetAsync(anna))!;
            edit.TenantIds = [tenantId];
            (await users.UpdateAsync(edit)).Succeeded.Should().BeTrue();
        }

        var annas = await TenantsFieldTextAsync("anna@contoso.example");
        var bens = await TenantsFieldTextAsync("ben@contoso.example");

        annas.Should().Be(DemoDataSeeder.TenantName);
        bens.Should().BeOneOf(null, "", "All tenants");
    }
}
