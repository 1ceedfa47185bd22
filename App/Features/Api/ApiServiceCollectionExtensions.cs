using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace BlazorTickets.Features.Api;

public static class ApiServiceCollectionExtensions
{
    public const string BasePath = "/api/v1";
    public const string OpenApiDocumentPath = "/api/v1/openapi.json";
    public const string ReferencePath = "/api/docs";
    public const string DocumentName = "v1";

    public static IServiceCollection AddApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ApiTokenService>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddProblemDetails();
        services.AddApiRateLimits(configuration);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddOpenApi(DocumentName, o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith(BasePath[1..] + "/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "BlazorTickets API",
                    Version = DocumentName,
                    Description = "Tickets, messages, time, customers and quotes. Authenticate with a personal access token: `Authorization: Bearer btk_…`.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["token"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A personal access token from your profile page.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("token", document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>The API group: token sign-in only (no cookies, so no cross-site requests), rate limited, problem details for every refusal.</summary>
    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/api/{documentName}/openapi.json").AllowAnonymous();
        endpoints.MapScalarApiReference(ReferencePath, o => o
            .WithTitle("BlazorTickets API")
            // The fonts would come from Scalar's servers; the system fonts keep every request on this site.
            .DisableDefaultFonts()
            .WithOpenApiRoutePattern("/api/{documentName}/openapi.json"));

        var api = endpoints.MapGroup(BasePath)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = ApiTokenAuthenticationHandler.SchemeName })
            .RequireRateLimiting(ApiRateLimits.ApiPolicy);
        foreach (var map in ApiResources)
        {
            map(api);
        }
        return endpoints;
    }

    /// <summary>Each resource maps its endpoints onto the group; add a resource here.</summary>
    private static readonly Action<RouteGroupBuilder>[] ApiResources =
    [
        TokenApi.Map,
        Resources.TicketApi.Map,
        Resources.MessageApi.Map,
        Resources.AttachmentApi.Map,
        Resources.TimeEntryApi.Map,
        Resources.TimerApi.Map,
        Resources.CustomerApi.Map,
        Resources.QuoteApi.Map,
        Resources.DirectoryApi.Map,
    ];

    /// <summary>The endpoint also needs <paramref name="scope"/> on its token, besides the role <paramref name="policy"/> names.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string policy, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).RequireAuthorization(p => p
            .AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName)
            .RequireClaim(ApiScopes.ClaimType, scope))
            .WithMetadata(new ApiScopeMetadata(policy, scope));

    /// <summary>
    /// The reference page starts its script inline; it shows no user data, so only there inline scripts may run.
    /// </summary>
    public const string ReferenceContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// Keeps API answers JSON: the app's HTML status pages stay out of /api, and a refusal without a body (401, 403,
    /// 404 from routing) gets problem details.
    /// </summary>
    public static IApplicationBuilder UseApiResponses(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments("/api"))
            {
                await next(http);
                return;
            }
            if (http.Request.Path.StartsWithSegments(ReferencePath))
            {
                http.Response.OnStarting(() =>
                {
                    http.Response.Headers.ContentSecurityPolicy = ReferenceContentSecurityPolicy;
                    return Task.CompletedTask;
                });
            }
            if (http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = false;
            }
            await next(http);
            if (!http.Response.HasStarted && http.Response.StatusCode >= 400 && http.Response.ContentLength is null or 0
                && string.IsNullOrEmpty(http.Response.ContentType))
            {
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = http.Response.StatusCode,
                        Detail = http.Response.StatusCode switch
                        {
                            StatusCodes.Status401Unauthorized => "Send a valid personal access token: Authorization: Bearer btk_…",
                            StatusCodes.Status403Forbidden => "Your role or the token's scopes do not allow this.",
                            _ => null,
                        },
                    },
                });
            }
        });
}

/// <summary>Which role policy and token scope an API endpoint requires; read by the contract tests and the OpenAPI document.</summary>
public sealed record ApiScopeMetadata(string Policy, string Scope);
