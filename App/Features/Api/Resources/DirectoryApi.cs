using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin.Users;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Tickets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorTickets.Features.Api.Resources;

/// <summary>Tenants, staff users and groups, read only: what the pickers offer, for filling ids into other requests.</summary>
public static class DirectoryApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tenants", TenantsAsync)
            .RequireScope(Policies.Staff, ApiScopes.DirectoryRead)
            .WithName("listTenants").WithTags("Directory")
            .WithSummary("Lists the tenants you may see, by name");

        api.MapGet("/users", UsersAsync)
            .RequireScope(Policies.Staff, ApiScopes.DirectoryRead)
            .WithName("listUsers").WithTags("Directory")
            .WithSummary("Lists staff users who work for the tenants you may see, by name")
            .WithDescription("group keeps the members of one group (its exact name, e.g. Ticket-Support for the users who may handle "
                + "tickets); tenantId keeps those who work for that tenant. Customers' extranet logins are never listed.");

        api.MapGet("/groups", GroupsAsync)
            .RequireScope(Policies.Staff, ApiScopes.DirectoryRead)
            .WithName("listGroups").WithTags("Directory")
            .WithSummary("Lists the user groups; their hourly rates only for billing staff and admins");
    }

    private static async Task<Ok<IReadOnlyList<TenantResource>>> TenantsAsync(TicketService tickets, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<TenantResource>>((await tickets.GetTenantsAsync(ct)).Select(t => new TenantResource(t.Id, t.Name)).ToList());

    private static async Task<Ok<IReadOnlyList<StaffUserOption>>> UsersAsync(PickerService pickers, string? group, int? tenantId, CancellationToken ct) =>
        TypedResults.Ok(await pickers.ListStaffUsersAsync(group, tenantId, ct));

    private static async Task<Ok<IReadOnlyList<GroupResource>>> GroupsAsync(
        HttpContext http, GroupAdminService groups, IAuthorizationService authorization, CancellationToken ct)
    {
        // The rates are what billing charges: the UI shows them to billing staff and admins only.
        var seesRates = (await authorization.AuthorizeAsync(http.User, Policies.Billing)).Succeeded;
        var rows = await groups.ListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<GroupResource>>(rows.Select(g => new GroupResource(g.Id, g.Name, seesRates ? g.HourlyRate : null)).ToList());
    }
}

public sealed record TenantResource(int Id, string Name);

public sealed record GroupResource(int Id, string Name, decimal? HourlyRate);
