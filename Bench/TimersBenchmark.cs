using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BlazorTickets.Bench;

/// <summary>
/// Running timers shown live in many open circuits. The app runs as its own process (so its CPU and memory are its
/// own); this process opens real Blazor circuits on the workload board as the team lead, where every circuit shows all
/// running timers, plus the lead's own timer in the app bar. It reads the shown times out of the render batches as
/// they arrive and compares them with the true elapsed time since each timer's stored start.
/// Arguments: [circuits=200] [timers=500] [seconds=30] [who=lead|agents]. "lead": every circuit is the team lead's
/// board (all timers in each circuit). "agents": circuit i is agent i's own board line, one timer shown twice.
/// </summary>
public static partial class TimersBenchmark
{
    /// <summary>Timer i started i × 37 s before the first: every shown time maps back to exactly one timer.</summary>
    private const int Spacing = 37;

    public static async Task RunAsync(string[] args)
    {
        var circuits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var timerCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
        var agentsMode = args.Length > 3 && args[3] == "agents";
        const string path = "/workload";

        var folder = Directory.CreateTempSubdirectory("blazortickets-timers-");
        Process? server = null;
        var clients = new List<BlazorCircuitClient>();
        try
        {
            var firstStart = await PrepareDataAsync(folder.FullName, timerCount);
            Console.WriteLine($"data: demo tenant + {timerCount} running timers (the team lead's and {timerCount - 1} agents')");

            var port = FreePort();
            var baseUrl = $"http://127.0.0.1:{port}";
            var tickerLog = new ConcurrentQueue<string>();
            server = StartServer(folder.FullName, baseUrl, tickerLog);
            await WaitUntilUpAsync(baseUrl, server);
            var cookies = await SignInAsync(baseUrl, "lena@contoso.example", DemoDataSeeder.Password);
            var agentCookies = new List<CookieContainer>();
            if (agentsMode)
            {
                for (var i = 1; i <= circuits; i++)
                {
                    agentCookies.Add(await SignInAsync(baseUrl, AgentEmail(i), DemoDataSeeder.Password));
                }
            }

            // Warm-up: one circuit, so JIT and caches do not count as per-circuit memory.
            var warm = await BlazorCircuitClient.OpenAsync(baseUrl, path, cookies, CancellationToken.None);
            await Task.Delay(3000);
            await warm.DisposeAsync();
            await Task.Delay(2000);
            var rssBefore = Rss(server);

            var stats = new List<CircuitStats>();
            var measuring = 0;
            var opened = Stopwatch.StartNew();
            for (var i = 0; i < circuits; i++)
            {
                var client = await BlazorCircuitClient.OpenAsync(baseUrl, path, agentsMode ? agentCookies[i] : cookies, CancellationToken.None);
                var circuitStats = new CircuitStats();
                stats.Add(circuitStats);
                // SignalR calls one connection's handlers one at a time, so each circuit's stats need no lock.
                client.BatchReceived += (arrived, data) =>
                {
                    if (Volatile.Read(ref measuring) == 0)
                    {
                        return;
                    }
                    var sinceFirst = (arrived - firstStart).TotalSeconds;
                    var values = ShownSeconds(data.Span);
                    circuitStats.Arrived(arrived);
                    foreach (var shown in values)
                    {
                        // The timer this value belongs to, then how far the shown value is behind its true elapsed time.
                        var index = Math.Clamp((int)Math.Round((shown - sinceFirst) / Spacing), 0, timerCount - 1);
                        circuitStats.Add(sinceFirst + index * Spacing - shown);
                    }
                };
                clients.Add(client);
            }
            Console.WriteLine($"opened {circuits} circuits on {path} in {opened.Elapsed.TotalSeconds:F1} s");
            await Task.Delay(5000);
            var rssAfter = Rss(server);

            var tickerBefore = tickerLog.LastOrDefault();
            var cpuBefore = CpuSeconds(server);
            var wall = Stopwatch.StartNew();
            var batchesBefore = clients.Sum(c => c.Batches);
            var bytesBefore = clients.Sum(c => c.Bytes);
            Volatile.Write(ref measuring, 1);
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            Volatile.Write(ref measuring, 0);
            var cpu = CpuSeconds(server) - cpuBefore;
            var elapsed = wall.Elapsed.TotalSeconds;
            var batches = clients.Sum(c => c.Batches) - batchesBefore;
            var bytes = clients.Sum(c => c.Bytes) - bytesBefore;

            var all = CircuitStats.Merge(stats);
            var alive = clients.Count(c => !c.Closed);
            var errors = clients.SelectMany(c => c.Errors).Distinct().ToList();
            var shownTimers = circuits * timerCount;

            Console.WriteLine();
            Console.WriteLine($"circuits open at the end            {alive} of {circuits}");
            Console.WriteLine(agentsMode
                ? $"timers shown                        each circuit an agent's own line and app bar: 2 per circuit, {2 * circuits} in all ({timerCount} running)"
                : $"timers shown                        {timerCount} per circuit on the board, {shownTimers:N0} in all, + the app-bar timer");
            Console.WriteLine($"render batches received             {batches / elapsed:F0}/s ({bytes / elapsed / 1024:F0} KiB/s)");
            Console.WriteLine($"shown times checked                 {all.Count:N0}");
            if (all.Count > 0)
            {
                Console.WriteLine($"shown vs true elapsed at arrival    min {all.Min:F3} s, p50 {all.Percentile(0.5):F3} s, p99 {all.Percentile(0.99):F3} s, max {all.Max:F3} s");
                Console.WriteLine($"time between update rounds          p50 {all.GapPercentile(0.5):F3} s, p99 {all.GapPercentile(0.99):F3} s, max {all.MaxGap:F3} s");
            }
            Console.WriteLine($"server CPU while ticking            {cpu / elapsed * 100:F1} % of one core ({cpu:F1} s CPU in {elapsed:F1} s)");
            var tickerAfter = tickerLog.LastOrDefault();
            Console.WriteLine($"ticker's own fan-out                {FanOut(tickerBefore, tickerAfter)}");
            Console.WriteLine($"server memory (RSS)                 {rssBefore / 1048576.0:F0} MiB before, {rssAfter / 1048576.0:F0} MiB with the circuits: {(rssAfter - rssBefore) / 1024.0 / circuits:F0} KiB per circuit");
            if (errors.Count > 0)
            {
                Console.WriteLine($"circuit errors: {string.Join(" | ", errors.Take(3))}");
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
            if (server is { HasExited: false })
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"(?<ticks>\d+) ticks, (?<subscribers>\d+) subscribers, fan-out (?<ms>[\d.]+) ms")]
    private static partial Regex TickerReport();

    /// <summary>The ticker's fan-out time per tick between two of its debug reports.</summary>
    private static string FanOut(string? before, string? after)
    {
        if (before is null || after is null || TickerReport().Match(before) is not { Success: true } a || TickerReport().Match(after) is not { Success: true } b)
        {
            return "n/a (no ticker reports)";
        }
        var ticks = long.Parse(b.Groups["ticks"].Value) - long.Parse(a.Groups["ticks"].Value);
        var ms = double.Parse(b.Groups["ms"].Value, CultureInfo.InvariantCulture) - double.Parse(a.Groups["ms"].Value, CultureInfo.InvariantCulture);
        return ticks <= 0
            ? "n/a (no ticks between reports)"
            : $"{ms / ticks:F2} ms per tick for {b.Groups["subscribers"].Value} subscribers = {ms / ticks / 10:F2} % of one core";
    }

    private static string AgentEmail(int i) => $"agent{i:000}@bench.example";

    /// <summary>Every h:mm:ss string in a render batch (its string table holds the new texts), in seconds. A byte scan, to keep the client cheap.</summary>
    private static List<int> ShownSeconds(ReadOnlySpan<byte> batch)
    {
        static bool Digit(byte b) => b is >= (byte)'0' and <= (byte)'9';
        var found = new List<int>();
        for (var i = 0; i + 6 < batch.Length; i++)
        {
            if (!Digit(batch[i]) || (i > 0 && (Digit(batch[i - 1]) || batch[i - 1] == ':')))
            {
                continue;
            }
            var hours = 0;
            var j = i;
            while (j < batch.Length && j - i < 3 && Digit(batch[j]))
            {
                hours = hours * 10 + (batch[j++] - '0');
            }
            if (j + 5 < batch.Length && batch[j] == ':' && Digit(batch[j + 1]) && Digit(batch[j + 2]) && batch[j + 3] == ':'
                && Digit(batch[j + 4]) && Digit(batch[j + 5]) && (j + 6 == batch.Length || !(Digit(batch[j + 6]) || batch[j + 6] == ':')))
            {
                var minutes = (batch[j + 1] - '0') * 10 + (batch[j + 2] - '0');
                var seconds = (batch[j + 4] - '0') * 10 + (batch[j + 5] - '0');
                if (minutes < 60 && seconds < 60)
                {
                    found.Add(hours * 3600 + minutes * 60 + seconds);
                }
                i = j + 5;
            }
        }
        return found;
    }

    /// <summary>One circuit's differences (a 1 ms histogram up to 20 s) and the gaps between its updates.</summary>
    private sealed class CircuitStats
    {
        private const int Buckets = 20_000;
        private readonly long[] histogram = new long[Buckets + 1];
        private readonly long[] gapHistogram = new long[Buckets + 1];
        private DateTimeOffset? lastArrival;
        private DateTimeOffset? roundStart;

        public long Count { get; private set; }
        public double Min { get; private set; } = double.MaxValue;
        public double Max { get; private set; } = double.MinValue;
        public double MaxGap { get; private set; }

        public void Add(double diff)
        {
            Count++;
            Min = Math.Min(Min, diff);
            Max = Math.Max(Max, diff);
            histogram[Math.Clamp((int)(diff * 1000), 0, Buckets)]++;
        }

        /// <summary>Batches of one tick arrive together (board, app bar); a new round of updates starts after a pause.</summary>
        public void Arrived(DateTimeOffset at)
        {
            if (lastArrival is null || (at - lastArrival.Value).TotalSeconds > 0.5)
            {
                if (roundStart is { } previous)
                {
                    var gap = (at - previous).TotalSeconds;
                    MaxGap = Math.Max(MaxGap, gap);
                    gapHistogram[Math.Clamp((int)(gap * 1000), 0, Buckets)]++;
                }
                roundStart = at;
            }
            lastArrival = at;
        }

        public double Percentile(double p) => Percentile(histogram, p);

        public double GapPercentile(double p) => Percentile(gapHistogram, p);

        private static double Percentile(long[] buckets, double p)
        {
            var total = buckets.Sum();
            var target = (long)Math.Ceiling(p * total);
            long seen = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                seen += buckets[i];
                if (seen >= target && total > 0)
                {
                    return i / 1000.0;
                }
            }
            return double.NaN;
        }

        public static CircuitStats Merge(IEnumerable<CircuitStats> all)
        {
            var merged = new CircuitStats();
            foreach (var s in all.Where(s => s.Count > 0))
            {
                merged.Count += s.Count;
                merged.Min = Math.Min(merged.Min, s.Min);
                merged.Max = Math.Max(merged.Max, s.Max);
                merged.MaxGap = Math.Max(merged.MaxGap, s.MaxGap);
                for (var i = 0; i <= Buckets; i++)
                {
                    merged.histogram[i] += s.histogram[i];
                    merged.gapHistogram[i] += s.gapHistogram[i];
                }
            }
            return merged;
        }
    }

    /// <summary>Seeds the demo data, then gives the team lead and <paramref name="timerCount"/> − 1 new agents a running timer.</summary>
    private static async Task<DateTimeOffset> PrepareDataAsync(string folder, int timerCount)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlazorTickets:DataFolder"] = folder,
            ["BlazorTickets:SeedDemoData"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddData(configuration, new BenchEnvironment(folder));
        services.AddAccount();
        services.AddDemo();
        services.AddTickets();
        await using var provider = services.BuildServiceProvider();
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        }
        var dbFactory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var group = await db.Set<UserGroup>().SingleAsync(g => g.Name == Groups.TicketSupport);
        var lena = await db.Users.SingleAsync(u => u.Email == "lena@contoso.example");
        var tickets = await db.Set<Ticket>().Where(t => t.Status != TicketStatus.Closed).Select(t => t.Id).ToListAsync();
        // The demo password, hashed once: the "agents" run signs each of them in.
        var agents = Enumerable.Range(1, timerCount - 1).Select(i => new AppUser
        {
            UserName = AgentEmail(i), Email = AgentEmail(i), DisplayName = $"Agent {i:000}",
            NormalizedEmail = AgentEmail(i).ToUpperInvariant(), NormalizedUserName = AgentEmail(i).ToUpperInvariant(),
            SecurityStamp = Guid.NewGuid().ToString(), PasswordHash = lena.PasswordHash, EmailConfirmed = true,
        }).ToList();
        db.Users.AddRange(agents);
        db.Set<UserGroupMembership>().AddRange(agents.Select(a => new UserGroupMembership { User = a, Group = group }));
        var now = DateTimeOffset.UtcNow;
        var first = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddMinutes(-1);
        var owners = new List<AppUser> { lena }.Concat(agents).ToList();
        db.Set<RunningTimer>().AddRange(owners.Select((owner, i) => new RunningTimer
        {
            User = owner,
            TicketId = tickets[i % tickets.Count],
            StartedAt = first.UtcDateTime.AddSeconds(-i * Spacing),
        }));
        await db.SaveChangesAsync();
        return first;
    }

    private static Process StartServer(string folder, string baseUrl, ConcurrentQueue<string> tickerLog)
    {
        // The app's own build output next to this one: App/bin/<configuration>/net10.0.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(Path.Combine(repository.FullName, "BlazorTickets.sln")))
        {
            repository = repository.Parent;
        }
        var appFolder = Path.Combine(repository!.FullName, "App", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(appFolder, "BlazorTickets.dll")])
        {
            WorkingDirectory = Path.Combine(repository.FullName, "App"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Urls"] = baseUrl; // appsettings.json names a URL; an environment variable wins over it
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["BlazorTickets__DataFolder"] = folder;
        start.Environment["BlazorTickets__SeedDemoData"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__BlazorTickets.Features.TimeTracking.TimerTicker"] = "Debug";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Timer ticker:") == true)
            {
                tickerLog.Enqueue(e.Data[e.Data.IndexOf("Timer ticker:", StringComparison.Ordinal)..]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.Error.WriteLine($"server: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilUpAsync(string baseUrl, Process server)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        for (var i = 0; i < 600; i++)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {server.ExitCode}.");
            }
            try
            {
                using var response = await http.GetAsync(AccountServiceCollectionExtensions.LoginPath);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The server did not come up within a minute.");
    }

    [GeneratedRegex("""<input[^>]*name="(?<name>__RequestVerificationToken|_handler)"[^>]*value="(?<value>[^"]*)"|<input[^>]*value="(?<value2>[^"]*)"[^>]*name="(?<name2>__RequestVerificationToken|_handler)" """)]
    private static partial Regex HiddenField();

    internal static async Task<CookieContainer> SignInAsync(string baseUrl, string email, string password)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        var form = await http.GetStringAsync(AccountServiceCollectionExtensions.LoginPath);
        var fields = HiddenField().Matches(form).ToDictionary(
            m => m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["name2"].Value,
            m => WebUtility.HtmlDecode(m.Groups["value"].Success ? m.Groups["value"].Value : m.Groups["value2"].Value));
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        using var response = await http.PostAsync(AccountServiceCollectionExtensions.LoginPath, new FormUrlEncodedContent(fields));
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {email} answered {(int)response.StatusCode}.");
        }
        return cookies;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>User + system CPU seconds of a process, from /proc (Linux).</summary>
    private static double CpuSeconds(Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of stat (utime, stime), counted after the command name: indexes 11 and 12 here.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    private static long Rss(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private sealed class BenchEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "BlazorTickets";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(root);
    }
}
