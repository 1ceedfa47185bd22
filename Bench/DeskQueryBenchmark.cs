using System.Diagnostics;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BlazorTickets.Bench;

/// <summary>
/// The ticket list's server-side query (count + one page of 25) over N tickets with 3 messages each, per case:
/// pages, each filter, three filters together, every sort, full-text search. The database is filled once per N and
/// fill version with raw SQL and kept in a folder under the temp directory, so re-runs measure without refilling
/// (the app's migrations still run on it, as on any existing database).
/// <c>desk N postgres</c> runs the same cases over the same desk (<see cref="DeskFillPostgres"/>) on PostgreSQL: in a
/// new database of a private cluster, filled on every run; or, with <see cref="BenchHost.PostgresEnvironmentVariable"/>
/// set, in database <c>desk_N_fillV</c> on that server, kept and reused once it is marked complete (drop it by hand to
/// get rid of it). <c>plans</c> prints each case's SQL instead of timing it, on PostgreSQL with
/// <c>EXPLAIN (ANALYZE, BUFFERS)</c>.
/// </summary>
public static class DeskQueryBenchmark
{
    /// <summary>Bump when the fill changes, so cached databases of an older fill are not reused.</summary>
    private const int FillVersion = 2;
    private const int PageSize = 25;

    /// <summary>
    /// The instant the fill is dated from and the service reads the list at: service-level targets are due relative to
    /// it, so a cached database measures the same at-risk and breached tickets on every later run.
    /// </summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Where the filled database of <paramref name="ticketCount"/> tickets is kept between runs.</summary>
    public static string CacheFolderOf(int ticketCount) =>
        Path.Combine(Path.GetTempPath(), "blazortickets-desk-cache", $"desk-{ticketCount}-fill{FillVersion}");

    /// <summary>The PostgreSQL database of <paramref name="ticketCount"/> tickets on the server of <see cref="BenchHost.PostgresEnvironmentVariable"/>.</summary>
    public static string PostgresDatabaseOf(int ticketCount) => $"desk_{ticketCount}_fill{FillVersion}";

    public static async Task RunAsync(string[] args)
    {
        var ticketCount = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 100_000;
        // "desk N plans": print each case's SQL instead of timing it (on PostgreSQL with its EXPLAIN ANALYZE).
        var plans = args.Contains("plans");
        if (args.Contains("postgres", StringComparer.OrdinalIgnoreCase))
        {
            await RunOnPostgresAsync(ticketCount, plans);
            return;
        }
        var folder = CacheFolderOf(ticketCount);
        var complete = Path.Combine(folder, "fill-complete");
        if (!File.Exists(complete) && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true); // an interrupted fill
        }
        Directory.CreateDirectory(folder);
        Console.WriteLine($"database cache: {folder}");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlazorTickets:DataFolder"] = folder,
            ["BlazorTickets:SeedDemoData"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            if (plans)
            {
                logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information)
                    .AddFilter("Microsoft", LogLevel.Warning)
                    .AddSimpleConsole();
            }
        });
        AddServices(services, configuration, folder);
        await using var provider = services.BuildServiceProvider();
        try
        {
            var migrate = Stopwatch.StartNew();
            await using (var scope = provider.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
            }
            var dbFactory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
            await using (var db = await dbFactory.CreateDbContextAsync())
            {
                // The app never runs ANALYZE: measure the plans SQLite makes without statistics (fills before version 2 ran it).
                await db.Database.ExecuteSqlRawAsync("DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4;");
            }
            if (File.Exists(complete))
            {
                Console.WriteLine($"reused {ticketCount:N0} tickets (migrations took {migrate.Elapsed.TotalSeconds:F1} s)");
            }
            else
            {
                var fill = Stopwatch.StartNew();
                await DeskFill.FillAsync(dbFactory, ticketCount, Now.UtcDateTime);
                await File.WriteAllTextAsync(complete, DateTime.UtcNow.ToString("O"));
                Console.WriteLine($"filled {ticketCount:N0} tickets, {ticketCount * 3:N0} messages in {fill.Elapsed.TotalSeconds:F1} s");
            }
            Console.WriteLine($"database {Directory.EnumerateFiles(folder, "blazortickets.db*").Sum(f => new FileInfo(f).Length) / 1048576.0:N0} MB");
            await RunCasesAsync(dbFactory, ticketCount, plans ? () => { } : null);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static async Task RunOnPostgresAsync(int ticketCount, bool plans)
    {
        await using var database = await DeskPostgresDatabase.OpenAsync(PostgresDatabaseOf(ticketCount));
        Console.WriteLine($"database: PostgreSQL, {database.Name}{(database.IsFilled ? " (kept from an earlier run)" : "")}");
        using var folder = new TempFolder("blazortickets-desk-pg");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlazorTickets:DataFolder"] = folder.Path,
            ["BlazorTickets:SeedDemoData"] = "false",
            ["BlazorTickets:Database:Provider"] = nameof(DatabaseProvider.Postgres),
            ["ConnectionStrings:BlazorTickets"] = database.ConnectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        var explain = new ExplainInterceptor();
        if (plans)
        {
            services.AddSingleton<IInterceptor>(explain);
        }
        AddServices(services, configuration, folder.Path);
        await using var provider = services.BuildServiceProvider();
        var migrate = Stopwatch.StartNew();
        await using (var scope = provider.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        }
        if (database.IsFilled)
        {
            Console.WriteLine($"reused {ticketCount:N0} tickets (migrations took {migrate.Elapsed.TotalSeconds:F1} s)");
        }
        else
        {
            Console.WriteLine($"migrations took {migrate.Elapsed.TotalSeconds:F1} s");
            var fill = Stopwatch.StartNew();
            var parts = await DeskFillPostgres.FillAsync(database.ConnectionString, ticketCount, Now.UtcDateTime);
            await database.MarkFilledAsync();
            Console.WriteLine($"filled {ticketCount:N0} tickets, {ticketCount * 3:N0} messages in {fill.Elapsed.TotalSeconds:F1} s ({parts})");
        }
        Console.WriteLine($"database {await database.MegabytesAsync():N0} MB");
        await RunCasesAsync(provider.GetRequiredService<IDbContextFactory<AppDbContext>>(), ticketCount, plans ? () => explain.Enabled = true : null);
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration, string folder)
    {
        services.AddSingleton<TimeProvider>(new BenchClock(Now));
        services.AddData(configuration, new BenchEnvironment(folder));
        services.AddAccount();
        services.AddDemo();
        services.AddTickets();
    }

    /// <param name="startPlans">Null to time the cases; else called before the first case, which then runs once to show its plan.</param>
    private static async Task RunCasesAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketCount, Action? startPlans)
    {
        var plans = startPlans is not null;
        string me;
        string handler;
        int customer;
        int tenant;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var agents = await db.Users.Where(u => u.DisplayName.StartsWith("Agent ")).OrderBy(u => u.DisplayName).Select(u => u.Id).ToListAsync();
            me = agents[0];
            handler = agents[3];
            customer = await db.Set<Customer>().OrderBy(c => c.Id).Skip(7).Select(c => c.Id).FirstAsync();
            tenant = await db.Set<Tenant>().OrderBy(t => t.Id).Skip(1).Select(t => t.Id).FirstAsync();
        }
        var service = new TicketService(dbFactory, new BenchClock(Now));
        var openOrNew = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.New };
        var deepPage = Math.Min(5_000, ticketCount / PageSize / 2);
        var cases = new List<(string Name, TicketListFilter Filter, TicketSort Sort, Func<TicketListFilter, TicketSort, int, Task<PagedResult<TicketListRow>>> Query)>();
        Func<TicketListFilter, TicketSort, int, Task<PagedResult<TicketListRow>>> Page(int? page = null) =>
            (filter, sort, i) => service.QueryAsync(filter, me, sort, page ?? i % 3, PageSize);
        cases.Add(("first page (newest change first)", new(), TicketSort.Default, Page(0)));
        cases.Add(($"deep page {deepPage:N0}", new(), TicketSort.Default, Page(deepPage)));
        cases.Add(("last page", new(), TicketSort.Default, (filter, sort, _) => service.QueryLastPageAsync(filter, me, sort, PageSize)));
        var afterFirstPage = (await service.QueryAsync(new(), me, TicketSort.Default, 0, PageSize)).Items[^1];
        cases.Add(("next page after a row (keyset)", new(), TicketSort.Default,
            (filter, sort, _) => service.QueryAsync(filter, me, sort, 1, PageSize, after: afterFirstPage)));
        cases.Add(("status Open+New", new() { Statuses = openOrNew }, TicketSort.Default, Page()));
        cases.Add(("handler", new() { HandlerId = handler }, TicketSort.Default, Page()));
        cases.Add(("my tickets (handler or watcher)", new() { MineOnly = true }, TicketSort.Default, Page()));
        cases.Add(("unassigned", new() { UnassignedOnly = true }, TicketSort.Default, Page()));
        cases.Add(("overdue", new() { OverdueOnly = true }, TicketSort.Default, Page()));
        cases.Add(("overdue, by expected date", new() { OverdueOnly = true }, new TicketSort(TicketSortField.ExpectedDate, false), Page()));
        cases.Add(("customer", new() { CustomerId = customer }, TicketSort.Default, Page()));
        cases.Add(("tenant", new() { TenantId = tenant }, TicketSort.Default, Page()));
        cases.Add(("unbilled time", new() { UnbilledOnly = true }, TicketSort.Default, Page()));
        cases.Add(("status Open+New + handler + tenant", new() { Statuses = openOrNew, HandlerId = handler, TenantId = tenant }, TicketSort.Default, Page()));
        cases.Add(("number #1500", new() { Text = "#1500" }, TicketSort.Default, Page()));
        var byDue = new TicketSort(TicketSortField.SlaDueAt, false);
        cases.Add(("SLA at risk", new() { SlaAtRisk = true }, TicketSort.Default, Page()));
        cases.Add(("SLA breached", new() { SlaBreached = true }, TicketSort.Default, Page()));
        cases.Add(("SLA at risk + breached", new() { SlaAtRisk = true, SlaBreached = true }, TicketSort.Default, Page()));
        cases.Add(("SLA breached + status Open+New", new() { SlaBreached = true, Statuses = openOrNew }, TicketSort.Default, Page()));
        cases.Add(("SLA breached + handler", new() { SlaBreached = true, HandlerId = handler }, TicketSort.Default, Page()));
        cases.Add(("SLA at risk + my tickets", new() { SlaAtRisk = true, MineOnly = true }, TicketSort.Default, Page()));
        cases.Add(("SLA breached, by due", new() { SlaBreached = true }, byDue, Page()));
        cases.Add(("SLA at risk + breached, by due", new() { SlaAtRisk = true, SlaBreached = true }, byDue, Page()));
        foreach (var field in Enum.GetValues<TicketSortField>())
        {
            foreach (var descending in new[] { false, true })
            {
                cases.Add(($"sort by {field} {(descending ? "desc" : "asc")}", new(), new TicketSort(field, descending), Page()));
            }
        }
        cases.Add(($"sort by SlaDueAt asc, deep page {deepPage:N0}", new(), byDue, Page(deepPage)));
        cases.Add(($"sort by SlaDueAt desc, deep page {deepPage:N0}", new(), byDue with { Descending = true }, Page(deepPage)));
        cases.Add(("full-text 'printer' in bodies", new() { Text = "printer" }, TicketSort.Default, Page()));
        cases.Add(("full-text 'printer' + status Open+New", new() { Text = "printer", Statuses = openOrNew }, TicketSort.Default, Page()));
        cases.Add(("full-text 'printer' + handler", new() { Text = "printer", HandlerId = handler }, TicketSort.Default, Page()));
        cases.Add(("full-text 'printer' + customer", new() { Text = "printer", CustomerId = customer }, TicketSort.Default, Page()));
        cases.Add(("full-text 'printer' by number", new() { Text = "printer" }, new TicketSort(TicketSortField.Number, false), Page()));
        cases.Add(("full-text word start 'print'", new() { Text = "print" }, TicketSort.Default, Page()));
        cases.Add(("full-text two words 'printer paper'", new() { Text = "printer paper" }, TicketSort.Default, Page()));

        startPlans?.Invoke();
        Console.WriteLine($"{"query (count + page of 25)",-40} {"p50 ms",8} {"p95 ms",8} {"rows",8}");
        var worst = 0.0;
        foreach (var (name, filter, sort, query) in cases)
        {
            var timings = new List<double>();
            var total = "";
            var snippets = 0;
            if (plans) Console.WriteLine($"=== {name}");
            for (var i = 0; i < (plans ? 1 : 21); i++)
            {
                var watch = Stopwatch.StartNew();
                var page = await query(filter, sort, i);
                timings.Add(watch.Elapsed.TotalMilliseconds);
                total = page.TotalIsCapped ? $"{page.TotalCount:N0}+" : page.TotalCount.ToString("N0");
                snippets = page.Items.Count(r => r.Snippet is not null);
            }
            if (plans) continue;
            timings.RemoveAt(0); // warm-up
            timings.Sort();
            var p95 = timings[(int)Math.Ceiling(timings.Count * 0.95) - 1];
            worst = Math.Max(worst, p95);
            var note = filter.Text is { } text && !text.StartsWith('#') ? $"  ({snippets} of the page with snippet)" : "";
            Console.WriteLine($"{name,-40} {timings[timings.Count / 2],8:F1} {p95,8:F1} {total,8}{note}");
        }
        Console.WriteLine($"worst p95: {worst:F1} ms");
    }

    /// <summary>A clock that stands at <paramref name="now"/>, in UTC.</summary>
    private sealed class BenchClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    private sealed class BenchEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "BlazorTickets";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(root);
    }
}
