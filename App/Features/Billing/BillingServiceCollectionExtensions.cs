namespace BlazorTickets.Features.Billing;

public static class BillingServiceCollectionExtensions
{
    public static IServiceCollection AddBilling(this IServiceCollection services)
    {
        services.AddScoped<BillingService>();
        services.AddScoped<QuoteService>();
        return services;
    }
}
