using System.Net;
using BlazorTickets.Data;
using BlazorTickets.Features.Tickets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Bench;

/// <summary>
/// A desk of N tickets as years of support leave it: most tickets closed, a few tenants of different sizes, agents
/// who handle very different shares, customers with a long tail, expected dates on a third, time entries on some,
/// most of them billed; 3 messages per ticket in English and German, a third of them with HTML. Nine in ten tickets
/// neither closed nor waiting for the customer have a running service-level target, due from 3 days before
/// <c>now</c> to 5 days after, at risk from 80 % of a target of 4–40 hours; the others have none.
/// <see cref="DeskRows"/> makes the rows from fixed seeds, so both providers get the same desk: on SQLite raw SQL in
/// large transactions with prepared commands, the full-text index built afterwards like the migration does; on
/// PostgreSQL binary COPY (<see cref="DeskFillPostgres"/>).
/// </summary>
public static class DeskFill
{
    public static async Task FillAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketCount, DateTime now)
    {
        var rows = new DeskRows(ticketCount, now);
        await using var db = await dbFactory.CreateDbContextAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        await db.Database.OpenConnectionAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.ExecuteSqlRawAsync(TicketSearchSql.DropTriggers);
        await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=OFF; PRAGMA cache_size=-400000; PRAGMA foreign_keys=OFF;");

        await using (var transaction = connection.BeginTransaction())
        {
            var tenant = SearchBenchmark.Command(connection, transaction,
                "INSERT INTO Tenants (Id, Name, SenderAddress, SenderName, Currency, VatRate, QuoteNumberPrefix, TimeRoundingMinutes) VALUES ($id, $name, $address, $name, 'EUR', '19', 'A', 15)", "$id", "$name", "$address");
            foreach (var (id, name, address) in DeskRows.Tenants)
            {
                SearchBenchmark.Run(tenant, id, name, address);
            }
            SearchBenchmark.Command(connection, transaction, $"INSERT INTO UserGroups (Id, Name, HourlyRate) VALUES ({DeskRows.GroupId}, 'Ticket-Support', 95)").ExecuteNonQuery();
            var user = SearchBenchmark.Command(connection, transaction, """
                INSERT INTO AspNetUsers (Id, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, DisplayName, Signature, SecurityStamp,
                    PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount)
                VALUES ($id, $email, upper($email), $email, upper($email), 1, $name, '', $id, 0, 0, 1, 0)
                """, "$id", "$email", "$name");
            var membership = SearchBenchmark.Command(connection, transaction,
                $"INSERT INTO UserGroupMemberships (UserId, GroupId) VALUES ($user, {DeskRows.GroupId})", "$user");
            foreach (var agent in rows.Agents)
            {
                SearchBenchmark.Run(user, agent.Id, agent.Email, agent.Name);
                SearchBenchmark.Run(membership, agent.Id);
            }
            var customer = SearchBenchmark.Command(connection, transaction,
                "INSERT INTO Customers (Id, CustomerNumber, Name, Company, Address, TenantId, CreatedFromEmail, CreatedAt) VALUES ($id, $number, $name, $company, '', $tenant, 1, $now)",
                "$id", "$number", "$name", "$company", "$tenant", "$now");
            var email = SearchBenchmark.Command(connection, transaction,
                "INSERT INTO CustomerEmails (CustomerId, TenantId, Address) VALUES ($customer, $tenant, $address)", "$customer", "$tenant", "$address");
            foreach (var c in rows.Customers)
            {
                SearchBenchmark.Run(customer, c.Id, c.Number, c.Name, c.Company, c.TenantId, c.CreatedAt);
                SearchBenchmark.Run(email, c.Id, c.TenantId, c.Address);
            }
            // One quote line that the billed time entries point at (the filter only asks whether time is billed).
            SearchBenchmark.Command(connection, transaction, $"""
                INSERT INTO Quotes (Id, Number, TenantId, CustomerId, Status, CreatedAt, Currency, VatRate, Net, Vat, Gross)
                VALUES ({DeskRows.QuoteId}, 'A-000001', {rows.Customer(1).TenantId}, 1, 1, '{now:yyyy-MM-dd HH:mm:ss}', 'EUR', 0.19, 0, 0, 0)
                """).ExecuteNonQuery();
            transaction.Commit();
        }

        const int batch = 20_000;
        var quoteLineCreated = false;
        using var tickets = rows.Tickets().GetEnumerator();
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
                    $"INSERT INTO QuoteLines (Id, QuoteId, TicketId, UserGroupId, Text, Hours, Rate, Amount) VALUES ({DeskRows.QuoteLineId}, {DeskRows.QuoteId}, 1, {DeskRows.GroupId}, 'Support', 1, 95, 95)")
                    .ExecuteNonQuery();
                quoteLineCreated = true;
            }
            for (var i = start; i < Math.Min(start + batch, ticketCount); i++)
            {
                tickets.MoveNext();
                var t = tickets.Current;
                SearchBenchmark.Run(ticket, t.Id, t.Number, t.Subject, (int)t.Status, (object?)t.HandlerId ?? DBNull.Value, t.CustomerId, t.TenantId,
                    t.Expected is DateOnly e ? e.ToString("yyyy-MM-dd") : DBNull.Value, t.Tracking, t.Created, t.Updated, (object?)t.HandlerId ?? DBNull.Value,
                    t.LastMessage, t.SlaDue, (object?)t.SlaAtRisk ?? DBNull.Value);
                foreach (var m in t.Messages)
                {
                    SearchBenchmark.Run(message, t.Id, m.Direction, m.From, m.To, m.Subject, m.Date, m.TextBody, (object?)m.HtmlBody ?? DBNull.Value,
                        (object?)m.AuthorId ?? DBNull.Value);
                }
                if (t.WatcherId is not null)
                {
                    SearchBenchmark.Run(watcher, t.Id, t.WatcherId);
                }
                foreach (var entry in t.TimeEntries)
                {
                    SearchBenchmark.Run(timeEntry, entry.Id, t.Id, entry.UserId, entry.Start, entry.End, entry.Minutes, DeskRows.TimeEntryNote, entry.Billable,
                        entry.Billed ? DeskRows.QuoteLineId : DBNull.Value);
                }
            }
            transaction.Commit();
        }
        await db.Database.ExecuteSqlRawAsync(TicketSearchSql.Backfill);
        await db.Database.ExecuteSqlRawAsync(TicketSearchSql.CreateTriggers);
        await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);");
    }
}

/// <summary>
/// The rows of the desk (see <see cref="DeskFill"/>), made from two fixed seeds in one order, so every writer gets the
/// same desk: setup rows at construction, tickets with their messages, watcher and time entries as they are enumerated
/// (once).
/// </summary>
public sealed class DeskRows
{
    public static readonly (int Id, string Name, string Address)[] Tenants =
        [(1, "Hauptmandant GmbH", "support@tenant1.example"), (2, "Nordwerk AG", "support@tenant2.example"), (3, "Südhandel KG", "support@tenant3.example"),
         (4, "Praxisverbund", "support@tenant4.example"), (5, "Kleinkunde e.K.", "support@tenant5.example")];
    private static readonly double[] TenantShares = [0.55, 0.2, 0.13, 0.08, 0.04];
    private const int AgentCount = 20;
    public const int GroupId = 1;
    public const int QuoteId = 1;
    public const int QuoteLineId = 1;
    public const string TimeEntryNote = "Fernwartung / remote session";

    private readonly int ticketCount;
    private readonly DateTime now;
    private readonly Random random = new(11);
    // Its own sequence, so the rest of the fill stays as it was before tickets had targets.
    private readonly Random slaRandom = new(17);
    private bool enumerated;

    public DeskRows(int ticketCount, DateTime now)
    {
        this.ticketCount = ticketCount;
        this.now = now;
        Agents = Enumerable.Range(0, AgentCount).Select(i => new DeskAgent(
            $"agent-{i + 1:00}", $"agent{i + 1}@example.test",
            $"Agent {i + 1:00} {SearchBenchmark.FirstNames[i % SearchBenchmark.FirstNames.Length]} {SearchBenchmark.LastNames[(i * 7) % SearchBenchmark.LastNames.Length]}")).ToList();
        var customerCount = Math.Clamp(ticketCount / 50, 200, 50_000);
        var customers = new List<DeskCustomer>(customerCount);
        for (var i = 1; i <= customerCount; i++)
        {
            var first = SearchBenchmark.FirstNames[random.Next(SearchBenchmark.FirstNames.Length)];
            var last = SearchBenchmark.LastNames[random.Next(SearchBenchmark.LastNames.Length)];
            var companyWord = SearchBenchmark.Companies[random.Next(SearchBenchmark.Companies.Length)];
            var tenantId = Pick(random, TenantShares) + 1;
            var address = $"{first}.{last}{i}@{companyWord.ToLowerInvariant()}{i % 97}.example";
            customers.Add(new DeskCustomer(i, $"K-{i:000000}", $"{first} {last}", $"{last} {companyWord}", tenantId, now.AddDays(-random.Next(2000)), address));
        }
        Customers = customers;
    }

    public IReadOnlyList<DeskAgent> Agents { get; }

    /// <summary>In the order of their ids, 1 to N/50 (at least 200, at most 50,000).</summary>
    public IReadOnlyList<DeskCustomer> Customers { get; }

    public DeskCustomer Customer(int id) => Customers[id - 1];

    public IEnumerable<DeskTicket> Tickets()
    {
        if (enumerated)
        {
            throw new InvalidOperationException("The desk's tickets come from one random sequence: enumerate them once.");
        }
        enumerated = true;
        var agentIds = Agents.Select(a => a.Id).ToList();
        var agentWeights = Enumerable.Range(1, AgentCount).Select(i => 1.0 / i).ToArray();
        var totalWeight = agentWeights.Sum();
        for (var i = 0; i < agentWeights.Length; i++) agentWeights[i] /= totalWeight;
        var customerCount = Customers.Count;
        var timeEntryId = 0;
        for (var i = 0; i < ticketCount; i++)
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
            var customer = Customer(customerId);
            var tenantAddress = $"support@tenant{customer.TenantId}.example";
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
            var messages = new DeskMessage[3];
            for (var m = 0; m < 3; m++)
            {
                var fromCustomer = m != 1;
                var text = SearchBenchmark.Body(random, fromCustomer ? customer.Name : "Ihr Support-Team / your support team");
                var htmlOnly = random.Next(5) == 0;
                var html = htmlOnly || random.Next(3) == 0
                    ? $"<html><head><style>p {{ font-family: Arial; }}</style></head><body><div dir=\"ltr\"><p>{WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>")}</p></div></body></html>"
                    : null;
                messages[m] = new DeskMessage(fromCustomer ? 0 : 1, fromCustomer ? customer.Address : tenantAddress, fromCustomer ? tenantAddress : customer.Address,
                    (m == 0 ? "" : "Re: ") + subject, messageDates[m], htmlOnly ? "" : text, html, fromCustomer || handler is null ? null : handler);
            }
            var watcher = random.Next(20) == 0 ? agentIds[random.Next(AgentCount)] : null;
            var timeEntries = new List<DeskTimeEntry>();
            if (tracking && random.Next(4) == 0)
            {
                var entries = 1 + random.Next(3);
                for (var t = 0; t < entries; t++)
                {
                    var begin = created.AddHours(1 + t * 24);
                    var minutes = 15 * (1 + random.Next(8));
                    var billable = random.Next(100) < 85;
                    var billed = billable && (status == TicketStatus.Closed ? random.Next(100) < 95 : random.Next(100) < 20);
                    timeEntries.Add(new DeskTimeEntry(++timeEntryId, handler ?? agentIds[0], begin, begin.AddMinutes(minutes), minutes, billable, billed));
                }
            }
            yield return new DeskTicket(id, 1001 + i, subject, status, handler, customerId, customer.TenantId, expected, tracking, created, updated,
                lastMessage!.Value, slaDue, slaAtRisk, messages, watcher, timeEntries);
        }
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

public sealed record DeskAgent(string Id, string Email, string Name);

public sealed record DeskCustomer(int Id, string Number, string Name, string Company, int TenantId, DateTime CreatedAt, string Address);

public sealed record DeskMessage(int Direction, string From, string To, string Subject, DateTime Date, string TextBody, string? HtmlBody, string? AuthorId);

public sealed record DeskTimeEntry(int Id, string UserId, DateTime Start, DateTime End, int Minutes, bool Billable, bool Billed);

public sealed record DeskTicket(
    int Id, int Number, string Subject, TicketStatus Status, string? HandlerId, int CustomerId, int TenantId, DateOnly? Expected, bool Tracking,
    DateTime Created, DateTime Updated, DateTime LastMessage, DateTime SlaDue, DateTime? SlaAtRisk,
    DeskMessage[] Messages, string? WatcherId, List<DeskTimeEntry> TimeEntries)
{
    /// <summary>What the unbilled trigger keeps: billable time not yet on a quote.</summary>
    public bool HasUnbilledTime => TimeEntries.Any(e => e.Billable && !e.Billed);
}
