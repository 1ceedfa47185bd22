using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// The app's own service registrations over a private SQLite file or PostgreSQL database, without a web host: for tests of services
/// and data that need no HTTP.
/// </summary>
public sealed class TestServices : IAsyncDisposable
{
    private readonly TempFolder? ownFolder;
    private readonly ServiceProvider provider;

    private readonly TestDatabase? ownDatabase;

    private TestServices(TempFolder? ownFolder, TestDatabase? ownDatabase, TestAppOptions options, ServiceProvider provider)
    {
        this.ownFolder = ownFolder;
        this.ownDatabase = ownDatabase;
        Options = options;
        this.provider = provider;
    }

    public IServiceProvider Services => provider;
    public IDbContextFactory<AppDbContext> DbFactory => provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
    public string DataFolder => Options.DataFolder;
    public string DatabasePath => Path.Combine(DataFolder, "blazortickets.db");
    public TimeProvider Clock => Options.Clock;

    /// <summary>What these services were built from; a bUnit context builds its own the same way.</summary>
    public TestAppOptions Options { get; }

    /// <param name="seedDemoData">Also seed the demo tenant (users, customers, 200 tickets); takes a second or two.</param>
    /// <param name="clock">The app's TimeProvider; defaults to <see cref="FixedTimeProvider"/>.</param>
    /// <param name="initializeDatabase">Run <see cref="DatabaseInitializer"/>; off to test migrating an empty file.</param>
    /// <param name="dataFolder">A data folder that outlives these services (a restart reuses it); default: a new temporary one.</param>
    /// <param name="overrides">Replaces app services after the app registered its own, as AppFactory's TestServices does.</param>
    /// <param name="provider">SQLite in the data folder, or a new database in the test run's PostgreSQL cluster.</param>
    /// <param name="database">A database that outlives these services (a restart reuses it); default: a new one.</param>
    public static async Task<TestServices> CreateAsync(
        bool seedDemoData = false, TimeProvider? clock = null, bool initializeDatabase = true,
        string? dataFolder = null, Action<IServiceCollection>? overrides = null,
        DatabaseProvider provider = DatabaseProvider.Sqlite, TestDatabase? database = null)
    {
        var folder = dataFolder is null ? new TempFolder() : null;
        var ownDatabase = database is null ? await TestDatabase.CreateAsync(provider) : null;
        var options = new TestAppOptions(dataFolder ?? folder!.Path, seedDemoData, clock ?? new FixedTimeProvider())
        {
            Database = database ?? ownDatabase,
        };
        var services = new ServiceCollection();
        options.AddAppServices(services);
        overrides?.Invoke(services);
        var serviceProvider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        var testServices = new TestServices(folder, ownDatabase, options, serviceProvider);
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

    /// <summary>
    /// A context factory over the same database with only <paramref name="interceptors"/>, none of the app's: for tests
    /// that step into a service's statements.
    /// </summary>
    public IDbContextFactory<AppDbContext> DbFactoryWith(params IInterceptor[] interceptors) =>
        Options.Database?.ConnectionString is { } connectionString
            ? new OptionsDbFactory(() => new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>()
                .UseNpgsql(connectionString).AddInterceptors(interceptors).Options))
            : new OptionsDbFactory(() => new AppDbContext(new DbContextOptionsBuilder<AppDbContext>()
                .UseSqlite($"Data Source={DatabasePath}").AddInterceptors(interceptors).Options));

    private sealed class OptionsDbFactory(Func<AppDbContext> create) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => create();
    }

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    public AsyncServiceScope CreateScope() => provider.CreateAsyncScope();

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        // Pooled connections keep the database file open; release them before deleting the folder.
        SqliteConnection.ClearAllPools();
        if (ownDatabase is not null)
        {
            await ownDatabase.DisposeAsync();
        }
        ownFolder?.Dispose();
    }
}

/// <summary>
/// The app's own registrations (<see cref="BlazorTicketsServiceCollectionExtensions.AddBlazorTickets"/>) over a
/// test data folder and a test clock, without a web host. Every test host without HTTP builds its services here.
/// </summary>
public sealed record TestAppOptions(string DataFolder, bool SeedDemoData, TimeProvider Clock)
{
    /// <summary>Null: SQLite in the data folder.</summary>
    public TestDatabase? Database { get; init; }

    public void AddAppServices(IServiceCollection services)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"{DataOptions.Section}:{nameof(DataOptions.DataFolder)}"] = DataFolder,
            [$"{DataOptions.Section}:{nameof(DataOptions.SeedDemoData)}"] = SeedDemoData ? "true" : "false",
        };
        foreach (var (key, value) in Database?.Settings() ?? [])
        {
            settings[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var environment = new TestHostEnvironment(DataFolder);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(environment);
        services.AddLogging();
        services.AddSingleton(Clock);
        services.AddBlazorTickets(configuration, environment);
    }

    private sealed class TestHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = typeof(Program).Assembly.GetName().Name!;
        public string ContentRootPath { get; set; } = contentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(contentRoot);
    }
}
