using System.Diagnostics;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Bench;

/// <summary>
/// APPEND to a local Dovecot until the new ticket is in an open list: IMAP IDLE wakes the push worker, the fetch
/// commits, the notifier tells the list, and the list's own query returns the row.
/// </summary>
public static class PushLatencyBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var samples = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 50;
        const string user = "push";
        await using var dovecot = await DovecotServer.StartAsync(user);
        await using var host = await BenchHost.CreateAsync();
        await host.StartAsync();
        var push = host.Services.GetRequiredService<MailPushService>();
        var connected = new TaskCompletionSource();
        push.Fetched += (_, _) => connected.TrySetResult();
        await host.CreateTenantWithMailboxAsync(dovecot, user, push: true);
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var notifier = host.Services.GetRequiredService<TicketChangeNotifier>();
        var changed = new SemaphoreSlim(0);
        using var subscription = notifier.Subscribe(_ =>
        {
            changed.Release();
            return Task.CompletedTask;
        });
        await using var scope = host.Services.CreateAsyncScope();
        var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();

        var latencies = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var subject = $"Push latency probe {i:000}";
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("probe@customer.example"));
            message.To.Add(MailboxAddress.Parse("support@bench.example"));
            message.Subject = subject;
            message.Body = new TextPart("plain") { Text = "ping" };
            while (changed.CurrentCount > 0)
            {
                await changed.WaitAsync();
            }

            var watch = Stopwatch.StartNew();
            await dovecot.AppendAsync(user, message);
            while (true)
            {
                if (!await changed.WaitAsync(TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException($"Probe {i} did not show within 30 s.");
                }
                var page = await tickets.QueryAsync(new TicketListFilter { Text = subject }, null, TicketSort.Default, 0, 25);
                if (page.TotalCount == 1)
                {
                    break;
                }
            }
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            await Task.Delay(100);
        }

        latencies.Sort();
        double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        Console.WriteLine($"push latency over {samples} probes (APPEND → row in the list's query): p50 {Percentile(0.5):N0} ms, p95 {Percentile(0.95):N0} ms, max {latencies[^1]:N0} ms");
    }
}
