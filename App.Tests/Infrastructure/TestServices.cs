using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// The app's own service registrations over a private SQLite file, without a web host: for tests of services
/// and data that need no HTTP.
/// </summary>
public sealed class TestServices : IAsyncDisposable
{
    private readonly TempFolder folder;
    private readonly ServiceProvider provider;

    private TestServices(TempFolder folder, ServiceProvider provider)
    {
        this.folder = folder;
        this.provider = provider;
    }

    public IServiceProvider Services => provider;
    public IDbContextFactory<AppDbContext> DbFactory => provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
    public string DataFolder => folder.Path;
    public string DatabasePath => folder.Combine("blazortickets.db");

    /// <param name="seedDemoData">Also seed the demo tenant (users, customers, 200 tickets); takes a second or two.</param>
    /// <param name="clock">The app's TimeProvider; defaults to <see cref="FixedTimeProvider"/>.</param>
    /// <param name="initializeDatabase">Run <see cref="DatabaseInitializer"/>; off to test migrating an empty file.</param>
    public static async Task<TestServices> CreateAsync(
        bool seedDemoData = false, TimeProvider? clock = null, bool initializeDatabase = true)
    {
        var folder = new TempFolder();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DataOptions.Section}:{nameof(DataOptions.DataFolder)}"] = folder.Path,
                [$"{DataOptions.Section}:{nameof(DataOptions.SeedDemoData)}"] = seedDemoData ? "true" : "false",
            })
            .Build();
        var environment = new TestHostEnvironment(folder.Path);

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(environment);
        services.AddLogging();
        services.AddSingleton(clock ?? new FixedTimeProvider());
        services.AddBlazorTickets(configuration, environment);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        var testServices = new TestServices(folder, provider);
        if (initializeDatabase)
        {
            try
            {
                await using var scope = testServices.CreateScope();
                await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
            }
            catch
            {
                await testServices.DisposeAsync();
                throw;
            }
        }
        return testServices;
    }

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    public AsyncServiceScope CreateScope() => provider.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        // Pooled connections keep the database file open; release them before deleting the folder.
        SqliteConnection.ClearAllPools();
        folder.Dispose();
    }

    private sealed class TestHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = typeof(Program).Assembly.GetName().Name!;
        public string ContentRootPath { get; set; } = contentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(contentRoot);
    }
}
