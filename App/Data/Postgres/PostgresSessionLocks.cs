using Npgsql;

namespace BlazorTickets.Data.Postgres;

/// <summary>
/// Session advisory locks that coordinate the nodes sharing one PostgreSQL database. Each lock lives on a connection of
/// its own outside the pool, so it ends with that connection: released on dispose, and by the server when the node's
/// process dies (its socket closes) or its network goes (TCP keepalive). Registered only on PostgreSQL.
/// </summary>
public sealed class PostgresSessionLocks(string connectionString)
{
    /// <summary>This node among the others, in pg_stat_activity's application_name of every lock connection.</summary>
    public string NodeId { get; } = $"{Environment.ProcessId}@{Environment.MachineName}/{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The application_name of this node's lock connection for <paramref name="purpose"/> (PostgreSQL keeps 63 bytes of it).</summary>
    public string ApplicationName(string purpose) => $"BlazorTickets {purpose} {NodeId}";

    /// <summary>Polls until the lock is free or <paramref name="wait"/> passed; null then.</summary>
    public async Task<SessionLock?> AcquireAsync(int lockClass, int lockId, string purpose, TimeSpan wait, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        var connection = await OpenAsync(purpose, ct);
        try
        {
            while (true)
            {
                if (await TryLockAsync(connection, lockClass, lockId, ct))
                {
                    return new SessionLock(connection);
                }
                if (DateTime.UtcNow >= deadline)
                {
                    await connection.DisposeAsync();
                    return null;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public Task<SessionLock?> TryAcquireAsync(int lockClass, int lockId, string purpose, CancellationToken ct) =>
        AcquireAsync(lockClass, lockId, purpose, TimeSpan.Zero, ct);

    private async Task<NpgsqlConnection> OpenAsync(string purpose, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName(purpose),
            // A node cut off from the network loses its locks within about a minute instead of holding them until the
            // operating system's two-hour keepalive: the server probes the socket, and so does the node.
            Options = "-c tcp_keepalives_idle=15 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=4",
            TcpKeepAlive = true,
            TcpKeepAliveTime = 15,
            TcpKeepAliveInterval = 5,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, int lockClass, int lockId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@class, @id)", connection);
        command.Parameters.AddWithValue("class", lockClass);
        command.Parameters.AddWithValue("id", lockId);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>A held advisory lock; disposing closes its connection, which releases it.</summary>
public sealed class SessionLock(NpgsqlConnection connection) : IAsyncDisposable
{
    /// <summary>False once the lock's connection is gone (the server restarted, the network dropped): the lock is lost.</summary>
    public async Task<bool> IsHeldAsync(CancellationToken ct)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
