using System.Data.Common;
using System.Diagnostics;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Bench;

/// <summary>
/// The customer picker's server-side search (what each keystroke costs after the debounce) over 100,000 customers in
/// a few tenants, and the query plan that shows it answers from indexes.
/// </summary>
public static class PickerBenchmark
{
    private const int Tenants = 4;

    private static readonly string[] FirstNames =
        ["Hans", "Anna", "Jörg", "Sophie", "Lukas", "Marie", "Paul", "Emma", "Felix", "Lena", "Jonas", "Mia", "Max", "Clara", "Tom", "Ida", "Ben", "Nora", "Karl", "Greta"];
    private static readonly string[] LastNames =
        ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein",
         "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann",
         "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker"];
    private static readonly string[] CompanyWords =
        ["Bäckerei", "Autohaus", "Praxis", "Kanzlei", "Logistik", "Elektro", "Sanitär", "Druckerei", "Consulting", "Software", "Immobilien", "Gärtnerei", "Metallbau", "Apotheke", "Hotel"];
    private static readonly string[] CompanyForms = ["GmbH", "AG", "KG", "& Partner", "e.K.", "Ltd"];

    public static async Task RunAsync(string[] args)
    {
        var customerCount = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 100_000;
        await using var bench = await BenchHost.CreateAsync();

        var fill = Stopwatch.StartNew();
        var tenantIds = await FillAsync(bench, customerCount);
        Console.WriteLine($"filled {customerCount:N0} customers in {Tenants} tenants in {fill.Elapsed.TotalSeconds:F1} s");

        var pickers = new PickerService(bench.DbFactory);
        var tenant = tenantIds[1];
        var cases = new (string Name, int? TenantId, string Text)[]
        {
            ("empty text (first by name)", tenant, ""),
            ("one letter 'm'", tenant, "m"),
            ("two letters 'sc'", tenant, "sc"),
            ("name prefix 'Müll'", tenant, "Müll"),
            ("name, case and umlaut 'MÜLLER'", tenant, "MÜLLER"),
            ("spelled out 'mueller'", tenant, "mueller"),
            ("first and last name 'hans mül'", tenant, "hans mül"),
            ("company 'Bäckerei'", tenant, "Bäckerei"),
            ("company form 'gmbh'", tenant, "gmbh"),
            ("customer number 'C-1234'", tenant, "C-1234"),
            ("email 'anna.weber@'", tenant, "anna.weber@"),
            ("email domain 'druckerei-koch'", tenant, "druckerei-koch"),
            ("every email matches 'example'", tenant, "example"),
            ("no match 'xqzv'", tenant, "xqzv"),
            ("all tenants, empty text", null, ""),
            ("all tenants, one letter 'm'", null, "m"),
            ("all tenants, company 'gmbh'", null, "gmbh"),
            ("all tenants, name prefix 'Schr'", null, "Schr"),
        };

        Console.WriteLine($"{"customer search (limit 20)",-36} {"p50 ms",8} {"p95 ms",8} {"shown",6}");
        foreach (var (name, tenantId, text) in cases)
        {
            var timings = new List<double>();
            var shown = 0;
            for (var i = 0; i < 41; i++)
            {
                var watch = Stopwatch.StartNew();
                var found = await pickers.SearchCustomersAsync(tenantId, text, PickerService.DefaultLimit);
                timings.Add(watch.Elapsed.TotalMilliseconds);
                shown = found.Count;
            }
            timings.RemoveAt(0); // warm-up
            timings.Sort();
            Console.WriteLine($"{name,-36} {timings[timings.Count / 2],8:F1} {timings[(int)Math.Ceiling(timings.Count * 0.95) - 1],8:F1} {shown,6}");
        }

        await PrintPlanAsync(bench, pickers, tenant, "Müll");
        await PrintPlanAsync(bench, pickers, tenant, "gmbh");
    }

    /// <summary>EXPLAIN QUERY PLAN of the very statement the service sends, caught on its way to SQLite.</summary>
    private static async Task PrintPlanAsync(BenchHost bench, PickerService pickers, int tenantId, string text)
    {
        var catcher = new CommandCatcher();
        using (DiagnosticListener.AllListeners.Subscribe(catcher))
        {
            await pickers.SearchCustomersAsync(tenantId, text);
        }
        await using var db = await bench.DbFactory.CreateDbContextAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        Console.WriteLine();
        Console.WriteLine($"query plans for '{text}' in one tenant:");
        foreach (var (commandText, parameters) in catcher.Commands)
        {
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + commandText;
            foreach (var (parameterName, value) in parameters)
            {
                explain.Parameters.AddWithValue(parameterName, value ?? DBNull.Value);
            }
            Console.WriteLine($"  {commandText.Split('\n')[0]} …");
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Console.WriteLine($"    {reader.GetString(3)}");
            }
        }
    }

    private static async Task<int[]> FillAsync(BenchHost bench, int customerCount)
    {
        await using var db = await bench.DbFactory.CreateDbContextAsync();
        var tenants = Enumerable.Range(1, Tenants)
            .Select(t => new Tenant { Name = $"Bench tenant {t}", SenderAddress = $"support{t}@bench.example", SenderName = $"Bench {t}", QuoteNumberPrefix = $"Q{t}-" })
            .ToList();
        db.Set<Tenant>().AddRange(tenants);
        await db.SaveChangesAsync();
        var tenantIds = tenants.Select(t => t.Id).ToArray();

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();

        await using var customer = connection.CreateCommand();
        customer.Transaction = transaction;
        customer.CommandText = """
            INSERT INTO Customers (CustomerNumber, Name, Company, Address, TenantId, CreatedFromEmail, CreatedAt)
            VALUES ($number, $name, $company, '', $tenant, 0, '2026-01-01 00:00:00') RETURNING Id
            """;
        var number = customer.Parameters.Add("$number", SqliteType.Text);
        var name = customer.Parameters.Add("$name", SqliteType.Text);
        var company = customer.Parameters.Add("$company", SqliteType.Text);
        var tenant = customer.Parameters.Add("$tenant", SqliteType.Integer);

        await using var email = connection.CreateCommand();
        email.Transaction = transaction;
        email.CommandText = "INSERT INTO CustomerEmails (CustomerId, TenantId, Address) VALUES ($customer, $tenant, $address)";
        var emailCustomer = email.Parameters.Add("$customer", SqliteType.Integer);
        var emailTenant = email.Parameters.Add("$tenant", SqliteType.Integer);
        var address = email.Parameters.Add("$address", SqliteType.Text);

        var random = new Random(11);
        for (var i = 0; i < customerCount; i++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            var companyWord = CompanyWords[random.Next(CompanyWords.Length)];
            var companyOwner = LastNames[random.Next(LastNames.Length)];
            var form = CompanyForms[random.Next(CompanyForms.Length)];
            var tenantId = tenantIds[i % Tenants];
            number.Value = $"C-{1001 + i / Tenants}";
            name.Value = $"{first} {last}";
            company.Value = random.Next(5) == 0 ? "" : $"{companyWord} {companyOwner} {form}";
            tenant.Value = tenantId;
            var id = Convert.ToInt32(await customer.ExecuteScalarAsync());

            emailCustomer.Value = id;
            emailTenant.Value = tenantId;
            address.Value = $"{Ascii(first)}.{Ascii(last)}{i}@{Ascii(companyWord)}-{Ascii(companyOwner)}.example".ToLowerInvariant();
            await email.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
        return tenantIds;
    }

    private static string Ascii(string text) =>
        text.Replace("ä", "ae").Replace("ö", "oe").Replace("ü", "ue").Replace("ß", "ss").Replace("Ä", "Ae").Replace("Ö", "Oe").Replace("Ü", "Ue");

    /// <summary>Collects EF Core's commands with their parameter values from its diagnostic events.</summary>
    private sealed class CommandCatcher : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public List<(string CommandText, List<(string, object?)> Parameters)> Commands { get; } = [];

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                listener.Subscribe(this);
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData data)
            {
                Commands.Add((data.Command.CommandText, data.Command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList()));
            }
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}
