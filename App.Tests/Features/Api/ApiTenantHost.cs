using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Features.Users;
using Microsoft.Extensions.DependencyInjection;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>
/// The real app with the demo data and a second tenant (<see cref="ForeignTenant"/>); anna (agent) and bill (billing)
/// are limited to the demo tenant, the other demo staff see every tenant.
/// </summary>
public sealed class ApiTenantHost : AppFactory, IAsyncLifetime
{
    public const string Administrator = "admin@contoso.example";
    public const string Anna = "anna@contoso.example";
    public const string Ben = "ben@contoso.example";
    public const string Carla = "carla@contoso.example";
    public const string Lena = "lena@contoso.example";
    public const string Bill = "bill@contoso.example";

    public ForeignTenant Foreign { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Foreign = await ForeignTenant.SeedAsync(Services);
        await Foreign.LimitToHomeTenantAsync(Services, Anna);
        await Foreign.LimitToHomeTenantAsync(Services, Bill);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public Task<string> UserIdAsync(string email) => ForeignTenant.UserIdAsync(Services, email);

    /// <summary>The user's running timer as the app bar and the ticket page see it.</summary>
    public async Task<RunningTimerInfo?> RunningTimerAsync(string email)
    {
        var userId = await UserIdAsync(email);
        var registry = Services.GetRequiredService<RunningTimerRegistry>();
        await registry.EnsureLoadedAsync();
        return registry.Of(userId);
    }

    public async Task<T> QueryAsync<T>(Func<BlazorTickets.Data.AppDbContext, Task<T>> query)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await query(db);
    }
}

public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(expected, body);
        return JsonSerializer.Deserialize<T>(body, Options)!;
    }

    /// <summary>The messages a 400 validation problem lists for <paramref name="field"/>.</summary>
    public static async Task<IReadOnlyList<string>> FieldErrorsAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ReadAsync<JsonElement>(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        problem.GetProperty("errors").TryGetProperty(field, out var messages).Should().BeTrue(problem.ToString());
        return messages.EnumerateArray().Select(m => m.GetString()!).ToList();
    }

    /// <summary>The detail of a problem response with <paramref name="status"/>.</summary>
    public static async Task<string> ProblemDetailAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var problem = await response.ReadAsync<JsonElement>(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
    }

    public static Task<HttpResponseMessage> PatchJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.PatchAsync(url, JsonContent.Create(body, options: Options));

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, object? body) =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Options) });
}
