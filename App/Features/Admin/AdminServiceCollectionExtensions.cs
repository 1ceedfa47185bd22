using BlazorTickets.Features.Admin.Customers;
using BlazorTickets.Features.Admin.Tenants;
using BlazorTickets.Features.Admin.TextBlocks;
using BlazorTickets.Features.Admin.Users;

namespace BlazorTickets.Features.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>The services behind the admin pages; each lives in Admin/&lt;feature&gt;, above the feature it administers.</summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddScoped<TenantAdminService>();
        services.AddScoped<GroupAdminService>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<CustomerAdminService>();
        services.AddScoped<TextBlockAdminService>();
        return services;
    }
}
