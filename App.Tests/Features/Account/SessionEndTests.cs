using System.Net;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin.Users;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Account;

/// <summary>
/// A removed group or a new password ends the user's sessions: cookies on the next check, open pages through the
/// revalidating authentication state. The check interval is zero here (every request) instead of the app's minute.
/// </summary>
public sealed class SessionEndTests(SessionEndTests.Factory app) : IClassFixture<SessionEndTests.Factory>
{
    public sealed class Factory : AppFactory
    {
        public Factory() => Settings[AccountServiceCollectionExtensions.SessionCheckIntervalKey] = "00:00:00";
    }

    [Fact]
    public async Task An_admin_removed_from_Admins_loses_the_admin_pages_with_the_old_cookie()
    {
        var email = "carla@contoso.example";
        await SetAdminAsync(email, admin: true);
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);
        using (var before = await client.GetAsync("/admin/groups"))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK, "an admin opens the group list");
        }

        await SetAdminAsync(email, admin: false);

        using var after = await client.GetAsync("/admin/groups");
        after.StatusCode.Should().Be(HttpStatusCode.Redirect, "the old cookie must no longer open admin pages");
        PathOf(after).Should().Be(AccountServiceCollectionExtensions.LoginPath);
    }

    [Fact]
    public async Task A_customers_old_cookie_stops_working_after_a_password_reset()
    {
        var email = "erika.muster@northwind.example";
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);
        using (var before = await client.GetAsync("/portal"))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            (await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), "Another-2026!")).Succeeded.Should().BeTrue();
        }

        using var after = await client.GetAsync("/portal");
        after.StatusCode.Should().Be(HttpStatusCode.Redirect, "the session from before the reset must end");
        PathOf(after).Should().Be(AccountServiceCollectionExtensions.LoginPath);
    }

    [Fact]
    public async Task An_open_page_loses_its_sign_in_when_the_users_group_is_removed()
    {
        var email = "lena@contoso.example";
        await SetAdminAsync(email, admin: true);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>()
            .CreateAsync((await users.FindByEmailAsync(email))!);
        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>()
            .Should().BeOfType<RevalidatingIdentityAuthenticationStateProvider>().Subject;

        (await provider.IsStillValidAsync(principal)).Should().BeTrue("nothing changed yet");

        await SetAdminAsync(email, admin: false);

        (await provider.IsStillValidAsync(principal)).Should().BeFalse("the circuit must not keep the removed role");
    }

    [Fact]
    public async Task A_disabled_user_loses_cookie_and_open_page_and_cannot_sign_in_again_until_unlocked()
    {
        var email = "ben@contoso.example";
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(user);
        var provider = (RevalidatingIdentityAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        using (var before = await client.GetAsync("/tickets"))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await scope.ServiceProvider.GetRequiredService<UserAdminService>().DisableAsync(user.Id)).Succeeded.Should().BeTrue();

        using (var after = await client.GetAsync("/tickets"))
        {
            after.StatusCode.Should().Be(HttpStatusCode.Redirect, "the disabled user's cookie must stop working");
            PathOf(after).Should().Be(AccountServiceCollectionExtensions.LoginPath);
        }
        (await provider.IsStillValidAsync(principal)).Should().BeFalse("an open page must lose the disabled user's sign-in");
        var signIn = () => app.SignedInClientAsync(email, DemoDataSeeder.Password);
        await signIn.Should().ThrowAsync<InvalidOperationException>("a disabled user cannot sign in again");

        (await scope.ServiceProvider.GetRequiredService<UserAdminService>().UnlockAsync(user.Id)).Succeeded.Should().BeTrue();
        using var again = await app.SignedInClientAsync(email, DemoDataSeeder.Password);
        using var page = await again.GetAsync("/tickets");
        page.StatusCode.Should().Be(HttpStatusCode.OK, "unlocking undoes the disable");
    }

    [Fact]
    public async Task A_revoked_customer_login_loses_its_cookie_cannot_sign_in_and_cannot_ask_for_a_new_password()
    {
        var email = "max.mustermann@fabrikam.example";
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);
        using (var before = await client.GetAsync("/portal"))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK);
        }
        await using var scope = app.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!;
        var access = scope.ServiceProvider.GetRequiredService<BlazorTickets.Features.Portal.PortalAccessService>();

        (await access.RevokeLoginAsync(user.CustomerId!.Value, user.Id)).Should().BeTrue();

        using (var after = await client.GetAsync("/portal"))
        {
            after.StatusCode.Should().Be(HttpStatusCode.Redirect, "the revoked login's cookie must stop working");
            PathOf(after).Should().Be(AccountServiceCollectionExtensions.LoginPath);
        }
        var signIn = () => app.SignedInClientAsync(email, DemoDataSeeder.Password);
        await signIn.Should().ThrowAsync<InvalidOperationException>("a revoked login cannot sign in again");
        await access.RequestPasswordResetAsync(email);
        (await access.GetCustomerAccessAsync(user.CustomerId.Value))!.Logins.Single(l => l.UserId == user.Id)
            .ResetRequestedAt.Should().BeNull("a revoked login cannot win its access back through forgot password");
    }

    private async Task SetAdminAsync(string email, bool admin)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        var adminsId = await db.Set<UserGroup>().Where(g => g.Name == Groups.Admins).Select(g => g.Id).SingleAsync();
        var service = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        var edit = (await service.GetAsync(userId))!;
        edit.GroupIds = admin ? [.. edit.GroupIds, adminsId] : edit.GroupIds.Where(id => id != adminsId).ToList();
        var result = await service.UpdateAsync(edit);
        result.Should().NotBeNull();
        (await db.Set<UserGroupMembership>().AnyAsync(m => m.UserId == userId && m.GroupId == adminsId)).Should().Be(admin, $"the update must have worked: {result}");
    }

    private static string PathOf(HttpResponseMessage response) => new Uri(new Uri("http://localhost"), response.Headers.Location!).AbsolutePath;
}
