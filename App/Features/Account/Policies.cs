using System.Security.Claims;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Authorization;

namespace BlazorTickets.Features.Account;

public static class Policies
{
    /// <summary>Any member of staff: the ticket desk.</summary>
    public const string Staff = "Staff";
    public const string Admin = "Admin";
    public const string TeamLead = "TeamLead";
    public const string Billing = "Billing";
    public const string Customer = "Customer";

    public static void Register(AuthorizationOptions options)
    {
        // A customer login is refused on staff pages even if someone also put it into a staff group.
        options.AddPolicy(Staff, p => p.RequireRole(Groups.Staff).RequireAssertion(c => !c.User.IsInRole(Groups.Customer)));
        options.AddPolicy(Admin, p => p.RequireRole(Groups.Admins).RequireAssertion(c => !c.User.IsInRole(Groups.Customer)));
        options.AddPolicy(TeamLead, p => p.RequireRole(Groups.TeamLeads, Groups.Admins).RequireAssertion(c => !c.User.IsInRole(Groups.Customer)));
        options.AddPolicy(Billing, p => p.RequireRole(Groups.Billing, Groups.Admins).RequireAssertion(c => !c.User.IsInRole(Groups.Customer)));
        options.AddPolicy(Customer, p => p.RequireRole(Groups.Customer).RequireClaim(AppClaimsPrincipalFactory.CustomerIdClaim));
    }

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(AppClaimsPrincipalFactory.DisplayNameClaim) ?? user.Identity?.Name ?? "";

    public static string? UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);
}
