using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Bench;

/// <summary>
/// Open desk lists and ticket changes. The app runs in this process on Kestrel (loopback), over the demo data plus
/// generated tickets; real Blazor circuits (<see cref="BlazorCircuitClient"/>) show /tickets signed in as agents.
/// <c>fanout</c>: one ticket change at a time, timed from its commit (the notifier's first subscriber) until every
/// circuit has received the render batch with the new subject; database commands and process CPU per change.
/// <c>circuits</c>: managed heap after a full GC per open desk circuit, and idle CPU.
/// Arguments: [circuits=100] [tickets=100000] [changes=30 | idle seconds=10] [circuits: settling seconds=60] [circuits: page=/tickets].
/// The client side of the circuits runs in the same process: CPU and memory figures include it and are upper bounds.
/// <c>fanout-nodes</c>: two app nodes in this process on one PostgreSQL database (a private cluster); the change is
/// committed on node A and timed until it is rendered in the circuits open on node B.
/// Arguments: [circuits=100] [tickets=10000] [changes=30].
/// </summary>
public static class FanoutBenchmark
{
    private static int probeTicketId;
    private static long committedAt;
    /// <summary>fanout-nodes: when node B's notifier had the change (its first subscriber).</summary>
    private static long otherNodeAt;
    private static CommandCounter? Commands;

    private static readonly string[] Agents = ["anna@contoso.example", "ben@contoso.example", "carla@contoso.example"];

    public static Task RunFanoutAsync(string[] args) => RunAsync(args, fanout: true);

    public static Task RunCircuitsAsync(string[] args) => RunAsync(args, fanout: false);

    public static async Task RunFanoutNodesAsync(string[] args)
    {
        var circuits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var ticketCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var changes = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;

        var postgres = await BlazorTickets.Tests.Infrastructure.PostgresServer.SharedAsync();
        var connectionString = await postgres.CreateDatabaseAsync("fanout");
        string[] onPostgres = ["--BlazorTickets:Database:Provider=Postgres", $"--ConnectionStrings:BlazorTickets={connectionString}"];
        await using var nodeA = await InProcessApp.StartAsync(onPostgres, seedDemoData: true);
        await using var nodeB = await InProcessApp.StartAsync(onPostgres, seedDemoData: false);
        var filled = Stopwatch.StartNew();
        await FillAsync(nodeA.DbFactory, ticketCount);
        Console.WriteLine($"data: PostgreSQL, demo data + {ticketCount:N0} generated tickets ({filled.Elapsed.TotalSeconds:F0} s); node A {nodeA.BaseUrl}, node B {nodeB.BaseUrl}");

        var cookies = new List<System.Net.CookieContainer>();
        foreach (var agent in Agents)
        {
            cookies.Add(await TimersBenchmark.SignInAsync(nodeB.BaseUrl, agent, DemoDataSeeder.Password));
        }
        await using (var warm = await BlazorCircuitClient.OpenAsync(nodeB.BaseUrl, "/tickets", cookies[0], CancellationToken.None))
        {
            await Task.Delay(2000);
        }
        using var probe = SubscribeProbe(nodeA);
        using var otherNodeProbe = nodeB.Services.GetRequiredService<TicketChangeNotifier>().Subscribe(change =>
        {
            if (change.TicketIds.Contains(Volatile.Read(ref probeTicketId)))
            {
                Interlocked.CompareExchange(ref otherNodeAt, Stopwatch.GetTimestamp(), 0);
            }
            return Task.CompletedTask;
        });
        var clients = new List<BlazorCircuitClient>();
        var opened = Stopwatch.StartNew();
        for (var i = 0; i < circuits; i++)
        {
            clients.Add(await BlazorCircuitClient.OpenAsync(nodeB.BaseUrl, "/tickets", cookies[i % cookies.Count], CancellationToken.None));
        }
        await Task.Delay(3000);
        Console.WriteLine($"opened {circuits} circuits on node B's /tickets in {opened.Elapsed.TotalSeconds:F1} s; {clients.Count(c => !c.Closed)} open");
        Console.WriteLine($"ticket change subscribers: node A {nodeA.Services.GetRequiredService<TicketChangeNotifier>().SubscriberCount}, node B {nodeB.Services.GetRequiredService<TicketChangeNotifier>().SubscriberCount}");

        await MeasureFanoutAsync(nodeA, clients, changes);
        Console.WriteLine("(database commands: both nodes, as they share this process)");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>Subscribed before the circuits: the notifier calls it first, right at the commit.</summary>
    private static IDisposable SubscribeProbe(InProcessApp app) =>
        app.Services.GetRequiredService<TicketChangeNotifier>().Subscribe(change =>
        {
            if (change.TicketIds.Contains(Volatile.Read(ref probeTicketId)))
            {
                Interlocked.CompareExchange(ref committedAt, Stopwatch.GetTimestamp(), 0);
                Commands?.Start();
            }
            return Task.CompletedTask;
        });

    private static async Task RunAsync(string[] args, bool fanout)
    {
        var circuits = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var ticketCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var third = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : fanout ? 30 : 10;
        // circuits only: another page (e.g. /not-found, the layout alone) to tell the desk's share from the circuit's.
        var path = !fanout && args.Length > 4 ? args[4] : "/tickets";

        await using var app = await InProcessApp.StartAsync();
        var baseUrl = app.BaseUrl;
        var filled = Stopwatch.StartNew();
        await FillAsync(app.DbFactory, ticketCount);
        Console.WriteLine($"data: demo data + {ticketCount:N0} generated tickets ({filled.Elapsed.TotalSeconds:F0} s)");

        var cookies = new List<System.Net.CookieContainer>();
        foreach (var agent in Agents)
        {
            cookies.Add(await TimersBenchmark.SignInAsync(baseUrl, agent, DemoDataSeeder.Password));
        }

        // Warm-up: JIT, caches and pools are not per circuit.
        await using (var warm = await BlazorCircuitClient.OpenAsync(baseUrl, path, cookies[0], CancellationToken.None))
        {
            await Task.Delay(2000);
        }
        await Task.Delay(1000);
        var heapBefore = FullGcHeap();
        if (!fanout)
        {
            // What the process does with no circuit open: the share of idle CPU that circuits do not cause.
            var (baseCpu, baseWall) = await IdleCpuAsync(TimeSpan.FromSeconds(third));
            Console.WriteLine($"idle CPU without circuits over {baseWall.TotalSeconds:F0} s {baseCpu:F0} ms ({baseCpu / baseWall.TotalMilliseconds * 100:F2} % of one core)");
        }

        using var probe = SubscribeProbe(app);
        var clients = new List<BlazorCircuitClient>();
        var opened = Stopwatch.StartNew();
        for (var i = 0; i < circuits; i++)
        {
            clients.Add(await BlazorCircuitClient.OpenAsync(baseUrl, path, cookies[i % cookies.Count], CancellationToken.None));
        }
        await Task.Delay(3000);
        Console.WriteLine($"opened {circuits} circuits on {path} in {opened.Elapsed.TotalSeconds:F1} s; {clients.Count(c => !c.Closed)} open");
        var notifier = app.Services.GetRequiredService<TicketChangeNotifier>();
        Console.WriteLine($"ticket change subscribers: {notifier.SubscriberCount}");

        if (fanout)
        {
            await MeasureFanoutAsync(app, clients, third);
        }
        else
        {
            var heapAfter = FullGcHeap();
            Console.WriteLine($"managed heap after full GC          {heapBefore / 1048576.0:F1} MiB before, {heapAfter / 1048576.0:F1} MiB with {circuits} circuits: {(heapAfter - heapBefore) / 1024.0 / circuits:F0} KiB per circuit (server and bench client)");
            // Startup work (first renders, JS interop, tiered JIT, the popover services' first ticks) is not idle.
            var settle = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 60;
            Console.WriteLine($"settling for {settle} s before the idle window");
            await Task.Delay(TimeSpan.FromSeconds(settle));
            var (cpu, idle) = await IdleCpuAsync(TimeSpan.FromSeconds(third));
            Console.WriteLine($"idle CPU over {idle.TotalSeconds:F0} s                  {cpu:F0} ms in all, {cpu / circuits / idle.TotalSeconds:F3} ms per circuit per second ({cpu / idle.TotalMilliseconds * 100:F2} % of one core)");
        }
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static async Task MeasureFanoutAsync(InProcessApp app, List<BlazorCircuitClient> clients, int changes)
    {
        var notifier = app.Services.GetRequiredService<TicketChangeNotifier>();
        var tickets = new TicketService(app.DbFactory, TimeProvider.System);
        using var commands = new CommandCounter();
        Commands = commands;
        var latencies = new List<double>();
        var transits = new List<double>();
        var queries = new List<int>();
        var cpuPerChange = new List<double>();
        var random = new Random(11);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var ids = await db.Set<Ticket>().Select(t => t.Id).ToListAsync();
        var process = Process.GetCurrentProcess();

        for (var round = 0; round < changes; round++)
        {
            var marker = $"Fanout probe {round:000} {Guid.NewGuid():N}";
            var markerBytes = Encoding.UTF8.GetBytes(marker);
            Interlocked.Exchange(ref committedAt, 0);
            Interlocked.Exchange(ref otherNodeAt, 0);
            var arrivals = new ConcurrentBag<long>();
            var handlers = new List<Action<DateTimeOffset, ReadOnlyMemory<byte>>>();
            foreach (var client in clients)
            {
                var seen = 0;
                Action<DateTimeOffset, ReadOnlyMemory<byte>> handler = (_, data) =>
                {
                    if (data.Span.IndexOf(markerBytes) >= 0 && Interlocked.Exchange(ref seen, 1) == 0)
                    {
                        arrivals.Add(Stopwatch.GetTimestamp());
                    }
                };
                client.BatchReceived += handler;
                handlers.Add(handler);
            }
            var ticketId = ids[random.Next(ids.Count)];
            Volatile.Write(ref probeTicketId, ticketId);
            var original = (await tickets.GetAsync(ticketId))!.Edit;
            var edited = original.Clone();
            edited.Subject = marker;
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var saveStarted = Stopwatch.GetTimestamp();
            await tickets.SaveAsync(original, edited, "Fanout bench");
            var deadline = Stopwatch.StartNew();
            while (arrivals.Count < clients.Count && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(1);
            }
            var done = Stopwatch.GetTimestamp();
            await Task.Delay(100);
            process.Refresh();
            cpuPerChange.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            queries.Add(commands.Stop());
            foreach (var (client, handler) in clients.Zip(handlers))
            {
                client.BatchReceived -= handler;
            }
            var start = Interlocked.Read(ref committedAt) is var at and not 0 ? at : saveStarted;
            if (Interlocked.Read(ref otherNodeAt) is var reached and not 0)
            {
                transits.Add(Stopwatch.GetElapsedTime(start, reached).TotalMilliseconds);
            }
            foreach (var arrival in arrivals)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, arrival).TotalMilliseconds);
            }
            if (arrivals.Count < clients.Count)
            {
                Console.WriteLine($"change {round}: only {arrivals.Count} of {clients.Count} circuits showed it within 10 s");
            }
            _ = done;
            await Task.Delay(200);
        }

        latencies.Sort();
        double Percentile(List<double> values, double p) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
        cpuPerChange.Sort();
        transits.Sort();
        Console.WriteLine();
        if (transits.Count > 0)
        {
            Console.WriteLine($"commit → other node's notifier      p50 {Percentile(transits, 0.5):F1} ms, p95 {Percentile(transits, 0.95):F1} ms, max {transits[^1]:F1} ms (pg_notify and LISTEN)");
        }
        Console.WriteLine($"changes                             {changes}, each to a random ticket of {ids.Count:N0} (new subject; it moves to the top of every list)");
        Console.WriteLine($"commit → rendered in each circuit   p50 {Percentile(latencies, 0.5):F1} ms, p95 {Percentile(latencies, 0.95):F1} ms, max {latencies[^1]:F1} ms ({latencies.Count} of {changes * clients.Count} renders)");
        Console.WriteLine($"database commands per change        mean {queries.Average():F1}, max {queries.Max()} (after the commit, all {clients.Count} circuits together)");
        Console.WriteLine($"process CPU per change              p50 {Percentile(cpuPerChange, 0.5):F0} ms, mean {cpuPerChange.Average():F0} ms (save, fan-out, renders, and the bench's own {clients.Count} clients)");
    }

    private static async Task<(double CpuMs, TimeSpan Wall)> IdleCpuAsync(TimeSpan window)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await Task.Delay(window);
        process.Refresh();
        return ((process.TotalProcessorTime - cpuBefore).TotalMilliseconds, wall.Elapsed);
    }

    private static long FullGcHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Counts EF Core's database commands in this process between Start and Stop.</summary>
    private sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly IDisposable allListeners;
        private readonly List<IDisposable> subscriptions = [];
        private int counting;
        private int count;

        public CommandCounter() => allListeners = DiagnosticListener.AllListeners.Subscribe(this);

        public void Start()
        {
            if (Interlocked.Exchange(ref counting, 1) == 0)
            {
                Interlocked.Exchange(ref count, 0);
            }
        }

        public int Stop()
        {
            Interlocked.Exchange(ref counting, 0);
            return Interlocked.Exchange(ref count, 0);
        }

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.EntityFrameworkCore")
            {
                lock (subscriptions)
                {
                    subscriptions.Add(listener.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuting" && Volatile.Read(ref counting) == 1)
            {
                Interlocked.Increment(ref count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            allListeners.Dispose();
            lock (subscriptions)
            {
                subscriptions.ForEach(s => s.Dispose());
            }
        }
    }

    /// <summary>Tickets in the demo tenant, for its customers and agents: the lists have a realistic table under them.</summary>
    private static async Task FillAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketCount)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).FirstAsync();
        var customerIds = await db.Set<Customer>().Where(c => c.TenantId == tenantId).Select(c => c.Id).ToListAsync();
        var handlerIds = await db.Users.Where(u => Agents.Contains(u.Email!)).Select(u => u.Id).ToListAsync();
        var number = await db.Set<Ticket>().MaxAsync(t => t.Number);
        string[] subjects = ["Printer offline", "Invoice wrong", "Cannot log in", "Order not delivered", "VPN drops", "Backup failed"];
        var random = new Random(7);
        var now = DateTime.UtcNow;
        const int batch = 5_000;
        for (var start = 0; start < ticketCount; start += batch)
        {
            await using var batchDb = await dbFactory.CreateDbContextAsync();
            batchDb.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(start + batch, ticketCount); i++)
            {
                // Older than the demo's tickets, so the first page shows demo tickets until a change moves one up.
                var updated = now.AddDays(-30).AddMinutes(-random.Next(0, 60 * 24 * 365));
                batchDb.Set<Ticket>().Add(new Ticket
                {
                    Number = ++number,
                    Subject = $"{subjects[random.Next(subjects.Length)]} {i}",
                    Status = (TicketStatus)random.Next(6),
                    HandlerId = random.Next(5) == 0 ? null : handlerIds[random.Next(handlerIds.Count)],
                    CustomerId = customerIds[random.Next(customerIds.Count)],
                    TenantId = tenantId,
                    CreatedAt = updated,
                    UpdatedAt = updated,
                    LastMessageAt = updated,
                });
            }
            await batchDb.SaveChangesAsync();
        }
    }
}

/// <summary>
/// The app's own Program, started in this process on a free loopback port over a fresh data folder with the demo data.
/// Its services are taken from the hosting diagnostics ("HostBuilt"), as WebApplicationFactory does.
/// </summary>
public sealed class InProcessApp : IAsyncDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly TaskCompletionSource<Microsoft.Extensions.Hosting.IHost> built = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("blazortickets-fanout-");
    private IDisposable? listeners;
    private Microsoft.Extensions.Hosting.IHost? host;
    private Task? running;

    public string BaseUrl { get; private set; } = "";
    public IServiceProvider Services => host!.Services;
    public IDbContextFactory<AppDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    /// <param name="settings">More command-line settings, e.g. the database provider.</param>
    public static async Task<InProcessApp> StartAsync(IEnumerable<string>? settings = null, bool seedDemoData = true)
    {
        var app = new InProcessApp();
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        app.BaseUrl = $"http://127.0.0.1:{port}";
        app.listeners = DiagnosticListener.AllListeners.Subscribe(app);
        string[] args =
        [
            $"--urls={app.BaseUrl}",
            "--environment=Production",
            // Static assets and Razor components are looked up by the application name, which would be the bench's.
            "--applicationName=BlazorTickets",
            $"--BlazorTickets:DataFolder={app.folder.FullName}",
            $"--BlazorTickets:SeedDemoData={(seedDemoData ? "true" : "false")}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection=Error",
            .. settings ?? [],
        ];
        var entryPoint = typeof(BlazorTickets.Features.Tickets.Ticket).Assembly.EntryPoint!;
        app.running = Task.Run(() =>
        {
            var result = entryPoint.Invoke(null, [args]);
            if (result is Task task)
            {
                task.GetAwaiter().GetResult();
            }
        });
        app.host = await app.built.Task.WaitAsync(TimeSpan.FromMinutes(1));
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        for (var i = 0; ; i++)
        {
            if (app.running.IsFaulted)
            {
                await app.running;
            }
            try
            {
                using var response = await http.GetAsync(BlazorTickets.Features.Account.AccountServiceCollectionExtensions.LoginPath);
                if (response.IsSuccessStatusCode)
                {
                    return app;
                }
            }
            catch (HttpRequestException) when (i < 600)
            {
            }
            await Task.Delay(100);
        }
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.Extensions.Hosting")
        {
            listener.Subscribe(this);
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == "HostBuilt" && value.Value is Microsoft.Extensions.Hosting.IHost built)
        {
            this.built.TrySetResult(built);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public async ValueTask DisposeAsync()
    {
        listeners?.Dispose();
        if (host is not null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(stopping.Token);
        }
        if (running is not null)
        {
            await Task.WhenAny(running, Task.Delay(5000));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
