using System.Diagnostics;
using System.Net;
using System.Text;
using BlazorTickets.Data;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Bench;

/// <summary>
/// The desk's search box over N tickets with 3 messages each (English and German support mail, a fifth of it only
/// as HTML): the list's query as the desk runs it (capped count, relevance page of 25, snippets), per kind of search.
/// The tables are filled with raw SQL without the index triggers; the index is then built by the same SQL the
/// migration runs on an existing database, which is timed too.
/// </summary>
public static class SearchBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var ticketCount = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 100_000;
        await using var host = await BenchHost.CreateAsync();
        var dbFactory = host.DbFactory;

        var fill = Stopwatch.StartNew();
        await FillAsync(dbFactory, ticketCount);
        Console.WriteLine($"filled {ticketCount:N0} tickets, {ticketCount * 3:N0} messages in {fill.Elapsed.TotalSeconds:F1} s");

        var index = Stopwatch.StartNew();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
            await db.Database.ExecuteSqlRawAsync(TicketSearchSql.Backfill);
            await db.Database.ExecuteSqlRawAsync(TicketSearchSql.CreateTriggers);
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
        }
        Console.WriteLine($"index built (the migration's backfill) in {index.Elapsed.TotalSeconds:F1} s; database {DatabaseMegabytes(host.DataFolder):N0} MB");

        var service = new TicketService(dbFactory, TimeProvider.System);
        var cases = new (string Name, TicketListFilter Filter)[]
        {
            ("full-text 'printer' in bodies", new TicketListFilter { Text = "printer" }),
            ("rare word 'Plotterkopf'", new TicketListFilter { Text = "Plotterkopf" }),
            ("umlaut word 'Müller'", new TicketListFilter { Text = "Müller" }),
            ("umlaut spelled out 'mueller'", new TicketListFilter { Text = "mueller" }),
            ("prefix 'print'", new TicketListFilter { Text = "print" }),
            ("two words 'printer offline'", new TicketListFilter { Text = "printer offline" }),
            ("no match 'xylophone'", new TicketListFilter { Text = "xylophone" }),
            ("'printer' + status Open", new TicketListFilter { Text = "printer", Statuses = new HashSet<TicketStatus> { TicketStatus.Open } }),
            ("'printer' sorted by number", new TicketListFilter { Text = "printer" }),
        };
        Console.WriteLine($"{"search (capped count + page of 25 + snippets)",-46} {"p50 ms",8} {"p95 ms",8} {"rows",8}");
        foreach (var (name, filter) in cases)
        {
            var sort = name.Contains("sorted by number") ? new TicketSort(TicketSortField.Number, true) : TicketSort.Default;
            var timings = new List<double>();
            var total = 0;
            for (var i = 0; i < 21; i++)
            {
                var watch = Stopwatch.StartNew();
                var page = await service.QueryAsync(filter, null, sort, i % 3, 25);
                timings.Add(watch.Elapsed.TotalMilliseconds);
                total = page.TotalCount;
            }
            timings.RemoveAt(0); // warm-up
            timings.Sort();
            var rows = total > TicketService.SearchCountCap ? $"{TicketService.SearchCountCap:N0}+" : total.ToString("N0");
            Console.WriteLine($"{name,-46} {timings[timings.Count / 2],8:F1} {timings[(int)(timings.Count * 0.95) - 1],8:F1} {rows,8}");
        }

        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var printer = await db.Set<TicketSearchEntry>().CountAsync(s => s.Match == "printer");
            Console.WriteLine($"tickets that contain 'printer' (uncapped, not part of a page): {printer:N0}");
        }
    }

    private static double DatabaseMegabytes(string folder) =>
        Directory.EnumerateFiles(folder, "blazortickets.db*").Sum(f => new FileInfo(f).Length) / 1048576.0;

    internal static readonly string[] FirstNames = ["Jürgen", "Anna", "Hans", "Olivia", "Björn", "Ute", "Liam", "Zoë", "Sven", "Mia", "Klaus", "Emma", "Jörg", "Noah", "Käthe", "Lukas"];
    internal static readonly string[] LastNames = ["Müller", "Schmidt", "Mueller", "Weiß", "Smith", "Brown", "Öztürk", "Groß", "Fischer", "Jones", "Schäfer", "Wagner", "Becker", "Taylor", "Krüger", "Hoffmann"];
    internal static readonly string[] Companies = ["Maschinenbau", "Logistik", "Contoso", "Northwind", "Fabrikam", "Straßenbau", "Bäckerei", "Consulting", "Handel", "Praxis", "Kanzlei", "Werkstatt"];
    private static readonly string[] Devices = ["printer", "laptop", "scanner", "router", "monitor", "phone", "Drucker", "Kopierer", "server", "VPN client", "docking station", "label printer"];
    internal static readonly string[] Subjects =
        ["{device} offline", "{device} does not work", "{device} geht nicht", "Problem mit {device}", "Invoice {number} wrong", "Rechnung {number} falsch",
         "Cannot log in", "Anmeldung schlägt fehl", "Backup failed", "Sicherung fehlgeschlagen", "Order {number} not delivered", "Bestellung {number} fehlt",
         "Question about {device}", "Frage zu Ihrem Angebot", "Urgent: {device} error {code}", "Passwort zurücksetzen"];
    private static readonly string[] Sentences =
        ["Hello,", "Hallo zusammen,", "Sehr geehrte Damen und Herren,", "Dear support team,",
         "since this morning our {device} shows error {code} and nothing works.", "seit heute Morgen zeigt unser {device} den Fehler {code}.",
         "We already restarted the {device} twice, but the problem comes back after a few minutes.",
         "Wir haben den {device} bereits zweimal neu gestartet, leider ohne Erfolg.",
         "The {device} in room {number} is offline again.", "Der {device} im Büro {number} ist wieder offline.",
         "Could you please send someone to have a look?", "Könnten Sie bitte jemanden vorbeischicken?",
         "Please check invoice {number}; the amount does not match our order.", "Bitte prüfen Sie die Rechnung {number}, der Betrag stimmt nicht.",
         "The delivery for order {number} has not arrived yet.", "Die Lieferung zur Bestellung {number} ist noch nicht angekommen.",
         "Attached you will find a screenshot of the message.", "Im Anhang finden Sie einen Screenshot der Meldung.",
         "Our colleague {name} can give you more details.", "Unser Kollege {name} kann Ihnen mehr dazu sagen.",
         "This is urgent because we cannot print delivery notes.", "Das ist dringend, weil wir keine Lieferscheine drucken können.",
         "Thank you for the quick help last time!", "Vielen Dank für die schnelle Hilfe beim letzten Mal!",
         "We checked the cable and the network settings.", "Kabel und Netzwerkeinstellungen haben wir geprüft.",
         "The paper tray is full and the toner was replaced last week.", "Das Papierfach ist voll, der Toner wurde letzte Woche getauscht.",
         "Users report that the connection drops every few minutes.", "Die Verbindung bricht alle paar Minuten ab.",
         "Is there an update planned for the firmware?", "Gibt es ein Update für die Firmware?",
         "We have tried the steps from your last mail without success.", "Die Schritte aus Ihrer letzten Mail haben nicht geholfen.",
         "Kind regards", "Best regards", "Mit freundlichen Grüßen", "Viele Grüße"];

    internal static string Fill(string template, Random random) => template
        .Replace("{device}", Devices[Zipf(random, Devices.Length)])
        .Replace("{number}", random.Next(1000, 99999).ToString())
        .Replace("{code}", $"0x{random.Next():X8}")
        .Replace("{name}", $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}");

    /// <summary>Small indexes much more often than large ones, like words in real mail.</summary>
    private static int Zipf(Random random, int count) => Math.Min(count - 1, (int)(count * Math.Pow(random.NextDouble(), 2.2)));

    internal static string Body(Random random, string signature)
    {
        var text = new StringBuilder();
        var sentences = 3 + random.Next(7);
        for (var i = 0; i < sentences; i++)
        {
            text.Append(Fill(Sentences[random.Next(Sentences.Length)], random)).Append(i % 3 == 2 ? "\n\n" : " ");
        }
        if (random.Next(20_000) == 0)
        {
            text.Append("Der Plotterkopf ist defekt. ");
        }
        text.Append("\n\n").Append(signature);
        return text.ToString();
    }

    private static async Task FillAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketCount)
    {
        var random = new Random(7);
        await using var db = await dbFactory.CreateDbContextAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.ExecuteSqlRawAsync(TicketSearchSql.DropTriggers);
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;");

        var tenant = new BlazorTickets.Features.Tenants.Tenant { Name = "Bench", SenderAddress = "bench@example.test", SenderName = "Bench" };
        db.Set<Tenant>().Add(tenant);
        await db.SaveChangesAsync();
        var tenantId = tenant.Id;
        const int customerCount = 5_000;
        var customers = new List<(string Name, string Email)>();
        await using (var transaction = connection.BeginTransaction())
        {
            var customer = Command(connection, transaction,
                "INSERT INTO Customers (Id, CustomerNumber, Name, Company, Address, TenantId, CreatedFromEmail, CreatedAt) VALUES ($id, $number, $name, $company, '', $tenant, 1, $now)",
                "$id", "$number", "$name", "$company", "$tenant", "$now");
            var email = Command(connection, transaction, "INSERT INTO CustomerEmails (CustomerId, TenantId, Address) VALUES ($customer, $tenant, $address)",
                "$customer", "$tenant", "$address");
            for (var i = 1; i <= customerCount; i++)
            {
                var first = FirstNames[random.Next(FirstNames.Length)];
                var last = LastNames[random.Next(LastNames.Length)];
                var address = $"{first}.{last}{i}@{Companies[i % Companies.Length].ToLowerInvariant()}{i % 97}.example";
                Run(customer, i, $"K-{i:00000}", $"{first} {last}", $"{last} {Companies[random.Next(Companies.Length)]}", tenantId, DateTime.UtcNow);
                Run(email, i, tenantId, address);
                customers.Add(($"{first} {last}", address));
            }
            transaction.Commit();
        }

        var now = DateTime.UtcNow;
        const int batch = 10_000;
        for (var start = 0; start < ticketCount; start += batch)
        {
            await using var transaction = connection.BeginTransaction();
            var ticket = Command(connection, transaction, """
                INSERT INTO Tickets (Id, Number, Subject, Status, CustomerId, TenantId, TimeTrackingAllowed, CreatedAt, UpdatedAt, LastMessageAt, Version, CustomerNote, InternalNote)
                VALUES ($id, $number, $subject, $status, $customer, $tenant, 0, $created, $updated, $updated, 0, '', '')
                """, "$id", "$number", "$subject", "$status", "$customer", "$tenant", "$created", "$updated");
            var message = Command(connection, transaction, """
                INSERT INTO TicketMessages (TicketId, Direction, "From", "To", Cc, Subject, Date, TextBody, HtmlBody, IsAutomatic)
                VALUES ($ticket, $direction, $from, 'support@bench.example', '', $subject, $date, $text, $html, 0)
                """, "$ticket", "$direction", "$from", "$subject", "$date", "$text", "$html");
            for (var i = start; i < Math.Min(start + batch, ticketCount); i++)
            {
                var id = i + 1;
                var customerIndex = random.Next(customers.Count);
                var (name, address) = customers[customerIndex];
                var subject = Fill(Subjects[random.Next(Subjects.Length)], random);
                var created = now.AddMinutes(-(ticketCount - i) * 0.5);
                Run(ticket, id, 1001 + i, subject, random.Next(6), customerIndex + 1, tenantId, created, created.AddHours(random.Next(48)));
                for (var m = 0; m < 3; m++)
                {
                    var fromCustomer = m != 1;
                    var text = Body(random, fromCustomer ? name : "Your support team");
                    var htmlOnly = random.Next(5) == 0;
                    var html = htmlOnly || random.Next(3) == 0
                        ? $"<html><head><style>p {{ font-family: Arial; }}</style></head><body><p>{WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>")}</p></body></html>"
                        : null;
                    Run(message, id, fromCustomer ? 0 : 1, fromCustomer ? address : "support@bench.example", (m == 0 ? "" : "Re: ") + subject,
                        created.AddHours(m * 3), htmlOnly ? "" : text, (object?)html ?? DBNull.Value);
                }
            }
            transaction.Commit();
        }
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL;");
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        command.Prepare();
        return command;
    }

    internal static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        command.ExecuteNonQuery();
    }
}
