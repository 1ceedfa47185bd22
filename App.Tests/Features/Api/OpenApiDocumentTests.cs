using System.Net;
using BlazorTickets.Features.Api;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace BlazorTickets.Tests.Features.Api;

public sealed class OpenApiDocumentTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<OpenApiDocument> ReadDocumentAsync()
    {
        using var client = app.ApiClient(null);
        var json = await client.GetStringAsync(ApiServiceCollectionExtensions.OpenApiDocumentPath);
        var read = OpenApiDocument.Parse(json, "json");
        read.Diagnostic!.Errors.Should().BeEmpty("the document must parse as OpenAPI");
        return read.Document!;
    }

    [Fact]
    public async Task The_document_validates()
    {
        var document = await ReadDocumentAsync();

        document.Validate(ValidationRuleSet.GetDefaultRuleSet()).Should().BeEmpty();
        document.Info.Title.Should().Be("BlazorTickets API");
        document.Components!.SecuritySchemes!.Should().ContainKey("token");
    }

    [Fact]
    public async Task The_document_lists_every_api_endpoint_with_its_method_and_nothing_else()
    {
        var document = await ReadDocumentAsync();
        var documented = document.Paths
            .SelectMany(p => p.Value.Operations!.Keys.Select(method => $"{method.Method.ToUpperInvariant()} {p.Key}"))
            .ToHashSet();

        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiServiceCollectionExtensions.BasePath + "/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {OpenApiPath(e.RoutePattern.RawText!)}"))
            .ToHashSet();

        mapped.Should().Contain("GET /api/v1/me");
        documented.Should().BeEquivalentTo(mapped);
        document.Paths.SelectMany(p => p.Value.Operations!.Values).Should().OnlyContain(o => !string.IsNullOrEmpty(o.OperationId) && !string.IsNullOrEmpty(o.Summary));
    }

    [Fact]
    public async Task The_reference_page_shows_the_document()
    {
        using var client = app.ApiClient(null);

        using var response = await client.GetAsync(ApiServiceCollectionExtensions.ReferencePath + "/");

        response.StatusCode.Should().Be(HttpStatusCode.OK, response.Headers.Location?.ToString());
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("BlazorTickets API").And.Contain("openapi.json");
        response.Headers.GetValues("Content-Security-Policy").Should().Equal(ApiServiceCollectionExtensions.ReferenceContentSecurityPolicy);
    }

    /// <summary>The route's parameters without their constraints, as OpenAPI writes them: {id:int} → {id}.</summary>
    private static string OpenApiPath(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}:?]+)[^}]*\}", "{$1}");
}
