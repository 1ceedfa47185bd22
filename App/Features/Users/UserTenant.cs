using BlazorTickets.Features.Tenants;

namespace BlazorTickets.Features.Users;

/// <summary>A tenant a staff user is limited to. A user without any row works for every tenant.</summary>
public class UserTenant
{
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
}
