using System.Diagnostics;
using System.Net;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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

    public static async Task RunAsync(string[] args)
    {
        var ticketCount = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 100_000;
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
        // "desk N plans": print each case's SQL with SQLite's plan for it instead of timing.
        var plans = args.Contains("plans");
        services.AddLogging(logging =>
        {
            if (plans)
            {
                logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information)
                    .AddFilter("Microsoft", LogLevel.Warning)
                    .AddSimpleConsole();
            }
        });
        services.AddSingleton<TimeProvider>(new BenchClock(Now));
        services.AddData(configuration, new BenchEnvironment(folder));
        services.AddAccount();
        services.AddDemo();
        services.AddTickets();
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
            await RunCasesAsync(dbFactory, ticketCount, plans);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static async Task RunCasesAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketCount, bool plans)
    {
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

/// <summary>
/// A desk of N tickets as years of support leave it: most tickets closed, a few tenants of different sizes, agents
/// who handle very different shares, customers with a long tail, expected dates on a third, time entries on some,
/// most of them billed; 3 messages per ticket in English and German, a third of them with HTML. Nine in ten tickets
/// neither closed nor waiting for the customer have a running service-level target, due from 3 days before
/// <c>now</c> to 5 days after, at risk from 80 % of a target of 4–40 hours; the others have none.
/// Raw SQL in large transactions with prepared commands, the full-text index built afterwards like the migration does.
/// </summary>
public static class DeskFill
{
    private static readonly string[] TenantNames = ["Hauptmandant GmbH", "Nordwerk AG", "Südhandel KG", "Praxisverbund", "Kleinkunde e.K."];
    private static readonly double[] TenantShares = [0.55, 0.2, 0.13, 0.08, 0.04];
    private const int AgentCount = 20;

    public static async Task FillAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketCount, DateTime now)
    {
        var random = new Random(11);
        // Its own sequence, so the rest of the fill stays as it was before tickets had targets.
        var slaRandom = new Random(17);
        await using var db = await dbFactory.CreateDbContextAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.ExecuteSqlRawAsync(TicketSearchSql.DropTriggers);
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=OFF; PRAGMA cache_size=-400000; PRAGMA foreign_keys=OFF;");
        var customerCount = Math.Clamp(ticketCount / 50, 200, 50_000);
        var agentIds = Enumerable.Range(1, AgentCount).Select(i => $"agent-{i:00}").ToList();
        var customerTenant = new int[customerCount + 1];
        var customerNames = new (string Name, string Email)[customerCount + 1];
        const int groupId = 1;

        await using (var transaction = connection.BeginTransaction())
        {
            var tenant = SearchBenchmark.Command(connection, transaction,
                "INSERT INTO Tenants (Id, Name, SenderAddress, SenderName, Currency, VatRate, QuoteNumberPrefix, TimeRoundingMinutes) VALUES ($id, $name, $address, $name, 'EUR', '19', 'A', 15)", "$id", "$name", "$address");
            for (var t = 1; t <= TenantNames.Length; t++)
            {
                SearchBenchmark.Run(tenant, t, TenantNames[t - 1], $"support@tenant{t}.example");
            }
            SearchBenchmark.Command(connection, transaction, $"INSERT INTO UserGroups (Id, Name, HourlyRate) VALUES ({groupId}, 'Ticket-Support', 95)").ExecuteNonQuery();
            var user = SearchBenchmark.Command(connection, transaction, """
                INSERT INTO AspNetUsers (Id, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, DisplayName, Signature, SecurityStamp,
                    PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
                VALUES ($id, $email, upper($email), $email, upper($email), 1, $name, '', $id, 0, 0, 1, 0)
                """, "$id", "$email", "$name");
            var membership = SearchBenchmark.Command(connection, transaction,
                $"INSERT INTO UserGroupMemberships (UserId, GroupId) VALUES ($user, {groupId})", "$user");
            for (var i = 0; i < AgentCount; i++)
            {
                var first = SearchBenchmark.FirstNames[i % SearchBenchmark.FirstNames.Length];
                var last = SearchBenchmark.LastNames[(i * 7) % SearchBenchmark.LastNames.Length];
                SearchBenchmark.Run(user, agentIds[i], $"agent{i + 1}@example.test", $"Agent {i + 1:00} {first} {last}");
                SearchBenchmark.Run(membership, agentIds[i]);
            }
            var customer = SearchBenchmark.Command(connection, transaction,
                "INSERT INTO Customers (Id, CustomerNumber, Name, Company, Address, TenantId, CreatedFromEmail, CreatedAt) VALUES ($id, $number, $name, $company, '', $tenant, 1, $now)",
                "$id", "$number", "$name", "$company", "$tenant", "$now");
            var email = SearchBenchmark.Command(connection, transaction,
                "INSERT INTO CustomerEmails (CustomerId, TenantId, Address) VALUES ($customer, $tenant, $address)", "$customer", "$tenant", "$address");
            for (var i = 1; i <= customerCount; i++)
            {
                var first = SearchBenchmark.FirstNames[random.Next(SearchBenchmark.FirstNames.Length)];
                var last = SearchBenchmark.LastNames[random.Next(SearchBenchmark.LastNames.Length)];
                var companyWord = SearchBenchmark.Companies[random.Next(SearchBenchmark.Companies.Length)];
                var tenantId = Pick(random, TenantShares) + 1;
                var address = $"{first}.{last}{i}@{companyWord.ToLowerInvariant()}{i % 97}.example";
                SearchBenchmark.Run(customer, i, $"K-{i:000000}", $"{first} {last}", $"{last} {companyWord}", tenantId, now.AddDays(-random.Next(2000)));
                SearchBenchmark.Run(email, i, tenantId, address);
                customerTenant[i] = tenantId;
                customerNames[i] = ($"{first} {last}", address);
            }
            // One quote line that the billed time entries point at (the filter only asks whether time is billed).
            SearchBenchmark.Command(connection, transaction, $"""
                INSERT INTO Quotes (Id, Number, TenantId, CustomerId, Status, CreatedAt, Currency, VatRate, Net, Vat, Gross)
                VALUES (1, 'A-000001', {customerTenant[1]}, 1, 1, '{now:yyyy-MM-dd HH:mm:ss}', 'EUR', 0.19, 0, 0, 0)
                """).ExecuteNonQuery();
            transaction.Commit();
        }

        var agentWeights = Enumerable.Range(1, AgentCount).Select(i => 1.0 / i).ToArray();
        var totalWeight = agentWeights.Sum();
        for (var i = 0; i < agentWeights.Length; i++) agentWeights[i] /= totalWeight;
        var today = DateOnly.FromDateTime(now);
        const int batch = 20_000;
        var timeEntryId = 0;
        var quoteLineCreated = false;
        for (var start = 0; start < ticketCount; start += batch)
        {
            await using var transaction = connection.BeginTransaction();
            var ticket = SearchBenchmark.Command(connection, transaction, """
                INSERT INTO Tickets (Id, Number, Subject, Status, HandlerId, CustomerId, TenantId, ExpectedDate, TimeTrackingAllowed,
                    CreatedAt, UpdatedAt, UpdatedBy, LastMessageAt, Version, CustomerNote, InternalNote, SlaDueAt, SlaAtRiskAt)
                VALUES ($id, $number, $subject, $status, $handler, $customer, $tenant, $expected, $tracking, $created, $updated, $by, $last, 0, '', '', $due, $atRisk)
                """, "$id", "$number", "$subject", "$status", "$handler", "$customer", "$tenant", "$expected", "$tracking", "$created", "$updated", "$by", "$last", "$due", "$atRisk");
            var message = SearchBenchmark.Command(connection, transaction, """
                INSERT INTO TicketMessages (TicketId, Direction, "From", "To", Cc, Subject, Date, TextBody, HtmlBody, IsAutomatic, AuthorId)
                VALUES ($ticket, $direction, $from, $to, '', $subject, $date, $text, $html, 0, $author)
                """, "$ticket", "$direction", "$from", "$to", "$subject", "$date", "$text", "$html", "$author");
            var watcher = SearchBenchmark.Command(connection, transaction, "INSERT INTO TicketWatchers (TicketId, UserId) VALUES ($ticket, $user)", "$ticket", "$user");
            var timeEntry = SearchBenchmark.Command(connection, transaction, """
                INSERT INTO TimeEntries (Id, TicketId, UserId, Start, "End", Minutes, Note, Billable, QuoteLineId, CreatedAt)
                VALUES ($id, $ticket, $user, $start, $end, $minutes, $note, $billable, $line, $start)
                """, "$id", "$ticket", "$user", "$start", "$end", "$minutes", "$note", "$billable", "$line");
            if (!quoteLineCreated)
            {
                SearchBenchmark.Command(connection, transaction,
                    $"INSERT INTO QuoteLines (Id, QuoteId, TicketId, UserGroupId, Text, Hours, Rate, Amount) VALUES (1, 1, 1, {groupId}, 'Support', 1, 95, 95)")
                    .ExecuteNonQuery();
                quoteLineCreated = true;
            }
            for (var i = start; i < Math.Min(start + batch, ticketCount); i++)
            {
                var id = i + 1;
                // Five years of tickets, the newest last; the recent ones are still being worked on.
                var created = now.AddMinutes(-(ticketCount - i) * (5 * 365 * 24 * 60.0 / ticketCount)).AddSeconds(-random.Next(60));
                var ageDays = (now - created).TotalDays;
                var status = ageDays > 30 ? (random.Next(50) == 0 ? (TicketStatus)random.Next(5) : TicketStatus.Closed)
                    : (TicketStatus)Pick(random, [0.12, 0.25, 0.2, 0.13, 0.1, 0.2]);
                var customerId = 1 + (int)(customerCount * Math.Pow(random.NextDouble(), 1.8));
                customerId = Math.Min(customerId, customerCount);
                var handler = random.Next(100) < (status == TicketStatus.New ? 70 : 12) ? null : agentIds[Pick(random, agentWeights)];
                DateOnly? expected = random.Next(3) == 0 ? DateOnly.FromDateTime(created.AddDays(random.Next(1, 21))) : null;
                var tracking = random.Next(10) < 4;
                var updated = created.AddMinutes(random.Next(1, 60 * 24 * Math.Max(1, Math.Min(20, (int)ageDays))));
                if (updated > now) updated = now.AddSeconds(-random.Next(3600));
                var subject = SearchBenchmark.Fill(SearchBenchmark.Subjects[random.Next(SearchBenchmark.Subjects.Length)], random);
                var (name, address) = customerNames[customerId];
                DateTime? lastMessage = null;
                var messageDates = new DateTime[3];
                for (var m = 0; m < 3; m++)
                {
                    messageDates[m] = created.AddMinutes(m * random.Next(30, 600));
                    lastMessage = messageDates[m];
                }
                var slaDue = Ticket.NoDue;
                DateTime? slaAtRisk = null;
                if (status is not (TicketStatus.Closed or TicketStatus.WaitingForCustomer) && slaRandom.Next(10) != 0)
                {
                    var targetHours = 4 + slaRandom.NextDouble() * 36;
                    slaDue = now.AddHours(-3 * 24 + slaRandom.NextDouble() * 8 * 24);
                    slaAtRisk = slaDue.AddHours(-0.2 * targetHours);
                }
                SearchBenchmark.Run(ticket, id, 1001 + i, subject, (int)status, (object?)handler ?? DBNull.Value, customerId, customerTenant[customerId],
                    expected is DateOnly e ? e.ToString("yyyy-MM-dd") : DBNull.Value, tracking, created, updated, (object?)handler ?? DBNull.Value, lastMessage!,
                    slaDue, (object?)slaAtRisk ?? DBNull.Value);
                for (var m = 0; m < 3; m++)
                {
                    var fromCustomer = m != 1;
                    var text = SearchBenchmark.Body(random, fromCustomer ? name : "Ihr Support-Team / your support team");
                    var htmlOnly = random.Next(5) == 0;
                    var html = htmlOnly || random.Next(3) == 0
                        ? $"<html><head><style>p {{ font-family: Arial; }}</style></head><body><div dir=\"ltr\"><p>{WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>")}</p></div></body></html>"
                        : null;
                    SearchBenchmark.Run(message, id, fromCustomer ? 0 : 1, fromCustomer ? address : $"support@tenant{customerTenant[customerId]}.example",
                        fromCustomer ? $"support@tenant{customerTenant[customerId]}.example" : address, (m == 0 ? "" : "Re: ") + subject,
                        messageDates[m], htmlOnly ? "" : text, (object?)html ?? DBNull.Value, fromCustomer || handler is null ? DBNull.Value : handler);
                }
                if (random.Next(20) == 0)
                {
                    SearchBenchmark.Run(watcher, id, agentIds[random.Next(AgentCount)]);
                }
                if (tracking && random.Next(4) == 0)
                {
                    var entries = 1 + random.Next(3);
                    for (var t = 0; t < entries; t++)
                    {
                        var begin = created.AddHours(1 + t * 24);
                        var minutes = 15 * (1 + random.Next(8));
                        var billable = random.Next(100) < 85;
                        var billed = billable && (status == TicketStatus.Closed ? random.Next(100) < 95 : random.Next(100) < 20);
                        SearchBenchmark.Run(timeEntry, ++timeEntryId, id, handler ?? agentIds[0], begin, begin.AddMinutes(minutes), minutes,
                            "Fernwartung / remote session", billable, billed ? 1 : DBNull.Value);
                    }
                }
            }
            transaction.Commit();
        }
        await db.Database.ExecuteSqlRawAsync(TicketSearchSql.Backfill);
        await db.Database.ExecuteSqlRawAsync(TicketSearchSql.CreateTriggers);
        await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);");
    }

    private static int Pick(Random random, double[] shares)
    {
        var x = random.NextDouble();
        for (var i = 0; i < shares.Length; i++)
        {
            x -= shares[i];
            if (x < 0) return i;
        }
        return shares.Length - 1;
    }
}
