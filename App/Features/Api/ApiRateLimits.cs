using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using BlazorTickets.Features.Api.Tokens;
using Microsoft.AspNetCore.RateLimiting;

namespace BlazorTickets.Features.Api;

/// <summary>Requests per minute; <c>BlazorTickets:RateLimits</c> in the settings.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "BlazorTickets:RateLimits";

    public int ApiPerToken { get; set; } = 600;
    public int ApiPerAddress { get; set; } = 1200;
    /// <summary>Sign-in, forgot-password and invitation (set-password) form posts per client address.</summary>
    public int SignInPerAddress { get; set; } = 30;
}

/// <summary>
/// ASP.NET Core's rate limiter: the API per token and per client address, and the forms that take a password or send
/// a mail per address, so that guessing and mail flooding get a 429 with Retry-After.
/// </summary>
public static class ApiRateLimits
{
    public const string ApiPolicy = "api";

    /// <summary>The form posts the sign-in limit covers.</summary>
    public static readonly string[] SignInPaths = ["/account/login", "/account/forgot-password", "/account/set-password", "/setup"];

    public static IServiceCollection AddApiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                if (http.RequestServices.GetService<IProblemDetailsService>() is { } problems)
                {
                    await problems.TryWriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = http,
                        ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests.", Detail = "Wait for the time in Retry-After, then try again." },
                    });
                }
            };
            o.AddPolicy(ApiPolicy, http =>
                ApiTokenAuthenticationHandler.BearerSecret(http.Request) is { } secret
                    ? PerMinute("token:" + Fingerprint(secret), limits.ApiPerToken)
                    : RateLimitPartition.GetNoLimiter(""));
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    HttpMethods.IsPost(http.Request.Method) && SignInPaths.Any(p => http.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))
                        ? PerMinute("sign-in:" + Address(http), limits.SignInPerAddress)
                        : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
                    http.Request.Path.StartsWithSegments(ApiServiceCollectionExtensions.BasePath)
                        ? PerMinute("api:" + Address(http), limits.ApiPerAddress)
                        : RateLimitPartition.GetNoLimiter("")));
        });
        return services;
    }

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "local";

    /// <summary>The limiter keeps its keys in memory; a hash keeps secrets out of it.</summary>
    private static string Fingerprint(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), 0, 16);
}
