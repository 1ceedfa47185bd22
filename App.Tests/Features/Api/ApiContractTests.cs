using System.Net;
using BlazorTickets.Features.Api;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>
/// Rules every API endpoint keeps, checked over all of them as mapped, so a new endpoint cannot slip past: it names a
/// scope, it refuses a request without a token and one whose token lacks that scope, even an admin's.
/// The resource tests check each endpoint's roles, data and validation.
/// </summary>
public sealed class ApiContractTests(AppFactory app) : IClassFixture<AppFactory>
{
    private sealed record ApiEndpoint(string Method, string Route, string Url, ApiScopeMetadata? Scope, string? ContentType)
    {
        public override string ToString() => $"{Method} {Route}";
    }

    private IReadOnlyList<ApiEndpoint> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiServiceCollectionExtensions.BasePath + "/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(method =>
                new ApiEndpoint(method, e.RoutePattern.RawText!, FillIn(e.RoutePattern), e.Metadata.GetMetadata<ApiScopeMetadata>(),
                    e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.FirstOrDefault())))
            .OrderBy(e => e.Route, StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void Every_endpoint_but_the_callers_own_names_a_known_scope()
    {
        var endpoints = Endpoints();

        endpoints.Should().HaveCountGreaterThan(20, "the tickets, messages, time, customers, quotes and directory resources are mapped");
        endpoints.Where(e => e.Route != ApiServiceCollectionExtensions.BasePath + "/me")
            .Where(e => e.Scope is null || !ApiScopes.All.Contains(e.Scope.Scope))
            .Should().BeEmpty();
    }

    [Fact]
    public async Task Without_a_token_every_endpoint_answers_401()
    {
        using var client = app.ApiClient(null);
        var failures = new List<string>();

        foreach (var endpoint in Endpoints())
        {
            using var response = await client.SendAsync(Request(endpoint));
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{endpoint} answered {(int)response.StatusCode}");
            }
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task An_admin_token_without_the_endpoints_scope_gets_403_on_every_endpoint()
    {
        var failures = new List<string>();
        foreach (var scope in ApiScopes.All)
        {
            using var client = await app.ApiClientAsync("admin@contoso.example", [.. ApiScopes.All.Where(s => s != scope)]);
            foreach (var endpoint in Endpoints().Where(e => e.Scope?.Scope == scope))
            {
                using var response = await client.SendAsync(Request(endpoint));
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{endpoint} without {scope} answered {(int)response.StatusCode}");
                }
            }
        }

        failures.Should().BeEmpty();
    }

    /// <summary>Which demo users each role policy admits, as the policies define them (Account/Policies.cs).</summary>
    private static readonly Dictionary<string, string[]> AdmittedBy = new()
    {
        [BlazorTickets.Features.Account.Policies.Staff] = ["anna@contoso.example", "lena@contoso.example", "bill@contoso.example", "admin@contoso.example"],
        [BlazorTickets.Features.Account.Policies.TeamLead] = ["lena@contoso.example", "admin@contoso.example"],
        [BlazorTickets.Features.Account.Policies.Billing] = ["bill@contoso.example", "admin@contoso.example"],
        [BlazorTickets.Features.Account.Policies.Admin] = ["admin@contoso.example"],
    };

    [Fact]
    public async Task Every_role_with_every_scope_passes_exactly_the_endpoints_its_role_allows()
    {
        var failures = new List<string>();
        foreach (var email in AdmittedBy[BlazorTickets.Features.Account.Policies.Staff])
        {
            using var client = await app.ApiClientAsync(email);
            foreach (var endpoint in Endpoints().Where(e => e.Scope is not null))
            {
                var admitted = AdmittedBy[endpoint.Scope!.Policy].Contains(email);
                using var response = await client.SendAsync(Request(endpoint));
                // Past authorization the made-up id or empty body may well be refused, but never with 401 or 403.
                var refusedByRole = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;
                if (admitted == refusedByRole)
                {
                    failures.Add($"{email} on {endpoint} answered {(int)response.StatusCode}");
                }
            }
        }

        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task A_read_only_token_can_write_nothing()
    {
        using var client = await app.ApiClientAsync("admin@contoso.example", [.. ApiScopes.All.Where(s => s.EndsWith(":read", StringComparison.Ordinal))]);
        var failures = new List<string>();

        foreach (var endpoint in Endpoints().Where(e => e.Method != HttpMethods.Get && e.Scope is not null))
        {
            using var response = await client.SendAsync(Request(endpoint));
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                failures.Add($"{endpoint} answered {(int)response.StatusCode}");
            }
        }

        failures.Should().BeEmpty();
    }

    /// <summary>A body of the kind the endpoint accepts: routing refuses another content type (415) before authorization.</summary>
    private static HttpRequestMessage Request(ApiEndpoint endpoint) =>
        new(new HttpMethod(endpoint.Method), endpoint.Url)
        {
            Content = endpoint.Method == HttpMethods.Get ? null
                : endpoint.ContentType == "multipart/form-data" ? new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "a.bin" } }
                : new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };

    /// <summary>Authorization comes before the handler, so any id will do; one that exists nowhere keeps the handlers' own refusals (e.g. another user's entry) out.</summary>
    private static string FillIn(RoutePattern pattern) =>
        "/" + string.Join("/", pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart => "2000000001",
            _ => "",
        }))));
}
