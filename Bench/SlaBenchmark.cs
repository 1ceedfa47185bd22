using System.Diagnostics;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Bench;

/// <summary>
/// What service levels cost beside the mail import: imports N new tickets of a tenant under a policy, then times the
/// recompute that follows the history (what runs in the background behind every import) and the recompute of a
/// tenant's open tickets after a policy change. Usage: sla [tickets, default 20000].
/// </summary>
public static class SlaBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 20_000;
        await using var host = await BenchHost.CreateAsync();
        var services = host.Services;
        int tenantId;
        await using (var db = await host.DbFactory.CreateDbContextAsync())
        {
            var tenant = new Tenant { Name = "Bench tenant" };
            db.Set<Tenant>().Add(tenant);
            await db.SaveChangesAsync();
            tenantId = tenant.Id;
        }
        var recompute = services.GetRequiredService<SlaRecompute>();
        // The first pass only notes where the history stands.
        while (await recompute.FollowHistoryAsync() | await recompute.ContinueTenantRecomputeAsync())
        {
        }
        var policy = SlaPolicyService.NewPolicy();
        var errors = await services.GetRequiredService<SlaPolicyService>().SaveAsync(tenantId, policy);
        if (!errors.IsEmpty)
        {
            throw new InvalidOperationException("The bench policy was refused.");
        }
        while (await recompute.ContinueTenantRecomputeAsync())
        {
        }

        var importer = services.GetRequiredService<MailImporter>();
        var import = Stopwatch.StartNew();
        uint uid = 0;
        foreach (var batch in Enumerable.Range(0, count).Chunk(MailFetchService.BatchSize))
        {
            await importer.ImportBatchAsync(tenantId, batch.Select(i => new MailImporter.IncomingMail(Mail(i), new MailPosition("INBOX", 1, ++uid))).ToList());
        }
        import.Stop();
        Console.WriteLine($"import of {count:N0} new tickets: {count / import.Elapsed.TotalSeconds:N0} messages/s");

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var follow = Stopwatch.StartNew();
        while (await recompute.FollowHistoryAsync())
        {
        }
        follow.Stop();
        Console.WriteLine($"recompute following the history: {count / follow.Elapsed.TotalSeconds:N0} tickets/s ({follow.Elapsed.TotalSeconds:N1} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:N1} s)");

        await using (var db = await host.DbFactory.CreateDbContextAsync())
        {
            var running = await db.Set<Ticket>().CountAsync(t => t.SlaDueAt != Ticket.NoDue);
            Console.WriteLine($"tickets with a running target: {running:N0}");
        }

        var again = Stopwatch.StartNew();
        while (await recompute.ContinueTenantRecomputeAsync() || await RequestOnceAsync(host, tenantId))
        {
        }
        again.Stop();
        Console.WriteLine($"recompute of the tenant's open tickets after a policy change: {count / again.Elapsed.TotalSeconds:N0} tickets/s ({again.Elapsed.TotalSeconds:N1} s)");
    }

    private static bool requested;

    private static async Task<bool> RequestOnceAsync(BenchHost host, int tenantId)
    {
        if (requested)
        {
            return false;
        }
        requested = true;
        await using var db = await host.DbFactory.CreateDbContextAsync();
        await SlaRecomputeRequests.RequestAsync(db, tenantId);
        await db.SaveChangesAsync();
        return true;
    }

    private static byte[] Mail(int i)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"Customer {i % 5000}", $"customer{i % 5000}@bench.example"));
        message.To.Add(new MailboxAddress("Support", "support@bench.example"));
        message.Subject = $"Problem number {i}";
        message.MessageId = $"bench-sla-{i}@bench.example";
        message.Date = DateTimeOffset.UtcNow;
        message.Body = new TextPart("plain") { Text = $"Something is broken ({i}). Please help." };
        using var memory = new MemoryStream();
        message.WriteTo(memory);
        return memory.ToArray();
    }
}
