using System.Net;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.Api;

public class RateLimitedAppFactory(int perToken, int perAddress, int signInPerAddress) : AppFactory
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.ApiPerToken)}", perToken.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.ApiPerAddress)}", perAddress.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.SignInPerAddress)}", signInPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed class TokenLimitedAppFactory() : RateLimitedAppFactory(perToken: 3, perAddress: 1000, signInPerAddress: 3);

public sealed class AddressLimitedAppFactory() : RateLimitedAppFactory(perToken: 1000, perAddress: 5, signInPerAddress: 1000);

public sealed class TokenRateLimitTests(TokenLimitedAppFactory app) : IClassFixture<TokenLimitedAppFactory>
{
    [Fact]
    public async Task Each_token_gets_its_own_budget_then_429_with_retry_after()
    {
        using var first = await app.ApiClientAsync("anna@contoso.example");
        using var second = await app.ApiClientAsync("ben@contoso.example");

        for (var i = 0; i < 3; i++)
        {
            (await first.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        using var limited = await first.GetAsync("/api/v1/me");

        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta!.Value.Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        limited.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        for (var i = 0; i < 3; i++)
        {
            (await second.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK, "another token has its own budget");
        }
    }

    [Fact]
    public async Task Sign_in_and_forgot_password_posts_from_one_address_are_limited_but_the_pages_are_not()
    {
        using var client = app.CreateBrowserLikeClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await AppFactory.PostLoginAsync(client, "anna@contoso.example", "wrong password");
            statuses.Add(response.StatusCode);
        }

        statuses.Take(3).Should().NotContain(HttpStatusCode.TooManyRequests);
        statuses[3].Should().Be(HttpStatusCode.TooManyRequests);
        (await client.GetAsync(AccountServiceCollectionExtensions.LoginPath)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.PostAsync("/account/forgot-password", new FormUrlEncodedContent([]))).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await client.PostAsync("/account/set-password", new FormUrlEncodedContent([]))).StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
    }
}

public sealed class AddressRateLimitTests(AddressLimitedAppFactory app) : IClassFixture<AddressLimitedAppFactory>
{
    [Fact]
    public async Task One_address_shares_a_budget_across_tokens_and_without_one()
    {
        using var first = await app.ApiClientAsync("anna@contoso.example");
        using var second = await app.ApiClientAsync("ben@contoso.example");
        using var anonymous = app.ApiClient(null);

        (await anonymous.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        for (var i = 0; i < 2; i++)
        {
            (await first.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await second.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await second.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "five requests came from this address");
        (await anonymous.GetAsync("/api/v1/me")).StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "guessing tokens costs the same budget");
    }
}
