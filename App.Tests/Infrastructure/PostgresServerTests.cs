using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary><see cref="PostgresServer"/> against the real server: isolation, ICU, LISTEN/NOTIFY, drop, start and stop.</summary>
[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class PostgresServerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly List<string> databases = [];
    private PostgresServer server = null!;

    public async Task InitializeAsync() => server = await PostgresServer.SharedAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in databases)
        {
            await server.DropDatabaseAsync(database);
        }
    }

    private async Task<string> NewDatabaseAsync(string? namePrefix = null)
    {
        var connectionString = await server.CreateDatabaseAsync(namePrefix);
        databases.Add(connectionString);
        return connectionString;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        return await ScalarAsync<T>(connection, sql);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }
        var text = File.ReadAllText(stat);
        return text[(text.LastIndexOf(')') + 2)..].Split(' ')[0] is not ("Z" or "X");
    }

    private static int PostmasterPid(PostgresServer server) =>
        int.Parse(File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Each_created_database_is_empty_and_does_not_see_what_another_one_holds()
    {
        var tickets = await NewDatabaseAsync("Ticket Tests!");
        var other = await NewDatabaseAsync();
        await using (var connection = await OpenAsync(tickets))
        {
            await ExecuteAsync(connection, "CREATE TABLE notes (text text NOT NULL); INSERT INTO notes VALUES ('only in tickets')");
        }

        (await ScalarAsync<string>(tickets, "SELECT string_agg(text, ',') FROM notes")).Should().Be("only in tickets");
        (await ScalarAsync<bool>(other, "SELECT to_regclass('notes') IS NULL")).Should().BeTrue();
        (await ScalarAsync<long>(other, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).Should().Be(0);
        new NpgsqlConnectionStringBuilder(tickets).Database.Should().StartWith("ticket_tests__").And.HaveLength("ticket_tests__".Length + 32);
        (await ScalarAsync<string>(tickets, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()"))
            .Should().Be("UTF8");
    }

    [Fact]
    public async Task An_icu_collation_without_case_levels_finds_Müller_equal_to_MÜLLER()
    {
        await using var connection = await OpenAsync(await NewDatabaseAsync());
        await ExecuteAsync(connection, """CREATE COLLATION "NOCASE" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)""");

        (await ScalarAsync<bool>(connection, """SELECT 'Müller' = 'MÜLLER' COLLATE "NOCASE" """)).Should().BeTrue();
        (await ScalarAsync<bool>(connection, "SELECT 'Müller' = 'MÜLLER'")).Should().BeFalse("the default collation is case-sensitive");
        (await ScalarAsync<bool>(connection, """SELECT 'Müller' = 'Muller' COLLATE "NOCASE" """)).Should().BeFalse("level 2 still tells accents apart");
    }

    [Fact]
    public async Task A_notification_reaches_a_listener_on_another_connection_of_the_same_database_only()
    {
        var tickets = await NewDatabaseAsync();
        var other = await NewDatabaseAsync();
        await using var listener = await OpenAsync(tickets);
        await using var otherListener = await OpenAsync(other);
        var received = new List<NpgsqlNotificationEventArgs>();
        var otherReceived = new List<NpgsqlNotificationEventArgs>();
        listener.Notification += (_, e) => received.Add(e);
        otherListener.Notification += (_, e) => otherReceived.Add(e);
        await ExecuteAsync(listener, "LISTEN ticket_changed");
        await ExecuteAsync(otherListener, "LISTEN ticket_changed");

        await using var notifier = await OpenAsync(tickets);
        await ExecuteAsync(notifier, "SELECT pg_notify('ticket_changed', 'ticket 42')");
        // Same channel name in the other database: had the first notification leaked there, it would arrive first.
        await using var otherNotifier = await OpenAsync(other);
        await ExecuteAsync(otherNotifier, "SELECT pg_notify('ticket_changed', 'other 7')");
        using var timeout = new CancellationTokenSource(Patience);
        await listener.WaitAsync(timeout.Token);
        await otherListener.WaitAsync(timeout.Token);

        received.Should().ContainSingle();
        received[0].Channel.Should().Be("ticket_changed");
        received[0].Payload.Should().Be("ticket 42");
        received[0].PID.Should().Be(notifier.ProcessID);
        otherReceived.Select(n => n.Payload).Should().Equal("other 7");
    }

    [Fact]
    public async Task Dropping_a_database_ends_its_open_connections_and_removes_it()
    {
        var doomed = await server.CreateDatabaseAsync("doomed");
        var name = new NpgsqlConnectionStringBuilder(doomed).Database;
        await using var open = await OpenAsync(doomed);

        await server.DropDatabaseAsync(doomed);

        (await ScalarAsync<long>(server.AdminConnectionString, $"SELECT count(*) FROM pg_database WHERE datname = '{name}'")).Should().Be(0);
        var useOpen = () => ScalarAsync<int>(open, "SELECT 1");
        await useOpen.Should().ThrowAsync<NpgsqlException>();
        var reconnect = () => OpenAsync(doomed);
        (await reconnect.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.InvalidCatalogName);
        var dropAgain = () => server.DropDatabaseAsync(doomed);
        await dropAgain.Should().ThrowAsync<PostgresException>("a missing database is an error, not silently ignored");
        var dropAdmin = () => server.DropDatabaseAsync(server.AdminConnectionString);
        await dropAdmin.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task The_shared_server_is_one_instance_that_disposing_does_not_stop()
    {
        var again = await PostgresServer.SharedAsync();
        await again.DisposeAsync();

        again.Should().BeSameAs(server);
        (await ScalarAsync<int>(server.AdminConnectionString, "SELECT 1")).Should().Be(1);
        Directory.Exists(server.DataDirectory).Should().BeTrue();
    }

    [Fact]
    public async Task A_private_server_runs_without_durability_on_its_own_port_and_dispose_stops_it_and_deletes_its_folder()
    {
        var started = Stopwatch.StartNew();
        var own = await PostgresServer.StartAsync();
        output.WriteLine($"initdb + start of a private cluster: {started.ElapsedMilliseconds} ms");
        int pid;
        string folder;
        await using (own)
        {
            pid = PostmasterPid(own);
            folder = Path.GetDirectoryName(own.DataDirectory)!;

            own.Port.Should().NotBe(server.Port);
            (await ScalarAsync<string>(own.AdminConnectionString, "SHOW port")).Should().Be(own.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            (await ScalarAsync<string>(own.AdminConnectionString, "SHOW fsync")).Should().Be("off");
            (await ScalarAsync<string>(own.AdminConnectionString, "SHOW listen_addresses")).Should().Be("127.0.0.1");
            (await ScalarAsync<string>(own.AdminConnectionString, "SHOW max_connections")).Should().Be("300");
            (await ScalarAsync<string>(own.AdminConnectionString, "SELECT current_user")).Should().Be(PostgresServer.SuperUser);
            File.ReadAllText(own.LogPath).Should().Contain("database system is ready to accept connections");
            IsRunning(pid).Should().BeTrue();
        }

        IsRunning(pid).Should().BeFalse();
        Directory.Exists(folder).Should().BeFalse();
        // Unpooled: the pool would hand out its idle connection without asking the server.
        var connect = () => OpenAsync(new NpgsqlConnectionStringBuilder(own.AdminConnectionString) { Pooling = false }.ConnectionString);
        await connect.Should().ThrowAsync<NpgsqlException>();
    }

    [Fact]
    public async Task The_cluster_of_a_test_run_that_died_is_stopped_and_deleted_by_the_next_start()
    {
        await using var orphan = await PostgresServer.StartAsync();
        var pid = PostmasterPid(orphan);
        var folder = Path.GetDirectoryName(orphan.DataDirectory)!;
        // As if the owning test process had been killed: a pid that no process can have.
        await File.WriteAllTextAsync(orphan.OwnerPath, $"{int.MaxValue} 0");

        await using (await PostgresServer.StartAsync())
        {
            IsRunning(pid).Should().BeFalse();
            Directory.Exists(folder).Should().BeFalse();
            IsRunning(PostmasterPid(server)).Should().BeTrue("the shared cluster's owner, this process, is alive");
        }
    }

    [Fact]
    public void The_newest_installed_major_version_is_used_and_a_missing_install_says_what_to_install()
    {
        using var fake = new TempFolder("postgresql-versions");
        foreach (var version in new[] { "9", "15", "17", "notes" })
        {
            Directory.CreateDirectory(fake.Combine(version, "bin"));
            File.WriteAllText(fake.Combine(version, "bin", "initdb"), "");
        }
        Directory.CreateDirectory(fake.Combine("18", "bin"));

        PostgresServer.FindBinDirectory(fake.Path).Should().Be(fake.Combine("17", "bin"));
        var missing = () => PostgresServer.FindBinDirectory(fake.Combine("none"));
        missing.Should().Throw<InvalidOperationException>().WithMessage("*apt-get install -y postgresql*");
    }
}
