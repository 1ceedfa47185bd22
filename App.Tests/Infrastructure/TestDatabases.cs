using BlazorTickets.Data;
using Npgsql;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// A database of its own for one test host: nothing on SQLite (the host's data folder holds the file), a new empty
/// database in the test run's shared PostgreSQL cluster otherwise. Disposing drops it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(DatabaseProvider provider, string? connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>Null on SQLite: the app takes the file in its data folder.</summary>
    public string? ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            return new TestDatabase(provider, null);
        }
        var server = await PostgresServer.SharedAsync();
        return new TestDatabase(provider, await server.CreateDatabaseAsync("app"));
    }

    /// <summary>The settings that point the app at this database.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        yield return new($"{DataOptions.Section}:Database:Provider", Provider.ToString());
        if (ConnectionString is not null)
        {
            yield return new($"ConnectionStrings:{DataOptions.ConnectionStringName}", ConnectionString);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (ConnectionString is not null)
        {
            await using (var connection = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }
            var server = await PostgresServer.SharedAsync();
            await server.DropDatabaseAsync(ConnectionString);
        }
    }
}
