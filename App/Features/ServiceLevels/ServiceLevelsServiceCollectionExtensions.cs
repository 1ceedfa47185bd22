namespace BlazorTickets.Features.ServiceLevels;

public static class ServiceLevelsServiceCollectionExtensions
{
    public static IServiceCollection AddServiceLevels(this IServiceCollection services)
    {
        services.AddSingleton<BusinessCalendarService>();
        return services;
    }
}
