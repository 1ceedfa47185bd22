using System.Diagnostics;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BlazorTickets.Bench;

/// <summary>
/// The ticket list's server-side query (count + one page) over a large SQLite database, per filter.
/// Shows that no filter degrades to loading or scanning far more than a page.
/// </summary>
public static class DeskQueryBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var ticketCount = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 100_000;
        var folder = Directory.CreateTempSubdirectory("blazortickets-bench-");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["BlazorTickets:DataFolder"] = folder.FullName,
                ["BlazorTickets:SeedDemoData"] = "false",
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddSingleton(TimeProvider.System);
            services.AddData(configuration, new BenchEnvironment(folder.FullName));
            services.AddAccount();
            services.AddDemo();
            services.AddTickets();
            await using var provider = services.BuildServiceProvider();
            await using (var scope = provider.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
            }
            var dbFactory = provider.GetRequiredService<IDbContextFactory<AppDbContext>>();

            var fill = Stopwatch.StartNew();
            var (agentIds, customerIds) = await FillAsync(dbFactory, ticketCount);
            Console.WriteLine($"filled {ticketCount:N0} tickets in {fill.Elapsed.TotalSeconds:F1} s");

            var service = new TicketService(dbFactory, TimeProvider.System);
            var cases = new (string Name, TicketListFilter Filter, TicketSort Sort)[]
            {
                ("no filter, newest change first", new TicketListFilter(), TicketSort.Default),
                ("status Open+New", new TicketListFilter { Statuses = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.New } }, TicketSort.Default),
                ("handler", new TicketListFilter { HandlerId = agentIds[0] }, TicketSort.Default),
                ("my tickets (handler or watcher)", new TicketListFilter { MineOnly = true }, TicketSort.Default),
                ("unassigned", new TicketListFilter { UnassignedOnly = true }, TicketSort.Default),
                ("customer", new TicketListFilter { CustomerId = customerIds[7] }, TicketSort.Default),
                ("overdue", new TicketListFilter { OverdueOnly = true }, new TicketSort(TicketSortField.ExpectedDate, false)),
                ("text 'printer'", new TicketListFilter { Text = "printer" }, TicketSort.Default),
                ("number #1500", new TicketListFilter { Text = "#1500" }, TicketSort.Default),
                ("sort by customer", new TicketListFilter(), new TicketSort(TicketSortField.Customer, false)),
            };
            Console.WriteLine($"{"query (count + page of 25)",-34} {"p50 ms",8} {"p95 ms",8} {"rows",8}");
            foreach (var (name, filter, sort) in cases)
            {
                var timings = new List<double>();
                var total = 0;
                for (var i = 0; i < 21; i++)
                {
                    var watch = Stopwatch.StartNew();
                    var page = await service.QueryAsync(filter, agentIds[0], sort, i % 3, 25);
                    timings.Add(watch.Elapsed.TotalMilliseconds);
                    total = page.TotalCount;
                }
                timings.RemoveAt(0); // warm-up
                timings.Sort();
                Console.WriteLine($"{name,-34} {timings[timings.Count / 2],8:F1} {timings[(int)(timings.Count * 0.95) - 1],8:F1} {total,8:N0}");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(List<string> AgentIds, List<int> CustomerIds)> FillAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketCount)
    {
        var random = new Random(7);
        await using var db = await dbFactory.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var tenant = new Tenant { Name = "Bench", SenderAddress = "bench@example.test" };
        var group = new UserGroup { Name = Groups.TicketSupport, HourlyRate = 95m };
        db.AddRange(tenant, group);
        var agents = Enumerable.Range(1, 10).Select(i => new AppUser
        {
            UserName = $"agent{i}@example.test", Email = $"agent{i}@example.test", DisplayName = $"Agent {i:00}",
            NormalizedEmail = $"AGENT{i}@EXAMPLE.TEST", NormalizedUserName = $"AGENT{i}@EXAMPLE.TEST", SecurityStamp = Guid.NewGuid().ToString(),
        }).ToList();
        db.Users.AddRange(agents);
        db.UserGroupMemberships.AddRange(agents.Select(a => new UserGroupMembership { User = a, Group = group }));
        var customers = Enumerable.Range(1, 2_000).Select(i => new Customer
        {
            Tenant = tenant, CustomerNumber = $"C-{i:00000}", Name = $"Customer {i:00000}", Company = $"Company {i % 300}",
        }).ToList();
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync();

        string[] subjects = ["Printer offline", "Invoice wrong", "Cannot log in", "Order not delivered", "VPN drops", "Backup failed"];
        var now = DateTime.UtcNow;
        const int batch = 5_000;
        for (var start = 0; start < ticketCount; start += batch)
        {
            await using var batchDb = await dbFactory.CreateDbContextAsync();
            batchDb.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(start + batch, ticketCount); i++)
            {
                var updated = now.AddMinutes(-random.Next(0, 60 * 24 * 365));
                batchDb.Tickets.Add(new Ticket
                {
                    Number = 1001 + i,
                    Subject = $"{subjects[random.Next(subjects.Length)]} {i}",
                    Status = (TicketStatus)random.Next(6),
                    HandlerId = random.Next(5) == 0 ? null : agents[random.Next(agents.Count)].Id,
                    CustomerId = customers[random.Next(customers.Count)].Id,
                    TenantId = tenant.Id,
                    ExpectedDate = random.Next(3) == 0 ? DateOnly.FromDateTime(now.AddDays(random.Next(-30, 30))) : null,
                    CreatedAt = updated,
                    UpdatedAt = updated,
                    LastMessageAt = updated,
                });
            }
            await batchDb.SaveChangesAsync();
        }
        return (agents.Select(a => a.Id).ToList(), customers.Select(c => c.Id).ToList());
    }

    private sealed class BenchEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "BlazorTickets";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(root);
    }
}
