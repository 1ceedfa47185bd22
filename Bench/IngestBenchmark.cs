using BlazorTickets.Data;
using System.Diagnostics;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using MimeKit;

namespace BlazorTickets.Bench;

/// <summary>
/// 10,000 messages (the shared corpus plus generated mail of realistic sizes, a third with attachments) are
/// APPENDed to a local Dovecot and imported into a fresh SQLite database through the real fetch.
/// <c>ingest [count] [import-only] [postgres]</c>: "postgres" imports into a fresh PostgreSQL database instead
/// (see <see cref="BenchHost.PostgresEnvironmentVariable"/>).
/// </summary>
public static class IngestBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var total = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 10_000;
        var importOnly = args.Contains("import-only");
        provider = args.Contains("postgres", StringComparer.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        Console.WriteLine($"database: {provider}");
        var messages = BuildMessages(total);
        var bytes = messages.Sum(m => (long)m.Length);
        Console.WriteLine($"messages: {messages.Count:N0} ({bytes / 1048576.0:N0} MB, {messages.Count(HasAttachment):N0} with attachments)");

        var parse = Stopwatch.StartNew();
        var unparsable = 0;
        foreach (var raw in messages)
        {
            using var stream = new MemoryStream(raw, writable: false);
            try
            {
                _ = MimeMessage.Load(stream);
            }
            catch (FormatException)
            {
                unparsable++;
            }
        }
        parse.Stop();
        Console.WriteLine($"MimeKit parse only: {messages.Count / parse.Elapsed.TotalSeconds:N0} messages/s ({unparsable} the parser rejects)");

        if (importOnly)
        {
            // The database half alone, twice in one process: the second run is the warm one.
            await ImportWithoutImapAsync(messages);
            await ImportWithoutImapAsync(messages);
            return;
        }

        await using var dovecot = await DovecotServer.StartAsync(ColdUser, WarmUser);
        var append = Stopwatch.StartNew();
        await dovecot.AppendManyAsync(ColdUser, messages);
        await dovecot.AppendManyAsync(WarmUser, messages);
        Console.WriteLine($"APPEND to Dovecot, two mailboxes (setup, not measured): {append.Elapsed.TotalSeconds:N1} s");

        // The first fetch of a fresh process also pays for JIT compilation; a server that has been running fetches
        // like the second, which goes into another fresh database from another mailbox holding the same messages.
        await FetchIntoFreshDatabaseAsync("cold (first fetch after the process started)", dovecot, ColdUser, messages.Count);
        await FetchIntoFreshDatabaseAsync("warm (a running server)", dovecot, WarmUser, messages.Count);

        await ImportWithoutImapAsync(messages);
    }

    private static DatabaseProvider provider;

    private const string ColdUser = "bench-cold";
    private const string WarmUser = "bench-warm";

    private static async Task FetchIntoFreshDatabaseAsync(string label, DovecotServer dovecot, string user, int expected)
    {
        await using var host = await BenchHost.CreateAsync(provider: provider);
        var tenantId = await host.CreateTenantWithMailboxAsync(dovecot, user, push: false);
        var fetcher = (MailFetchService)host.Services.GetService(typeof(MailFetchService))!;

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var summary = await fetcher.FetchTenantAsync(tenantId);
        watch.Stop();
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        Console.WriteLine($"fetch, {label}: {summary}");
        Console.WriteLine($"end to end, {label}: {summary.Fetched / watch.Elapsed.TotalSeconds:N0} messages/s ({watch.Elapsed.TotalSeconds:N1} s, app CPU {cpuUsed.TotalSeconds:N1} s)");
        Console.WriteLine($"database: {await host.DatabaseMegabytesAsync():N0} MB");
        if (!summary.Succeeded || summary.Fetched != expected)
        {
            throw new InvalidOperationException($"Expected {expected} fetched: {summary}");
        }
    }

    /// <summary>The database half alone: the same messages through the importer in the fetch's batch size, no IMAP.</summary>
    private static async Task ImportWithoutImapAsync(List<byte[]> messages)
    {
        await using var host = await BenchHost.CreateAsync(provider: provider);
        int tenantId;
        await using (var db = await host.DbFactory.CreateDbContextAsync())
        {
            var tenant = new BlazorTickets.Features.Tenants.Tenant { Name = "Bench tenant" };
            db.Set<Tenant>().Add(tenant);
            await db.SaveChangesAsync();
            tenantId = tenant.Id;
        }
        var importer = (MailImporter)host.Services.GetService(typeof(MailImporter))!;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        uint uid = 0;
        foreach (var batch in messages.Chunk(MailFetchService.BatchSize))
        {
            await importer.ImportBatchAsync(tenantId, batch.Select(raw => new MailImporter.IncomingMail(raw, new MailPosition("INBOX", 1, ++uid))).ToList());
        }
        watch.Stop();
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"import only (parse + database, no IMAP): {messages.Count / watch.Elapsed.TotalSeconds:N0} messages/s ({watch.Elapsed.TotalSeconds:N1} s, app CPU {cpuUsed.TotalSeconds:N1} s)");
    }

    private static bool HasAttachment(byte[] raw) => raw.AsSpan().IndexOf("Content-Disposition: attachment"u8) >= 0;

    private static List<byte[]> BuildMessages(int total)
    {
        var corpus = MimeCorpus.Messages().Select(i => i.Raw).ToList();
        var random = new Random(42);
        var messages = new List<byte[]>(total);
        messages.AddRange(corpus.Take(total));
        string[] words = ["order", "invoice", "printer", "delivery", "account", "please", "thanks", "urgent", "server", "laptop", "update", "meeting", "customer", "error", "login"];
        for (var i = messages.Count; i < total; i++)
        {
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress($"Customer {i % 800}", $"customer{i % 800}@example{i % 37}.test"));
            message.To.Add(MailboxAddress.Parse("support@bench.example"));
            message.Subject = $"{words[random.Next(words.Length)]} {words[random.Next(words.Length)]} #{i}";
            message.MessageId = $"bench-{i}@example.test";
            message.Date = DateTimeOffset.UtcNow.AddMinutes(-random.Next(0, 100_000));
            var textLength = (int)Math.Min(60_000, 400 * Math.Exp(random.NextDouble() * 3.5));
            var text = string.Join(' ', Enumerable.Range(0, textLength / 7).Select(_ => words[random.Next(words.Length)]));
            var body = new BodyBuilder { TextBody = text };
            if (random.Next(2) == 0)
            {
                body.HtmlBody = $"<html><body><p>{text}</p></body></html>";
            }
            if (i % 3 == 0)
            {
                var attachment = new byte[random.Next(8_000, 120_000)];
                random.NextBytes(attachment);
                body.Attachments.Add($"document-{i}.pdf", attachment, new ContentType("application", "pdf"));
            }
            message.Body = body.ToMessageBody();
            using var memory = new MemoryStream();
            message.WriteTo(memory);
            messages.Add(memory.ToArray());
        }
        return messages;
    }
}
