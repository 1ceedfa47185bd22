using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Features.Users;

namespace BlazorTickets.Features.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>The services behind the admin pages; each lives in the feature it administers.</summary>
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
