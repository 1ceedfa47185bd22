using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BlazorTickets.Bench;

/// <summary>
/// The app's services over a fresh data folder, optionally with its hosted services (Quartz, IDLE push) running.
/// On PostgreSQL each host gets a new database: on the server of <see cref="PostgresEnvironmentVariable"/> when set,
/// in a private cluster started like the tests' otherwise.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    /// <summary>A connection string whose user may create databases, e.g. Host=127.0.0.1;Username=postgres.</summary>
    public const string PostgresEnvironmentVariable = "BLAZORTICKETS_BENCH_PG";

    private readonly TempFolder folder = new("blazortickets-bench");
    private readonly IHost host;
    private readonly BenchDatabase? database;

    private BenchHost(bool seedDemoData, BenchDatabase? database)
    {
        this.database = database;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlazorTickets:DataFolder"] = folder.Path,
            ["BlazorTickets:SeedDemoData"] = seedDemoData ? "true" : "false",
        });
        if (database is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["BlazorTickets:Database:Provider"] = nameof(DatabaseProvider.Postgres),
                ["ConnectionStrings:BlazorTickets"] = database.ConnectionString,
            });
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddBlazorTickets(builder.Configuration, builder.Environment);
        host = builder.Build();
    }

    public IServiceProvider Services => host.Services;
    public IDbContextFactory<AppDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
    public string DataFolder => folder.Path;

    public DatabaseProvider Provider => database is null ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;

    public static async Task<BenchHost> CreateAsync(bool seedDemoData = false, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var database = provider == DatabaseProvider.Postgres ? await BenchDatabase.CreateAsync() : null;
        var bench = new BenchHost(seedDemoData, database);
        await using var scope = bench.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        return bench;
    }

    public Task StartAsync() => host.StartAsync();

    public async Task<int> CreateTenantWithMailboxAsync(DovecotServer dovecot, string user, bool push)
    {
        int tenantId;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            var tenant = new Tenant { Name = "Bench tenant", SenderAddress = "support@bench.example", SenderName = "Bench" };
            db.Set<Tenant>().Add(tenant);
            await db.SaveChangesAsync();
            tenantId = tenant.Id;
        }
        await Services.GetRequiredService<MailboxService>().PointAtAsync(tenantId, dovecot, user, input =>
        {
            input.ScheduleEnabled = false;
            input.PushEnabled = push;
        });
        return tenantId;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync();
        }
        catch (OperationCanceledException)
        {
        }
        host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (database is not null)
        {
            await database.DisposeAsync();
        }
        folder.Dispose();
    }

    /// <summary>The size of the database: the SQLite file with its WAL, or what PostgreSQL reports for the database.</summary>
    public async Task<double> DatabaseMegabytesAsync()
    {
        if (database is null)
        {
            var file = new FileInfo(Path.Combine(DataFolder, "blazortickets.db"));
            var wal = new FileInfo(Path.Combine(DataFolder, "blazortickets.db-wal"));
            return ((file.Exists ? file.Length : 0) + (wal.Exists ? wal.Length : 0)) / 1048576.0;
        }
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())! / 1048576.0;
    }

    /// <summary>A new database for one bench host, dropped with it.</summary>
    private sealed class BenchDatabase : IAsyncDisposable
    {
        private readonly TestDatabase? testDatabase;
        private readonly string? adminConnectionString;

        private BenchDatabase(string connectionString, TestDatabase? testDatabase, string? adminConnectionString)
        {
            ConnectionString = connectionString;
            this.testDatabase = testDatabase;
            this.adminConnectionString = adminConnectionString;
        }

        public string ConnectionString { get; }

        public static async Task<BenchDatabase> CreateAsync()
        {
            if (Environment.GetEnvironmentVariable(PostgresEnvironmentVariable) is not { Length: > 0 } admin)
            {
                var test = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
                return new BenchDatabase(test.ConnectionString!, test, null);
            }
            var name = $"bench_{Guid.NewGuid():N}";
            await ExecuteAsync(admin, $"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0");
            return new BenchDatabase(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, null, admin);
        }

        public async ValueTask DisposeAsync()
        {
            if (testDatabase is not null)
            {
                await testDatabase.DisposeAsync();
                return;
            }
            await using (var pooled = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(pooled);
            }
            var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
            await ExecuteAsync(adminConnectionString!, $"DROP DATABASE \"{name}\" WITH (FORCE)");
        }

        private static async Task ExecuteAsync(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
