using System.Diagnostics;
using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Bench;

/// <summary>
/// "Bill time" on a selection of 1,000 tickets with 10 billable entries each (4 agents in 2 billing groups, 100
/// customers): the preview and the bill run, each in one call, on a fresh set of tickets per round.
/// </summary>
public static class BillBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var ticketCount = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1_000;
        var rounds = args.Length > 1 && int.TryParse(args[1], out var r) ? r : 5;
        const int entriesPerTicket = 10;
        await using var bench = await BenchHost.CreateAsync();
        var (tenantId, agents, customers) = await SetUpAsync(bench.DbFactory);
        Console.WriteLine($"bill: {ticketCount:N0} selected tickets × {entriesPerTicket} entries, {rounds} rounds (fresh tickets each round)");
        Console.WriteLine($"{"round",5} {"preview ms",11} {"bill ms",9} {"quotes",7} {"entries",8} {"net",14}");

        var billTimes = new List<double>();
        var previewTimes = new List<double>();
        var numberBase = 100_000;
        for (var round = 1; round <= rounds; round++)
        {
            var ids = await FillAsync(bench.DbFactory, tenantId, agents, customers, ticketCount, entriesPerTicket, numberBase);
            numberBase += ticketCount;

            await using var scope = bench.Services.CreateAsyncScope();
            var billing = scope.ServiceProvider.GetRequiredService<BillingService>();
            var watch = Stopwatch.StartNew();
            var preview = await billing.PreviewAsync(ids);
            var previewMs = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            var result = await billing.BillAsync(ids, agents[0]);
            var billMs = watch.Elapsed.TotalMilliseconds;

            if (result.EntriesBilled != ticketCount * entriesPerTicket || preview.BillableTicketCount != ticketCount)
            {
                throw new InvalidOperationException($"billed {result.EntriesBilled} entries, previewed {preview.BillableTicketCount} tickets");
            }
            previewTimes.Add(previewMs);
            billTimes.Add(billMs);
            Console.WriteLine($"{round,5} {previewMs,11:F0} {billMs,9:F0} {result.Quotes.Count,7} {result.EntriesBilled,8:N0} {result.Quotes.Sum(q => q.Net),14:N2}");
        }
        billTimes.Sort();
        previewTimes.Sort();
        Console.WriteLine($"median: preview {previewTimes[previewTimes.Count / 2]:F0} ms, bill {billTimes[billTimes.Count / 2]:F0} ms (max {billTimes[^1]:F0} ms); target bill < 1,000 ms");
    }

    private static async Task<(int TenantId, List<string> Agents, List<int> Customers)> SetUpAsync(IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenant = new Tenant { Name = "Bench", SenderAddress = "bench@example.test", QuoteNumberPrefix = "Q" };
        var support = new UserGroup { Name = Groups.TicketSupport, HourlyRate = 95m };
        var senior = new UserGroup { Name = Groups.SeniorSupport, HourlyRate = 120m };
        db.AddRange(tenant, support, senior);
        var agents = Enumerable.Range(1, 4).Select(i => new AppUser
        {
            UserName = $"agent{i}@example.test", Email = $"agent{i}@example.test", DisplayName = $"Agent {i}",
            NormalizedEmail = $"AGENT{i}@EXAMPLE.TEST", NormalizedUserName = $"AGENT{i}@EXAMPLE.TEST", SecurityStamp = Guid.NewGuid().ToString(),
            BillingGroup = i % 2 == 0 ? senior : support,
        }).ToList();
        db.Users.AddRange(agents);
        db.Set<UserGroupMembership>().AddRange(agents.Select(a => new UserGroupMembership { User = a, Group = a.BillingGroup! }));
        var customers = Enumerable.Range(1, 100).Select(i => new Customer { Tenant = tenant, CustomerNumber = $"C-{i:000}", Name = $"Customer {i:000}" }).ToList();
        db.Set<Customer>().AddRange(customers);
        await db.SaveChangesAsync();
        return (tenant.Id, agents.Select(a => a.Id).ToList(), customers.Select(c => c.Id).ToList());
    }

    private static async Task<List<int>> FillAsync(
        IDbContextFactory<AppDbContext> dbFactory, int tenantId, List<string> agents, List<int> customers, int ticketCount, int entriesPerTicket, int numberBase)
    {
        var random = new Random(numberBase);
        await using var db = await dbFactory.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var now = DateTime.UtcNow;
        var tickets = Enumerable.Range(0, ticketCount).Select(i => new Ticket
        {
            Number = numberBase + i, Subject = $"Bench ticket {numberBase + i}", Status = TicketStatus.Open, TenantId = tenantId,
            CustomerId = customers[random.Next(customers.Count)], TimeTrackingAllowed = true, CreatedAt = now, UpdatedAt = now,
        }).ToList();
        db.Set<Ticket>().AddRange(tickets);
        await db.SaveChangesAsync();
        foreach (var ticket in tickets)
        {
            for (var e = 0; e < entriesPerTicket; e++)
            {
                var minutes = 5 * random.Next(1, 25);
                db.Set<TimeEntry>().Add(new TimeEntry
                {
                    TicketId = ticket.Id, UserId = agents[random.Next(agents.Count)], Start = now, End = now.AddMinutes(minutes),
                    Minutes = minutes, Billable = true, CreatedAt = now,
                });
            }
        }
        await db.SaveChangesAsync();
        return tickets.Select(t => t.Id).ToList();
    }
}
