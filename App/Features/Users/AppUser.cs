using BlazorTickets.Features.Customers;
using Microsoft.AspNetCore.Identity;

namespace BlazorTickets.Features.Users;

public class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public string Signature { get; set; } = "";
    public int? BillingGroupId { get; set; }
    public UserGroup? BillingGroup { get; set; }
    /// <summary>Set for extranet logins: the customer this login belongs to.</summary>
    public int? CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public List<UserGroupMembership> Memberships { get; set; } = [];
    /// <summary>The tenants this staff user is limited to; none means every tenant.</summary>
    public List<UserTenant> Tenants { get; set; } = [];

    /// <summary>
    /// The lockout end that means "disabled until someone with the right lifts it" rather than "too many failed
    /// sign-ins"; far enough out to never pass, near enough that converting it to any local time cannot overflow.
    /// </summary>
    public static readonly DateTimeOffset SignInDisabled = new(9999, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public bool IsSignInDisabled => LockoutEnd >= SignInDisabled;

    /// <summary>Stops sign-in and ends existing sessions.</summary>
    public void DisableSignIn()
    {
        LockoutEnabled = true;
        LockoutEnd = SignInDisabled;
        EndSessions();
    }

    /// <summary>A new security stamp: cookies and open pages fail their next check and must sign in again.</summary>
    public void EndSessions() => SecurityStamp = Guid.NewGuid().ToString("N");
}
