using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.TimeTracking;

public static class TimeTrackingServiceCollectionExtensions
{
    public static IServiceCollection AddTimeTracking(this IServiceCollection services)
    {
        services.AddSingleton<ITicketTouches, TimeTrackingTicketTouches>();
        services.AddSingleton<Tickets.History.ITicketHistorySource, TimeTrackingHistory>();
        services.AddSingleton<TimerTicker>();
        services.AddSingleton<RunningTimerRegistry>();
        services.AddScoped<TimeTrackingService>();
        services.AddScoped<WorkloadService>();
        services.AddScoped<TimerActions>();
        return services;
    }
}
