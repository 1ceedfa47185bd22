using System.Globalization;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Admin.Customers;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Localization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorTickets.Features.Api.Resources;

public sealed record CustomerSummary(
    int Id, string CustomerNumber, string Name, string Company, string PrimaryEmail, int TenantId, string TenantName, bool HasExtranetLogin)
{
    public static CustomerSummary Of(CustomerRow c) =>
        new(c.Id, c.CustomerNumber, c.Name, c.Company, c.PrimaryEmail, c.TenantId, c.TenantName, c.HasExtranetLogin);
}

public sealed record CustomerPage(IReadOnlyList<CustomerSummary> Items, int Total, string? NextCursor);

/// <param name="Emails">The first address is the primary one.</param>
/// <param name="ExtranetLogin">The email of the customer's extranet login, if any.</param>
public sealed record CustomerResponse(
    int Id, int TenantId, string CustomerNumber, string Name, string Company, string Address, IReadOnlyList<string> Emails, string? ExtranetLogin)
{
    public static CustomerResponse Of(CustomerEdit c) =>
        new(c.Id, c.TenantId, c.CustomerNumber, c.Name, c.Company, c.Address, c.Emails.Where(e => e.Length > 0).ToList(), c.ExtranetLogin);
}

/// <summary>A customer's fields as the admin dialog edits them; on PATCH every field left out keeps its value.</summary>
/// <param name="CustomerNumber">A new customer without one gets the tenant's next C-nnnn number.</param>
/// <param name="Emails">Replaces all addresses. A new customer's first is its primary one; on a change, addresses kept keep their place and new ones follow.</param>
public sealed record CustomerRequest(
    int? TenantId = null, string? CustomerNumber = null, string? Name = null, string? Company = null, string? Address = null, List<string>? Emails = null);

/// <summary>Customers through the customer admin service: staff read them (as the pickers do), admins create and change them.</summary>
public static class CustomerApi
{
    public const int DefaultLimit = 50;

    public static void Map(RouteGroupBuilder api)
    {
        var tags = new[] { "Customers" };

        api.MapGet("/customers", ListAsync)
            .RequireScope(Policies.Staff, ApiScopes.CustomersRead)
            .WithName("listCustomers")
            .WithSummary("Customers of the tenants you may see, by customer number; q searches number, name, company and email addresses. Pass nextCursor back as cursor for the next page.")
            .WithTags(tags);

        api.MapGet("/customers/{id:int}", GetAsync)
            .RequireScope(Policies.Staff, ApiScopes.CustomersRead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("getCustomer").WithSummary("One customer with its email addresses.").WithTags(tags);

        api.MapPost("/customers", CreateAsync)
            .RequireScope(Policies.Admin, ApiScopes.CustomersWrite)
            .WithName("createCustomer").WithSummary("Creates a customer (admins).").WithTags(tags);

        api.MapPatch("/customers/{id:int}", UpdateAsync)
            .RequireScope(Policies.Admin, ApiScopes.CustomersWrite)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("updateCustomer").WithSummary("Changes a customer (admins).").WithTags(tags);
    }

    private static async Task<Results<Ok<CustomerPage>, ValidationProblem>> ListAsync(
        CustomerAdminService customers, CancellationToken ct, string? q = null, int? tenantId = null, int? limit = null, string? cursor = null)
    {
        var skip = 0;
        if (cursor is not null && !int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
        {
            return ApiResults.Invalid(nameof(cursor), Text.Of("This cursor is not valid; pass the nextCursor of the previous page."));
        }
        var take = Math.Clamp(limit ?? DefaultLimit, 1, CustomerAdminService.MaxPageSize);
        var page = await customers.QueryRangeAsync(new CustomerQuery(q, tenantId), CustomerSortField.CustomerNumber, descending: false, skip, take, ct);
        var next = skip + page.Items.Count < page.TotalCount ? (skip + page.Items.Count).ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new CustomerPage(page.Items.Select(CustomerSummary.Of).ToList(), page.TotalCount, next));
    }

    private static async Task<Results<Ok<CustomerResponse>, ProblemHttpResult>> GetAsync(int id, CustomerAdminService customers, CancellationToken ct) =>
        await customers.GetAsync(id, ct) is { } customer ? TypedResults.Ok(CustomerResponse.Of(customer)) : ApiResults.NotFound("customer");

    private static async Task<Results<Created<CustomerResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CustomerRequest request, CustomerAdminService customers, CancellationToken ct)
    {
        var edit = Apply(request, new CustomerEdit());
        if (string.IsNullOrWhiteSpace(request.CustomerNumber) && edit.TenantId > 0)
        {
            edit.CustomerNumber = await customers.SuggestNumberAsync(edit.TenantId, ct);
        }
        var result = await customers.SaveAsync(edit, ct);
        if (result.Errors.Count > 0)
        {
            return ApiResults.Invalid(result.Errors);
        }
        var saved = await customers.GetAsync(result.Id, ct);
        return saved is null
            ? ApiResults.NotFound("customer")
            : TypedResults.Created($"{ApiServiceCollectionExtensions.BasePath}/customers/{saved.Id}", CustomerResponse.Of(saved));
    }

    private static async Task<Results<Ok<CustomerResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, CustomerRequest request, CustomerAdminService customers, CancellationToken ct)
    {
        if (await customers.GetAsync(id, ct) is not { } existing)
        {
            return ApiResults.NotFound("customer");
        }
        var result = await customers.SaveAsync(Apply(request, existing), ct);
        if (result.Errors.Count > 0)
        {
            return ApiResults.Invalid(result.Errors);
        }
        return await customers.GetAsync(id, ct) is { } saved ? TypedResults.Ok(CustomerResponse.Of(saved)) : ApiResults.NotFound("customer");
    }

    private static CustomerEdit Apply(CustomerRequest request, CustomerEdit edit)
    {
        edit.TenantId = request.TenantId ?? edit.TenantId;
        edit.CustomerNumber = request.CustomerNumber ?? edit.CustomerNumber;
        edit.Name = request.Name ?? edit.Name;
        edit.Company = request.Company ?? edit.Company;
        edit.Address = request.Address ?? edit.Address;
        edit.Emails = request.Emails?.Select(e => e ?? "").ToList() ?? edit.Emails;
        return edit;
    }
}
