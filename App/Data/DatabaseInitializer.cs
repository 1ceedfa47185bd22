using BlazorTickets.Data.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Data;

public class DatabaseInitializer(
    IDbContextFactory<AppDbContext> dbFactory,
    IDatabaseSeeder seeder,
    IOptions<DataOptions> options,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await MigrateAsync(ct);
        if (options.Value.SeedDemoData)
        {
            await seeder.SeedAsync(ct);
        }
    }

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (db.Database.IsNpgsql())
            {
                // Nodes starting together take turns for the whole upgrade: EF's own lock guards each migration, but a
                // node that read the pending list before another node applied it would apply it a second time.
                await db.Database.OpenConnectionAsync(ct);
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(7301000002)", ct);
            }
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (db.Database.IsSqlite() && pending.Count == db.Database.GetMigrations().Count())
            {
                // A new database: 16 KB pages hold a typical mail in a few pages instead of a long overflow chain
                // (about 10 % faster mail import). The page size is fixed when the first table is written.
                await db.Database.ExecuteSqlRawAsync("PRAGMA page_size=16384; PRAGMA journal_mode=WAL;", ct);
            }
            if (pending.Count > 0)
            {
                // Migrate takes EF's migration lock, a row that stays behind if the process is killed meanwhile;
                // taking it only when there is work keeps a killed command-line fetch from blocking every later start.
                logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
                await db.Database.MigrateAsync(ct);
            }
            if (db.Database.IsNpgsql())
            {
                await CreateQuartzTablesAsync(db, ct);
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(7301000002)", ct);
            }
            if (db.Database.IsSqlite())
            {
                // Readers never wait for the writer, and a crash mid-write leaves the last commit intact.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }
        }
    }

    /// <summary>
    /// The clustered job store's tables, which Quartz does not create. Nodes starting together take turns: two
    /// CREATE TABLE IF NOT EXISTS of one table at the same moment can still collide in PostgreSQL's catalog.
    /// </summary>
    private static async Task CreateQuartzTablesAsync(AppDbContext db, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(CreateQuartzTablesSql, ct);
        await transaction.CommitAsync(ct);
    }

    private const string CreateQuartzTablesSql = "SELECT pg_advisory_xact_lock(7301000001);\n" + QuartzTables.PostgresCreate;
}
