using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Portal;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Demo;

public static class DemoServiceCollectionExtensions
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<IDatabaseSeeder>(sp => sp.GetRequiredService<DemoDataSeeder>());
        return services;
    }

    /// <summary>
    /// Migrates, seeds when enabled, and shows a new user the way in: the demo sign-ins that work, or, on an install
    /// without any administrator, a one-time link to create the first one.
    /// </summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        if (scope.ServiceProvider.GetRequiredService<IOptions<DataOptions>>().Value.SeedDemoData)
        {
            var signIns = await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().WorkingSignInsAsync();
            if (signIns.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine("BlazorTickets demo sign-ins:");
                foreach (var signIn in signIns)
                {
                    Console.WriteLine($"  {signIn.Role,-42} {signIn.Email,-36} {signIn.Password}");
                }
                Console.WriteLine();
            }
        }

        var setup = app.Services.GetRequiredService<FirstAdminSetup>();
        if (!await setup.AdministratorExistsAsync())
        {
            var token = setup.Issue();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BlazorTickets.Setup");
            // The listening address is known only once the server runs.
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                var link = new Uri(SiteAddress(app), FirstAdminSetup.LinkPath(token));
                logger.LogWarning(
                    "No administrator exists yet. Create the first one within {Hours} hours, once, at {SetupLink}",
                    FirstAdminSetup.Lifetime.TotalHours, link);
            });
        }
    }

    private static Uri SiteAddress(WebApplication app)
    {
        if (app.Services.GetRequiredService<PortalLinkAddress>().Configured is { } configured)
        {
            return configured;
        }
        var address = app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? HostingDefaults.DefaultUrl;
        // A wildcard host ("http://+:8080", "http://0.0.0.0:8080", "http://[::]:8080") is no address to open.
        address = System.Text.RegularExpressions.Regex.Replace(address, @"//(\+|\*|0\.0\.0\.0|\[::\])(?=[:/]|$)", "//localhost");
        return Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri : new Uri(HostingDefaults.DefaultUrl);
    }
}
