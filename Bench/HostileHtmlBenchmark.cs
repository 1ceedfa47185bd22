using System.Diagnostics;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Mail.Display;
using BlazorTickets.Features.Tenants;
using MimeKit;

namespace BlazorTickets.Bench;

/// <summary>
/// Imports HTML-only mails whose body is <c>&lt;div&gt;&lt;/x&gt;</c> repeated N times (stray end tags hide the
/// nesting) and prints how long the import and a view's sanitizing take. Arguments: the sizes N (default 60000 120000).
/// </summary>
public static class HostileHtmlBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [60_000, 120_000];
        await using var host = await BenchHost.CreateAsync();
        int tenantId;
        await using (var db = await host.DbFactory.CreateDbContextAsync())
        {
            var tenant = new Tenant { Name = "Bench tenant" };
            db.Set<Tenant>().Add(tenant);
            await db.SaveChangesAsync();
            tenantId = tenant.Id;
        }
        var importer = (MailImporter)host.Services.GetService(typeof(MailImporter))!;
        var sanitizer = (MailHtmlSanitizer)host.Services.GetService(typeof(MailHtmlSanitizer))!;
        uint uid = 0;
        foreach (var n in sizes)
        {
            var raw = Mail(n);
            var watch = Stopwatch.StartNew();
            var result = await importer.ImportAsync(tenantId, raw, new MailPosition("INBOX", 1, ++uid));
            watch.Stop();
            Console.WriteLine($"N={n:N0} ({raw.Length / 1024:N0} KB): import {watch.Elapsed.TotalSeconds:N2} s, {result.Outcome}");

            var html = string.Concat(Enumerable.Repeat("<div></x>", n));
            watch.Restart();
            var shown = await sanitizer.SanitizeAsync(html, new Dictionary<string, int>());
            watch.Stop();
            Console.WriteLine($"N={n:N0}: sanitize for a view {watch.Elapsed.TotalSeconds:N2} s, too complex: {shown.IsTooComplex}");
        }
    }

    public static byte[] Mail(int n)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("attacker@evil.example"));
        message.To.Add(MailboxAddress.Parse("support@bench.example"));
        message.Subject = $"Hostile HTML {n}";
        message.MessageId = $"hostile-{n}-{Guid.NewGuid():N}@evil.example";
        message.Body = new TextPart("html") { Text = string.Concat(Enumerable.Repeat("<div></x>", n)) };
        using var memory = new MemoryStream();
        message.WriteTo(memory);
        return memory.ToArray();
    }
}
