using BlazorTickets.Features.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Data;

public class DatabaseInitializer(
    IDbContextFactory<AppDbContext> dbFactory,
    DemoDataSeeder seeder,
    IOptions<DataOptions> options,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            }
            await db.Database.MigrateAsync(ct);
        }

        if (options.Value.SeedDemoData)
        {
            await seeder.SeedAsync(ct);
        }
    }
}
