namespace BlazorTickets.Data;

public class DataOptions
{
    public const string Section = "BlazorTickets";

    /// <summary>The name under ConnectionStrings that both providers read.</summary>
    public const string ConnectionStringName = "BlazorTickets";

    /// <summary>Folder for the SQLite database and the data-protection key ring; relative paths are under the content root.</summary>
    public string DataFolder { get; set; } = "data";
    /// <summary>Off unless the environment (appsettings.Development.json) or the operator turns it on: demo users have a published password.</summary>
    public bool SeedDemoData { get; set; }
    /// <summary>Overrides the SQLite file in the data folder (older setting; ConnectionStrings:BlazorTickets does the same).</summary>
    public string? ConnectionString { get; set; }

    public DatabaseOptions Database { get; set; } = new();

    /// <summary>The shared database's connection string when the provider is PostgreSQL; null on SQLite.</summary>
    public static string? PostgresConnectionString(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<DataOptions>() ?? new DataOptions();
        if (options.Database.Provider != DatabaseProvider.Postgres)
        {
            return null;
        }
        var connectionString = configuration.GetConnectionString(ConnectionStringName) ?? options.ConnectionString;
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException($"{Section}:Database:Provider is Postgres, but ConnectionStrings:{ConnectionStringName} is not set.")
            : connectionString;
    }

    public string ResolveDataFolder(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataFolder) ? DataFolder : Path.Combine(contentRoot, DataFolder));
}

public class DatabaseOptions
{
    /// <summary><see cref="DatabaseProvider.Sqlite"/> (embedded, one machine) or <see cref="DatabaseProvider.Postgres"/> (several nodes).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
