using System.Globalization;
using System.Security.Claims;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Users;

namespace BlazorTickets.Features.Portal;

/// <summary>The signed-in extranet user, read from the auth cookie's claims; every portal query filters by <see cref="CustomerId"/>.</summary>
public sealed record PortalCustomer(string UserId, int CustomerId, string DisplayName, string Email)
{
    /// <summary>Null unless <paramref name="user"/> is a customer login with a customer id (policy <see cref="Policies.Customer"/>).</summary>
    public static PortalCustomer? From(ClaimsPrincipal user)
    {
        var userId = user.UserId();
        var customerClaim = user.FindFirstValue(AppClaimsPrincipalFactory.CustomerIdClaim);
        if (userId is null || !user.IsInRole(Groups.Customer)
            || !int.TryParse(customerClaim, NumberStyles.None, CultureInfo.InvariantCulture, out var customerId))
        {
            return null;
        }
        return new PortalCustomer(userId, customerId, user.DisplayName(), user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "");
    }
}
