namespace BlazorTickets.Features.Tickets;

public static class TicketsServiceCollectionExtensions
{
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddSingleton<TicketChangeNotifier>();
        services.AddSingleton<TicketChangeInterceptor>();
        services.AddSingleton<PresenceTracker>();
        services.AddScoped<TicketService>();
        return services;
    }

    public static IEndpointRouteBuilder MapTicketEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
