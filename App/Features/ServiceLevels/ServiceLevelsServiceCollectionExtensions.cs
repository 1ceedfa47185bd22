namespace BlazorTickets.Features.ServiceLevels;

public static class ServiceLevelsServiceCollectionExtensions
{
    public static IServiceCollection AddServiceLevels(this IServiceCollection services)
    {
        services.AddOptions<SlaOptions>().BindConfiguration("BlazorTickets:ServiceLevels");
        services.AddSingleton<BusinessCalendarService>();
        services.AddSingleton<SlaRecomputeSignal>();
        services.AddSingleton<SlaWatchSignal>();
        services.AddSingleton<SlaPolicyService>();
        services.AddSingleton<SlaRecompute>();
        services.AddSingleton<SlaWatch>();
        services.AddScoped<SlaTicketService>();
        services.AddHostedService<SlaWorker>();
        return services;
    }
}
