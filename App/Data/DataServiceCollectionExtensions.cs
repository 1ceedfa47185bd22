using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Data;

public static class DataServiceCollectionExtensions
{
    public static IServiceCollection AddData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(DataOptions.Section).Get<DataOptions>() ?? new DataOptions();
        services.Configure<DataOptions>(configuration.GetSection(DataOptions.Section));
        var dataFolder = options.ResolveDataFolder(environment.ContentRootPath);
        Directory.CreateDirectory(dataFolder);

        var connectionString = options.ConnectionString ?? $"Data Source={Path.Combine(dataFolder, "blazortickets.db")}";
        services.AddDbContextFactory<AppDbContext>((sp, db) =>
        {
            db.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName));
            // Features register what they need to see of every connection and save; the order of registration holds.
            db.AddInterceptors(sp.GetServices<IInterceptor>());
        });

        services.AddDataProtection()
            .SetApplicationName("BlazorTickets")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataFolder, "keys")));

        services.AddScoped<DatabaseInitializer>();
        return services;
    }
}
