using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BlazorTickets.Tests.Features.Data;

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class PostgresMigrationTests
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_leave_none_pending()
    {
        await using var services = await TestServices.CreateAsync(initializeDatabase: false, provider: DatabaseProvider.Postgres);
        await using var db = await services.DbFactory.CreateDbContextAsync();
        db.Should().BeOfType<PostgresAppDbContext>();
        var all = db.Database.GetMigrations().ToList();
        all.Should().NotBeEmpty();
        all[0].Should().EndWith("_Initial", "PostgreSQL has its own migration set, not SQLite's");

        await using (var scope = services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        }

        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).Should().Equal(all);
        var tables = await TableNamesAsync(services.Options.Database!.ConnectionString!);
        tables.Should().Contain(db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct());
        tables.Should().Contain(["DataProtectionKeys", "Tickets", "TicketHistory", "Counters"]);
    }

    [Fact]
    public async Task The_postgres_model_has_no_changes_that_lack_a_migration()
    {
        await using var services = await TestServices.CreateAsync(initializeDatabase: false, provider: DatabaseProvider.Postgres);
        await using var db = await services.DbFactory.CreateDbContextAsync();

        db.Database.HasPendingModelChanges().Should().BeFalse(
            "every model change needs a PostgreSQL migration too: dotnet ef migrations add <Name> --project App --context PostgresAppDbContext " +
            "--output-dir Data/Migrations/Postgres --namespace BlazorTickets.Data.Migrations.Postgres");
    }

    [Fact]
    public async Task Two_nodes_starting_at_once_migrate_the_database_once()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var first = await TestServices.CreateAsync(initializeDatabase: false, database: database);
        await using var second = await TestServices.CreateAsync(initializeDatabase: false, database: database);

        await Task.WhenAll(MigrateAsync(first), MigrateAsync(second));

        await using var db = await first.DbFactory.CreateDbContextAsync();
        (await db.Database.GetAppliedMigrationsAsync()).Should().Equal(db.Database.GetMigrations());
    }

    [Fact]
    public async Task The_triggers_keep_list_names_and_the_unbilled_flag_and_refuse_to_change_history()
    {
        await using var services = await TestServices.CreateAsync(seedDemoData: true, provider: DatabaseProvider.Postgres);
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>().Where(t => t.HandlerId != null && t.CustomerId != null && t.TimeTrackingAllowed && !t.HasUnbilledTime)
            .OrderBy(t => t.Id).FirstAsync();
        var handler = await db.Set<AppUser>().SingleAsync(u => u.Id == ticket.HandlerId);
        ticket.HandlerName.Should().Be(handler.DisplayName);

        await db.Set<AppUser>().Where(u => u.Id == handler.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "Renamed Agent"));
        var entry = new TimeEntry
        {
            TicketId = ticket.Id, UserId = handler.Id, Start = DateTime.UtcNow.AddHours(-1), End = DateTime.UtcNow, Minutes = 60, Billable = true,
        };
        db.Add(entry);
        await db.SaveChangesAsync();

        var after = await db.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == ticket.Id);
        after.HandlerName.Should().Be("Renamed Agent");
        after.HasUnbilledTime.Should().BeTrue();

        await db.Set<TimeEntry>().Where(e => e.Id == entry.Id).ExecuteDeleteAsync();
        (await db.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == ticket.Id)).HasUnbilledTime.Should().BeFalse();

        var history = await db.Set<TicketHistoryEntry>().OrderBy(h => h.Id).FirstAsync();
        var change = () => db.Set<TicketHistoryEntry>().Where(h => h.Id == history.Id).ExecuteUpdateAsync(h => h.SetProperty(x => x.ActorName, "forged"));
        (await change.Should().ThrowAsync<PostgresException>()).Which.MessageText.Should().Contain("append-only");
    }

    private static async Task MigrateAsync(TestServices services)
    {
        await using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
    }

    /// <summary>Read from PostgreSQL's catalogue, not through EF, so a table EF merely expects cannot pass.</summary>
    private static async Task<List<string>> TableNamesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
