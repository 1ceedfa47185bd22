using BlazorTickets.Data.Postgres;
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
        var connectionString = configuration.GetConnectionString(DataOptions.ConnectionStringName) ?? options.ConnectionString;

        var dataProtection = services.AddDataProtection().SetApplicationName("BlazorTickets");
        if (DataOptions.PostgresConnectionString(configuration) is { } postgres)
        {
            PostgresAppDbContext.UseUtcTimestampsAsStored();
            services.AddDbContextFactory<PostgresAppDbContext>((sp, db) =>
            {
                db.UseNpgsql(postgres);
                db.AddInterceptors(sp.GetServices<IInterceptor>());
            });
            // Services and Identity's stores know the context by its shared type.
            services.AddSingleton<IDbContextFactory<AppDbContext>>(sp =>
                new UpcastDbContextFactory<PostgresAppDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>()));
            services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
            dataProtection.PersistKeysToDbContext<PostgresAppDbContext>();
            services.AddSingleton(new CrossNodeSettings(postgres));
            services.AddSingleton<PostgresChangeBridge>();
            services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeBridge>());
            services.AddSingleton(new PostgresSessionLocks(postgres));
        }
        else
        {
            connectionString ??= $"Data Source={Path.Combine(dataFolder, "blazortickets.db")}";
            services.AddDbContextFactory<AppDbContext>((sp, db) =>
            {
                db.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(AppDbContext).Assembly.FullName));
                // Features register what they need to see of every connection and save; the order of registration holds.
                db.AddInterceptors(sp.GetServices<IInterceptor>());
            });
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataFolder, "keys")));
        }

        services.AddScoped<DatabaseInitializer>();
        return services;
    }

    private sealed class UpcastDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AppDbContext>
        where TContext : AppDbContext
    {
        public AppDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<AppDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
