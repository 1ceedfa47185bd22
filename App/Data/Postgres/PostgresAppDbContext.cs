using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BlazorTickets.Data.Postgres;

/// <summary>
/// The app's context on PostgreSQL. A type of its own, because EF finds a provider's migrations and compiled model by
/// the context type: SQLite keeps <see cref="AppDbContext"/>'s, this one has its own set in Data/Migrations/Postgres.
/// Services never name it; they ask for <see cref="IDbContextFactory{AppDbContext}"/> as on SQLite.
/// It also holds the Data Protection key ring, so every node signs cookies and decrypts passwords with the same keys.
/// </summary>
public class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options), IDataProtectionKeyContext
{
    /// <summary>
    /// SQLite's NOCASE, spelled the same so the shared configurations work here too: ICU's case-insensitive comparison
    /// (which also matches "Müller" with "MÜLLER").
    /// </summary>
    public const string NoCaseCollation = "NOCASE";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite stores any length; so does text here. The services check lengths and say so in their messages.
        configurationBuilder.Properties<string>().HaveColumnType("text");
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasCollation(NoCaseCollation, locale: "und-u-ks-level2", provider: "icu", deterministic: false);
        base.OnModelCreating(builder);
        builder.Entity<DataProtectionKey>().ToTable("DataProtectionKeys");
    }

    /// <summary>
    /// The app stores UTC instants in plain DateTime values, as SQLite keeps them: timestamps without time zone, any
    /// DateTimeKind. Npgsql reads the switch once, at its first use in the process, so it is set when this assembly
    /// loads (<see cref="NpgsqlSwitches"/>) and again here for hosts that load Npgsql first.
    /// </summary>
    public static void UseUtcTimestampsAsStored() => AppContext.SetSwitch("Npgsql.EnableLegacyTimestampBehavior", true);
}

/// <summary>For <c>dotnet ef migrations add … --context PostgresAppDbContext</c>; it needs no running server.</summary>
public sealed class PostgresAppDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args)
    {
        PostgresAppDbContext.UseUtcTimestampsAsStored();
        var options = new DbContextOptionsBuilder<PostgresAppDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=design_time")
            .Options;
        return new PostgresAppDbContext(options);
    }
}

internal static class NpgsqlSwitches
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Set() => PostgresAppDbContext.UseUtcTimestampsAsStored();
}
