namespace BlazorTickets.Features.Merging;

public static class MergingServiceCollectionExtensions
{
    public static IServiceCollection AddMerging(this IServiceCollection services)
    {
        services.AddScoped<TicketMergeService>();
        return services;
    }
}
