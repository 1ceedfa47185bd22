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
}
