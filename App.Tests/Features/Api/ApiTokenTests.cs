using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Api;

public sealed class ApiTokenTests(AppFactory app) : IClassFixture<AppFactory>
{
    private ApiTokenService Tokens => app.Services.GetRequiredService<ApiTokenService>();

    private async Task<string> UserIdAsync(string email)
    {
        using var scope = app.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!.Id;
    }

    [Fact]
    public async Task A_token_signs_its_user_in_with_the_users_roles_and_the_tokens_scopes_and_notes_its_use()
    {
        var secret = await app.ApiTokenAsync("lena@contoso.example", ApiScopes.TicketsRead, ApiScopes.TimeWrite);
        using var client = app.ApiClient(secret);

        var caller = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");

        caller.GetProperty("displayName").GetString().Should().Be("Lena Lead");
        caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Contain(Groups.TeamLeads);
        caller.GetProperty("scopes").EnumerateArray().Select(r => r.GetString()).Should().BeEquivalentTo(ApiScopes.TicketsRead, ApiScopes.TimeWrite);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var stored = await db.Set<ApiToken>().SingleAsync(t => t.Id == caller.GetProperty("tokenId").GetInt32());
        stored.LastUsedAt.Should().NotBeNull();
        stored.SecretHash.Should().Be(ApiTokenService.Hash(secret)).And.NotContain(secret[ApiTokenService.SecretStart.Length..]);
        stored.Prefix.Should().Be(secret[..stored.Prefix.Length]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("btk_not-a-token")]
    [InlineData("something else")]
    public async Task Without_a_valid_token_the_api_answers_401_as_problem_details(string? secret)
    {
        using var client = app.ApiClient(secret);

        using var response = await client.GetAsync("/api/v1/me");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Contain("Bearer");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32().Should().Be(401);
    }

    [Fact]
    public async Task An_expired_token_and_a_revoked_token_are_refused()
    {
        var expired = await app.ApiTokenAsync("anna@contoso.example");
        var revoked = await app.ApiTokenAsync("anna@contoso.example");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<ApiToken>().Where(t => t.SecretHash == ApiTokenService.Hash(expired))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)));
        }
        var revokedId = (await Tokens.ListOfUserAsync(await UserIdAsync("anna@contoso.example"))).Single(t => revoked.StartsWith(t.Prefix, StringComparison.Ordinal)).Id;
        using (var before = app.ApiClient(revoked))
        {
            (await before.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        (await Tokens.RevokeAsync(revokedId, await UserIdAsync("ben@contoso.example"), asAdmin: false, "Ben")).Should().BeFalse("a user revokes only their own tokens");
        (await Tokens.RevokeAsync(revokedId, await UserIdAsync("admin@contoso.example"), asAdmin: true, "Alex Admin")).Should().BeTrue();

        foreach (var secret in new[] { expired, revoked })
        {
            using var client = app.ApiClient(secret);
            (await client.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        (await Tokens.ListAllAsync()).Single(t => t.Id == revokedId).RevokedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task A_disabled_users_token_stops_working()
    {
        var userId = await CreateStaffUserAsync("disabled.api@contoso.example");
        var secret = await app.ApiTokenAsync("disabled.api@contoso.example");
        using var client = app.ApiClient(secret);
        (await client.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByIdAsync(userId))!;
            user.DisableSignIn();
            (await users.UpdateAsync(user)).Succeeded.Should().BeTrue();
        }

        (await client.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Customers_get_no_tokens_and_bad_requests_say_what_is_wrong()
    {
        var customer = await Tokens.CreateAsync(await UserIdAsync("max.mustermann@fabrikam.example"), new NewApiToken("shop", [ApiScopes.TicketsRead], null));
        customer.Created.Should().BeNull();
        customer.Errors.FormErrors.Should().ContainSingle().Which.ToString().Should().Be("Only staff users can have API tokens.");

        var anna = await UserIdAsync("anna@contoso.example");
        var bad = await Tokens.CreateAsync(anna, new NewApiToken(" ", ["tickets:delete"], DateTime.UtcNow.AddDays(-1)));
        bad.Created.Should().BeNull();
        bad.Errors.For(nameof(NewApiToken.Name)).Should().ContainSingle();
        bad.Errors.For(nameof(NewApiToken.Scopes)).Single().ToString().Should().Be("Unknown scope: tickets:delete.");
        bad.Errors.For(nameof(NewApiToken.ExpiresAt)).Single().ToString().Should().Be("The expiry must lie in the future.");

        var tooLong = await Tokens.CreateAsync(anna, new NewApiToken("erp", [ApiScopes.QuotesRead], DateTime.UtcNow.AddDays(400)));
        tooLong.Errors.For(nameof(NewApiToken.ExpiresAt)).Single().ToString().Should().Be("A token lasts at most 366 days.");
        (await Tokens.CreateAsync(anna, new NewApiToken("erp", [], null))).Errors.For(nameof(NewApiToken.Scopes)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_signed_in_browser_cookie_does_not_open_the_api()
    {
        using var browser = await app.SignedInClientAsync("admin@contoso.example", BlazorTickets.Features.Demo.DemoDataSeeder.Password);

        using var response = await browser.GetAsync("/api/v1/me");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the API takes tokens only, so no other site can call it with a user's cookie");
    }

    [Fact]
    public async Task Each_user_lists_only_their_own_tokens_and_admins_list_all()
    {
        var ben = await UserIdAsync("ben@contoso.example");
        await app.ApiTokenAsync("ben@contoso.example", ApiScopes.TimeWrite);
        await app.ApiTokenAsync("carla@contoso.example", ApiScopes.TimeWrite);

        var own = await Tokens.ListOfUserAsync(ben);
        var all = await Tokens.ListAllAsync();

        own.Should().NotBeEmpty().And.OnlyContain(t => t.UserId == ben);
        all.Select(t => t.UserName).Should().Contain(["Ben Berger", "Carla Senior"]);
    }

    private async Task<string> CreateStaffUserAsync(string email)
    {
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, DisplayName = email };
        (await users.CreateAsync(user, "Secret-2026!")).Succeeded.Should().BeTrue();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var group = await db.Set<UserGroup>().SingleAsync(g => g.Name == Groups.TicketSupport);
        db.Add(new UserGroupMembership { UserId = user.Id, GroupId = group.Id });
        await db.SaveChangesAsync();
        return user.Id;
    }
}
