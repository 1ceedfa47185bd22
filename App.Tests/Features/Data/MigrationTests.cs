using BlazorTickets.Data;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Data;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_sqlite_file_and_leave_none_pending()
    {
        await using var services = await TestServices.CreateAsync(initializeDatabase: false);
        File.Exists(services.DatabasePath).Should().BeFalse("the test must start from no database at all");

        await using var db = await services.DbFactory.CreateDbContextAsync();
        var all = db.Database.GetMigrations().ToList();
        all.Should().NotBeEmpty();

        await db.Database.MigrateAsync();

        File.Exists(services.DatabasePath).Should().BeTrue();
        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Database.GetAppliedMigrationsAsync()).Should().Equal(all);
    }

    [Fact]
    public async Task The_initializer_creates_a_new_database_with_16_kb_pages_in_wal_mode()
    {
        await using var services = await TestServices.CreateAsync(initializeDatabase: false);

        await using (var scope = services.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        }

        await using var db = await services.DbFactory.CreateDbContextAsync();
        (await db.Database.SqlQueryRaw<long>("SELECT page_size AS Value FROM pragma_page_size").SingleAsync()).Should().Be(16384);
        (await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync()).Should().Be("wal");
    }

    [Fact]
    public async Task The_model_has_no_changes_that_lack_a_migration()
    {
        await using var services = await TestServices.CreateAsync(initializeDatabase: false);
        await using var db = await services.DbFactory.CreateDbContextAsync();

        db.Database.HasPendingModelChanges().Should().BeFalse(
            "every model change needs a migration: dotnet ef migrations add <Name> --project App --output-dir Data/Migrations");
    }

    [Fact]
    public async Task The_initializer_creates_every_table_of_the_model()
    {
        await using var services = await TestServices.CreateAsync();
        await using var db = await services.DbFactory.CreateDbContextAsync();

        var tables = await TableNamesAsync(services.DatabasePath);

        var modelTables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).OfType<string>().Distinct().ToList();
        tables.Should().Contain(modelTables);
        tables.Should().Contain(
        [
            "__EFMigrationsHistory", "AspNetUsers", "AspNetRoles", "AspNetUserClaims", "AspNetUserLogins", "AspNetUserTokens",
            "Tenants", "UserGroups", "UserGroupMemberships", "Customers", "CustomerEmails",
            "Tickets", "TicketWatchers", "TicketAssignedCustomers", "TicketMessages", "Attachments",
            "TextBlocks", "TimeEntries", "RunningTimers", "Quotes", "QuoteLines", "Counters",
        ]);
    }

    [Fact]
    public async Task Running_the_initializer_on_a_migrated_database_changes_nothing()
    {
        await using var services = await TestServices.CreateAsync();
        await using (var scope = services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        }

        await using var db = await services.DbFactory.CreateDbContextAsync();
        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
        (await db.Set<Tenant>().CountAsync()).Should().Be(0, "demo data is off for this database");
    }

    /// <summary>Read from SQLite's own catalogue, not through EF, so a table EF merely expects cannot pass.</summary>
    private static async Task<List<string>> TableNamesAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
