using System.Net;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Account;

public sealed class SignInHardeningTests(SignInHardeningTests.Factory app) : IClassFixture<SignInHardeningTests.Factory>
{
    public sealed class Factory : AppFactory
    {
        public Factory() => TestServices = services =>
        {
            services.AddSingleton(Hasher);
            services.AddSingleton<IPasswordHasher<AppUser>>(Hasher);
        };

        public CountingPasswordHasher Hasher { get; } = new();
    }

    /// <summary>Identity's real hasher, counting how often a password is checked.</summary>
    public sealed class CountingPasswordHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> inner = new();
        private int verifications;

        public int Verifications => Volatile.Read(ref verifications);

        public string HashPassword(AppUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Theory]
    [InlineData("nobody@contoso.example")]
    [InlineData("anna@contoso.example")]
    public async Task Every_failed_sign_in_checks_a_password_hash_whether_or_not_the_address_exists(string email)
    {
        using var client = app.CreateBrowserLikeClient();
        var before = app.Hasher.Verifications;

        using var response = await AppFactory.PostLoginAsync(client, email, "Wrong-password-1");

        response.StatusCode.Should().Be(HttpStatusCode.OK, "a failed sign-in shows the form again");
        app.Hasher.Verifications.Should().BeGreaterThan(before, "an unknown address must cost a hash like a known one");
    }

    [Fact]
    public async Task A_return_address_that_makes_no_valid_header_sends_the_user_to_their_start_page()
    {
        using var client = app.CreateBrowserLikeClient();
        var form = await AppFactory.LoginFormAsync(client);
        form["Input.Email"] = "anna@contoso.example";
        form["Input.Password"] = DemoDataSeeder.Password;

        using var response = await client.PostAsync(
            AccountServiceCollectionExtensions.LoginPath + "?returnUrl=/%E3%80%82/x", new FormUrlEncodedContent(form));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        PathOf(response).Should().Be("/tickets");
    }

    [Theory]
    [InlineData("/%5Cevil.example")]
    [InlineData("//evil.example")]
    [InlineData("/%E3%80%82/x")]
    public async Task Switching_the_language_with_a_foreign_return_address_goes_home(string redirectUri)
    {
        using var client = app.CreateBrowserLikeClient();

        using var response = await client.GetAsync($"/culture/set?culture=de&redirectUri={redirectUri}");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        PathOf(response).Should().Be("/");
    }

    [Fact]
    public async Task Switching_the_language_returns_to_a_local_page()
    {
        using var client = app.CreateBrowserLikeClient();

        using var response = await client.GetAsync("/culture/set?culture=de&redirectUri=%2Ftickets%3Fstatus%3DOpen");

        new Uri(new Uri("http://localhost"), response.Headers.Location!).PathAndQuery.Should().Be("/tickets?status=Open");
    }

    private static string PathOf(HttpResponseMessage response) => new Uri(new Uri("http://localhost"), response.Headers.Location!).AbsolutePath;
}
