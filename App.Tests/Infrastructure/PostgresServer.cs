using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL cluster (Debian package postgresql) on a free loopback port, with its data folder, socket and
/// log in a temp folder under /tmp. The superuser is <c>postgres</c> with trust authentication, so connection strings
/// carry no password. Durability is off (fsync, synchronous_commit, full_page_writes): a test cluster trades crash
/// safety for speed.
/// <see cref="SharedAsync"/> gives one cluster for the whole test run, stopped at process exit; each test class
/// creates its own database there with <see cref="CreateDatabaseAsync"/>. <see cref="StartAsync"/> starts a cluster of
/// one's own; dispose it to stop the server and delete the folder.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string SuperUser = "postgres";
    public const string AdminDatabase = "postgres";

    /// <summary>initdb and postgres refuse to run as root; as root they run as this user, created by the Debian package.</summary>
    private const string OsUser = "postgres";

    private const string FolderPrefix = "blazortickets-postgres";
    private const string RunUserPath = "/usr/sbin/runuser";

    /// <summary>
    /// Not <see cref="Path.GetTempPath"/>: the postgres user must reach the folder, and TMPDIR may point into root's
    /// home. /tmp is short too, which the socket path (at most 107 bytes) needs.
    /// </summary>
    private const string ParentFolder = "/tmp";

    /// <summary>Bounds every wait (initdb, start, stop); the waits end as soon as the server is ready.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>A folder without an owner file this old is a leftover; a younger one may be starting right now.</summary>
    private static readonly TimeSpan OwnerlessGrace = TimeSpan.FromMinutes(1);

    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => Task.Run(StartSharedAsync));

    private readonly TempFolder folder;
    private readonly string binDirectory;
    private readonly bool isShared;
    private ProcessIdentity? postmaster;
    private int stopped;

    private PostgresServer(TempFolder folder, string binDirectory, bool isShared)
    {
        this.folder = folder;
        this.binDirectory = binDirectory;
        this.isShared = isShared;
    }

    public string Host => "127.0.0.1";
    public int Port { get; private set; }

    /// <summary>The cluster's data folder; its postmaster.pid names the running server.</summary>
    public string DataDirectory => folder.Combine("data");

    /// <summary>The server's own log (startup, errors, crashes); worth reading when a test fails.</summary>
    public string LogPath => folder.Combine("postgres.log");

    /// <summary>Superuser connection to the maintenance database <c>postgres</c>.</summary>
    public string AdminConnectionString => ConnectionStringFor(AdminDatabase);

    /// <summary>"pid starttime" of the test process that owns the cluster, so a later run can tell a crashed run's leftover.</summary>
    internal string OwnerPath => folder.Combine("owner");

    /// <summary>
    /// The cluster the whole test process shares: started on first use, stopped and deleted at process exit.
    /// Disposing it does nothing, so <c>await using</c> by one test class cannot stop it under another. A failed start
    /// is remembered: every later caller gets the same error at once instead of waiting again.
    /// </summary>
    public static Task<PostgresServer> SharedAsync() => Shared.Value;

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = await StartAsync(isShared: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>Starts a cluster of the caller's own and returns once it accepts connections on <see cref="Port"/>.</summary>
    public static Task<PostgresServer> StartAsync() => StartAsync(isShared: false);

    private static async Task<PostgresServer> StartAsync(bool isShared)
    {
        var binDirectory = FindBinDirectory();
        var asOtherUser = Environment.IsPrivilegedProcess;
        if (asOtherUser)
        {
            EnsureOsUserExists();
        }
        ReapLeftovers();

        var server = new PostgresServer(new TempFolder(FolderPrefix, ParentFolder), binDirectory, isShared);
        try
        {
            await server.InitializeClusterAsync(asOtherUser);
            // The free port is found before PostgreSQL binds it, so another process may take it in between; try again then.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await server.StartPostmasterAsync(FreeLoopbackPort());
                    break;
                }
                catch (PortTakenException) when (attempt < 3)
                {
                }
            }
            await server.WaitUntilAnsweringAsync();
            return server;
        }
        catch
        {
            server.Stop();
            throw;
        }
    }

    /// <summary>
    /// The bin folder of the newest installed PostgreSQL major version; throws a message that says what to install
    /// when there is none.
    /// </summary>
    internal static string FindBinDirectory(string root = "/usr/lib/postgresql")
    {
        var newest = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root)
                .Select(d => (Folder: d, Version: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version >= 0 && File.Exists(Path.Combine(d.Folder, "bin", "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Folder, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            $"PostgreSQL is not installed: no {root}/*/bin/initdb. The PostgreSQL tests need a real server; " +
            "install it with `apt-get install -y postgresql` (./test.sh does this when it is missing).");
    }

    private static void EnsureOsUserExists()
    {
        if (!File.ReadLines("/etc/passwd").Any(line => line.StartsWith(OsUser + ":", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException(
                $"The tests run as root, and initdb and postgres refuse root, but there is no OS user {OsUser} to run " +
                "them as. The Debian package postgresql creates it: `apt-get install -y postgresql`.");
        }
    }

    /// <summary>A connection string for <paramref name="database"/> on this server, as the superuser.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = SuperUser,
        Database = database,
        // Test failures then show the offending values, not only the constraint name.
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>
    /// Creates a new empty UTF-8 database with a unique name (from template0, so nothing created in template1 leaks
    /// in) and returns a connection string to it. The name starts with <paramref name="namePrefix"/> reduced to
    /// lower-case letters, digits and underscores, to show in the server log whose database it is.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string? namePrefix = null)
    {
        var prefix = new string((namePrefix ?? "test").ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        // PostgreSQL cuts names at 63 bytes; the unique part must survive that.
        var name = $"{prefix[..Math.Min(prefix.Length, 30)]}_{Guid.NewGuid():N}";
        await ExecuteAdminAsync($"CREATE DATABASE {QuoteIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8'");
        return ConnectionStringFor(name);
    }

    /// <summary>
    /// Drops the database of <paramref name="connectionString"/>, closing every connection to it first: the idle ones
    /// in this process's Npgsql pool and, on the server, any other (also those still in use).
    /// </summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (string.IsNullOrEmpty(database) || database is AdminDatabase or "template0" or "template1")
        {
            throw new ArgumentException($"Refusing to drop the database '{database}' of {connectionString}.", nameof(connectionString));
        }
        using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        // WITH (FORCE) terminates the other sessions (pg_terminate_backend) and drops in one step, so no new connection
        // can slip in between.
        await ExecuteAdminAsync($"DROP DATABASE {QuoteIdentifier(database)} WITH (FORCE)");
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    private async Task InitializeClusterAsync(bool asOtherUser)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The PostgreSQL test server runs the Debian package's binaries: Linux only.");
        }
        var self = ProcessIdentity.Of(Environment.ProcessId)
            ?? throw new InvalidOperationException("Cannot read this process's own /proc entry.");
        await File.WriteAllTextAsync(OwnerPath, self.ToString());
        if (asOtherUser)
        {
            await RunAsync("chown", ["-R", $"{OsUser}:", folder.Path]);
        }
        File.SetUnixFileMode(folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // C.UTF-8 sorts by code point like C but knows the characters; ICU collations (CREATE COLLATION ... provider =
        // icu) work with any default locale. --no-sync: the cluster is thrown away anyway.
        await RunServerToolAsync("initdb",
            ["-D", DataDirectory, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"]);
    }

    private async Task StartPostmasterAsync(int port)
    {
        Port = port;
        var options = string.Join(' ',
            $"-p {port}",
            $"-k {folder.Path}",
            "-c listen_addresses=127.0.0.1",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            // Parallel test classes each keep a pool of connections.
            "-c max_connections=300");
        var seconds = ((int)Deadline.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        try
        {
            await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogPath, "-o", options, "-w", "-t", seconds, "start"]);
        }
        catch (InvalidOperationException) when (ReadLog().Contains("Address already in use", StringComparison.Ordinal))
        {
            throw new PortTakenException();
        }
        postmaster = ReadPostmasterIdentity(DataDirectory)
            ?? throw new InvalidOperationException($"pg_ctl reported the server started, but {DataDirectory}/postmaster.pid names no live process.\n{ReadLog()}");
    }

    /// <summary>pg_ctl -w waits for the server to accept connections on its socket; this proves TCP works too.</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            using var timeout = new CancellationTokenSource(Deadline);
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            throw new InvalidOperationException($"PostgreSQL does not answer on {Host}:{Port}: {ex.Message}\n{ReadLog()}", ex);
        }
    }

    private string ReadLog()
    {
        if (!File.Exists(LogPath))
        {
            return "(no PostgreSQL log)";
        }
        var log = File.ReadAllText(LogPath);
        const int tail = 8000;
        return $"--- {LogPath} ---\n{(log.Length > tail ? "…" + log[^tail..] : log)}";
    }

    public ValueTask DisposeAsync()
    {
        if (!isShared)
        {
            Stop();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Immediate shutdown (SIGQUIT, as <c>pg_ctl stop -m immediate</c>): the data is thrown away, so no checkpoint.
    /// Synchronous, because the shared cluster stops in a ProcessExit handler.
    /// </summary>
    private void Stop()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }
        // Read again when unknown: pg_ctl may have given up waiting while the server was still coming up.
        if ((postmaster ?? ReadPostmasterIdentity(DataDirectory)) is { } running)
        {
            StopPostmaster(running);
        }
        folder.Dispose();
    }

    private static void StopPostmaster(ProcessIdentity postmaster)
    {
        postmaster.Signal(SigQuit);
        if (WaitUntilGone([postmaster], TimeSpan.FromSeconds(10)))
        {
            return;
        }
        // Frozen first so it starts no new child while its children are listed.
        postmaster.Signal(SigStop);
        var all = ProcessIdentity.ChildrenOf(postmaster.Pid).Append(postmaster).ToList();
        all.ForEach(p => p.Signal(SigKill));
        WaitUntilGone(all, Deadline);
    }

    private static bool WaitUntilGone(IReadOnlyCollection<ProcessIdentity> processes, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (processes.Any(p => p.IsAlive))
        {
            if (waited.Elapsed > limit)
            {
                return false;
            }
            Thread.Sleep(10);
        }
        return true;
    }

    /// <summary>
    /// Stops and deletes the clusters of test runs that died without cleaning up (killed, crashed, debugger stopped).
    /// Clusters of live test processes, also other runs on this machine, stay untouched.
    /// </summary>
    private static void ReapLeftovers()
    {
        foreach (var path in Directory.EnumerateDirectories(ParentFolder, FolderPrefix + "-*"))
        {
            try
            {
                var ownerPath = Path.Combine(path, "owner");
                if (File.Exists(ownerPath)
                    ? ProcessIdentity.Parse(File.ReadAllText(ownerPath)) is { IsAlive: true }
                    : DateTime.UtcNow - Directory.GetCreationTimeUtc(path) < OwnerlessGrace)
                {
                    continue;
                }
                if (ReadPostmasterIdentity(Path.Combine(path, "data")) is { } leftover)
                {
                    StopPostmaster(leftover);
                }
                Directory.Delete(path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
            {
                // Best effort: another run may be reaping the same folder; a leftover must not fail this run.
            }
        }
    }

    /// <summary>The postmaster that postmaster.pid names, if it is alive and really serves this data folder.</summary>
    private static ProcessIdentity? ReadPostmasterIdentity(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile)
            || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), CultureInfo.InvariantCulture, out var pid)
            || ProcessIdentity.Of(pid) is not { } process)
        {
            return null;
        }
        return process.CommandLine().Contains(dataDirectory, StringComparison.Ordinal) ? process : null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<string> RunServerToolAsync(string tool, string[] arguments)
    {
        var path = Path.Combine(binDirectory, tool);
        return Environment.IsPrivilegedProcess
            ? RunAsync(RunUserPath, ["-u", OsUser, "--", path, .. arguments], folder.Path)
            : RunAsync(path, arguments, folder.Path);
    }

    private async Task<string> RunAsync(string fileName, string[] arguments, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The test's working directory may be closed to the postgres user, and initdb and pg_ctl change into it.
            WorkingDirectory = workingDirectory ?? folder.Path,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline + TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {Deadline.TotalSeconds} s.\n{ReadLog()}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await output}{await errors}\n{ReadLog()}");
        }
        return await output;
    }

    private const int SigKill = 9;
    private const int SigQuit = 3;
    private const int SigStop = 19;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private sealed class PortTakenException : Exception;

    /// <summary>A process by pid and start time (clock ticks after boot), so a recycled pid is never mistaken for it.</summary>
    private sealed record ProcessIdentity(int Pid, long StartTime)
    {
        public static ProcessIdentity? Of(int pid) => ReadStat(pid) is { } stat ? new ProcessIdentity(pid, stat.StartTime) : null;

        public static ProcessIdentity? Parse(string text)
        {
            var parts = text.Trim().Split(' ');
            return parts.Length == 2
                ? new ProcessIdentity(int.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture))
                : throw new FormatException($"Not \"pid starttime\": {text}");
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTime}");

        /// <summary>Running and not a zombie: an exited child whose parent has not reaped it yet counts as gone.</summary>
        public bool IsAlive => ReadStat(Pid) is { } stat && stat.StartTime == StartTime && stat.State is not ("Z" or "X");

        public string CommandLine()
        {
            try
            {
                return File.ReadAllText($"/proc/{Pid}/cmdline").Replace('\0', ' ');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return "";
            }
        }

        public void Signal(int signal)
        {
            if (IsAlive)
            {
                _ = SendSignal(Pid, signal);
            }
        }

        public static IEnumerable<ProcessIdentity> ChildrenOf(int parentPid)
        {
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid)
                    && ReadStat(pid) is { } stat && stat.ParentPid == parentPid)
                {
                    yield return new ProcessIdentity(pid, stat.StartTime);
                }
            }
        }

        private static (string State, int ParentPid, long StartTime)? ReadStat(int pid)
        {
            try
            {
                // The command name in parentheses may hold spaces; the fields after it are state, ppid, … starttime (22nd).
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return (fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
