using BlazorTickets.Data;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Demo;

public static class DemoServiceCollectionExtensions
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddScoped<DemoDataSeeder>();
        return services;
    }

    /// <summary>Migrates, seeds when enabled, and prints the demo sign-ins so a new user can get in.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        if (scope.ServiceProvider.GetRequiredService<IOptions<DataOptions>>().Value.SeedDemoData)
        {
            Console.WriteLine();
            Console.WriteLine("BlazorTickets demo sign-ins:");
            foreach (var signIn in DemoDataSeeder.SignIns)
            {
                Console.WriteLine($"  {signIn.Role,-42} {signIn.Email,-36} {signIn.Password}");
            }
            Console.WriteLine();
        }
    }
}
