using System.Net;
using System.Text.Json;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>The time, timer and customer endpoints as the OpenAPI document and the endpoint metadata describe them.</summary>
public sealed class TimeAndCustomerApiContractTests(ApiTenantHost app) : IClassFixture<ApiTenantHost>
{
    public static TheoryData<string, string, string, string, string> Operations => new()
    {
        { "listTicketTimeEntries", "GET", "/api/v1/tickets/{ticketId}/time-entries", Policies.Staff, ApiScopes.TimeRead },
        { "findTimeEntries", "GET", "/api/v1/time-entries", Policies.Staff, ApiScopes.TimeRead },
        { "getTimeEntry", "GET", "/api/v1/time-entries/{id}", Policies.Staff, ApiScopes.TimeRead },
        { "createTimeEntry", "POST", "/api/v1/tickets/{ticketId}/time-entries", Policies.Staff, ApiScopes.TimeWrite },
        { "updateTimeEntry", "PATCH", "/api/v1/time-entries/{id}", Policies.Staff, ApiScopes.TimeWrite },
        { "deleteTimeEntry", "DELETE", "/api/v1/time-entries/{id}", Policies.Staff, ApiScopes.TimeWrite },
        { "getTimer", "GET", "/api/v1/timer", Policies.Staff, ApiScopes.TimeRead },
        { "startTimer", "POST", "/api/v1/tickets/{ticketId}/timer/start", Policies.Staff, ApiScopes.TimeWrite },
        { "stopTimer", "POST", "/api/v1/timer/stop", Policies.Staff, ApiScopes.TimeWrite },
        { "listCustomers", "GET", "/api/v1/customers", Policies.Staff, ApiScopes.CustomersRead },
        { "getCustomer", "GET", "/api/v1/customers/{id}", Policies.Staff, ApiScopes.CustomersRead },
        { "createCustomer", "POST", "/api/v1/customers", Policies.Admin, ApiScopes.CustomersWrite },
        { "updateCustomer", "PATCH", "/api/v1/customers/{id}", Policies.Admin, ApiScopes.CustomersWrite },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Each_endpoint_is_in_the_document_with_its_operation_id_and_requires_its_role_and_scope(
        string operationId, string method, string path, string policy, string scope)
    {
        using var client = app.ApiClient(null);
        using var response = await client.GetAsync(ApiServiceCollectionExtensions.OpenApiDocumentPath);
        var document = await response.ReadAsync<JsonElement>(HttpStatusCode.OK);
        var endpoint = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == operationId);

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());
        operation.GetProperty("operationId").GetString().Should().Be(operationId);
        operation.GetProperty("summary").GetString().Should().NotBeNullOrWhiteSpace();
        operation.GetProperty("tags").EnumerateArray().Should().ContainSingle();
        operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().Contain(r => r.StartsWith('2'));
        if (path.Contains('{'))
        {
            operation.GetProperty("responses").TryGetProperty("404", out _).Should().BeTrue("an id of another tenant answers 404");
        }
        endpoint.Metadata.GetMetadata<ApiScopeMetadata>().Should().Be(new ApiScopeMetadata(policy, scope));
    }
}
