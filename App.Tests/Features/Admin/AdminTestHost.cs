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

namespace BlazorTickets.Tests.Features.Admin;

/// <summary>
/// The app's services on a migrated SQLite file in a temp folder, for the admin service tests.
/// Stand-in until the shared test infrastructure exists; keep everything it does in this one file.
/// </summary>
public sealed class AdminTestHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;
    private readonly AsyncServiceScope scope;

    private AdminTestHost(string folder, IConfiguration configuration, IHostEnvironment environment)
    {
        Folder = folder;
        Configuration = configuration;
        Environment = environment;
        var services = new ServiceCollection();
        AddAppServices(services);
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        scope = provider.CreateAsyncScope();
    }

    public string Folder { get; }
    public IConfiguration Configuration { get; }
    public IHostEnvironment Environment { get; }
    public IServiceProvider Services => scope.ServiceProvider;

    public static async Task<AdminTestHost> StartAsync(bool seedDemoData = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), "blazortickets-admin-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["BlazorTickets:DataFolder"] = folder,
                ["BlazorTickets:SeedDemoData"] = seedDemoData ? "true" : "false",
            })
            .Build();
        var host = new AdminTestHost(folder, configuration, new TestHostEnvironment(folder));
        await host.Get<DatabaseInitializer>().InitializeAsync();
        return host;
    }

    /// <summary>The registrations Program.cs makes that the admin services need.</summary>
    private void AddAppServices(IServiceCollection services)
    {
        AddPageServices(services);
        services.AddAccount();
        services.AddDemo();
    }

    /// <summary>What the admin pages need on this database, without the sign-in machinery, for a bUnit container that fakes it.</summary>
    public void AddPageServices(IServiceCollection services)
    {
        services.AddLogging();
        services.AddLocalization();
        services.AddSingleton(TimeProvider.System);
        services.AddData(Configuration, Environment);
        services.AddTickets();
        services.AddAdmin();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public AppDbContext CreateDbContext() => Get<IDbContextFactory<AppDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open, which would stop the folder from being deleted.
        await using (var db = CreateDbContext())
        {
            SqliteConnection.ClearPool((SqliteConnection)db.Database.GetDbConnection());
        }
        await scope.DisposeAsync();
        await provider.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
    }

    private sealed class TestHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = "BlazorTickets";
        public string ContentRootPath { get; set; } = contentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(contentRoot);
    }
}
