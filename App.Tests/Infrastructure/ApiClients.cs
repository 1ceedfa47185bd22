using System.Net.Http.Headers;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>Personal access tokens and API clients for a user of the app under test.</summary>
public static class ApiClients
{
    /// <summary>A token of the user with <paramref name="email"/>, made through the same service as the profile page; every scope when none are named.</summary>
    public static async Task<string> ApiTokenAsync(this AppFactory app, string email, params string[] scopes)
    {
        using var scope = app.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email)
            ?? throw new InvalidOperationException($"No user {email}.");
        var (created, errors) = await app.Services.GetRequiredService<ApiTokenService>()
            .CreateAsync(user.Id, new NewApiToken("test " + Guid.NewGuid().ToString("N")[..6], scopes.Length == 0 ? ApiScopes.All.ToList() : scopes, null));
        return created?.Secret ?? throw new InvalidOperationException($"No token for {email}: {string.Join("; ", errors.All)}");
    }

    /// <summary>An HTTP client that sends <paramref name="secret"/> as its bearer token and does not follow redirects.</summary>
    public static HttpClient ApiClient(this AppFactory app, string? secret)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = app.ClientBaseAddress });
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
        return client;
    }

    public static async Task<HttpClient> ApiClientAsync(this AppFactory app, string email, params string[] scopes) =>
        app.ApiClient(await app.ApiTokenAsync(email, scopes));
}
