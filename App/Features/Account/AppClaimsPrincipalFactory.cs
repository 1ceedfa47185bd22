using System.Security.Claims;
using BlazorTickets.Data;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Account;

/// <summary>Roles follow the user's groups; an extranet login carries the Customer role and its customer id.</summary>
public sealed class AppClaimsPrincipalFactory(
    UserManager<AppUser> userManager,
    IOptions<IdentityOptions> options,
    IDbContextFactory<AppDbContext> dbFactory)
    : UserClaimsPrincipalFactory<AppUser>(userManager, options)
{
    public const string DisplayNameClaim = "display_name";
    public const string CustomerIdClaim = "customer_id";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(DisplayNameClaim, string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName ?? "" : user.DisplayName));

        await using var db = await dbFactory.CreateDbContextAsync();
        var groups = await db.Set<UserGroupMembership>()
            .Where(m => m.UserId == user.Id)
            .Select(m => m.Group.Name)
            .ToListAsync();
        foreach (var group in groups)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, group));
        }
        if (user.CustomerId is int customerId)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, Groups.Customer));
            identity.AddClaim(new Claim(CustomerIdClaim, customerId.ToString()));
        }
        return identity;
    }
}
