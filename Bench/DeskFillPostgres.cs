using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using BlazorTickets.Data;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace BlazorTickets.Bench;

/// <summary>
/// The desk of <see cref="DeskRows"/> in a PostgreSQL database the app's migrations made, row for row the SQLite
/// desk, so both providers answer every case with the same counts. The rows go in by binary COPY with the triggers
/// that keep derived data switched off (<c>ALTER TABLE … DISABLE TRIGGER USER</c>). What those triggers keep is written
/// with the rows (the list's copied names, the unbilled flag) or rebuilt afterwards by the migration's own functions
/// (the ticket and customer search documents), then checked against the triggers' definitions; then VACUUM ANALYZE, as
/// autovacuum leaves a database that has been running.
/// </summary>
public static class DeskFillPostgres
{
    private const int Batch = 5_000;
    private const int SearchBatch = 10_000;

    /// <summary>The tables the fill writes, parents first.</summary>
    private static readonly string[] Tables =
        ["Tenants", "UserGroups", "AspNetUsers", "UserGroupMemberships", "Customers", "CustomerEmails", "Quotes", "Tickets", "QuoteLines", "TicketMessages", "TicketWatchers", "TimeEntries"];

    /// <summary>
    /// Every user trigger on those tables, and what stands in for it during the fill. A trigger not named here fails the
    /// fill, so a new one cannot leave its data missing unnoticed.
    /// </summary>
    private static readonly Dictionary<string, string> KnownTriggers = new()
    {
        ["Tickets.ticket_list_names"] = "HandlerName and CustomerName written with the ticket, checked",
        ["Tickets.TicketSearch_TicketInserted"] = "bt_ticket_search_index over all tickets",
        ["Tickets.TicketSearch_TicketChanged"] = "updates only",
        ["TicketMessages.TicketSearch_MessageInserted"] = "bt_ticket_search_index over all tickets",
        ["TicketMessages.TicketSearch_MessageChanged"] = "updates only",
        ["TimeEntries.ticket_unbilled"] = "HasUnbilledTime written with the ticket, checked",
        ["Customers.CustomerSearch_CustomerInserted"] = "bt_customer_search_index over all customers",
        ["Customers.CustomerSearch_CustomerUpdated"] = "updates only",
        ["Customers.TicketSearch_CustomerChanged"] = "updates only",
        ["Customers.ticket_list_customer_renamed"] = "updates only",
        ["CustomerEmails.CustomerSearch_EmailChanged"] = "bt_customer_search_index over all customers",
        ["CustomerEmails.TicketSearch_CustomerEmailChanged"] = "bt_ticket_search_index over all tickets",
        ["AspNetUsers.ticket_list_user_renamed"] = "updates only",
    };

    /// <summary>Fills the database and says how long the parts took.</summary>
    public static async Task<string> FillAsync(string connectionString, int ticketCount, DateTime now)
    {
        var watch = Stopwatch.StartNew();
        var rows = new DeskRows(ticketCount, now);
        var agentNames = rows.Agents.ToDictionary(a => a.Id, a => a.Name);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "SET synchronous_commit = off");
        await CheckTriggersAsync(connection);
        await ExecuteAsync(connection, string.Concat(Tables.Select(t => $"ALTER TABLE \"{t}\" DISABLE TRIGGER USER;\n")));

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var tenants = Copy.Begin(connection, "Tenants", ("Id", NpgsqlDbType.Integer), ("Name", NpgsqlDbType.Text), ("SenderAddress", NpgsqlDbType.Text),
                ("SenderName", NpgsqlDbType.Text), ("Currency", NpgsqlDbType.Text), ("VatRate", NpgsqlDbType.Numeric), ("QuoteNumberPrefix", NpgsqlDbType.Text),
                ("TimeRoundingMinutes", NpgsqlDbType.Integer)))
            {
                foreach (var (id, name, address) in DeskRows.Tenants)
                {
                    tenants.Row(id, name, address, name, "EUR", 19m, "A", 15);
                }
            }
            await ExecuteAsync(connection, $"""INSERT INTO "UserGroups" ("Id", "Name", "HourlyRate") VALUES ({DeskRows.GroupId}, 'Ticket-Support', 95)""");
            await using (var users = Copy.Begin(connection, "AspNetUsers", ("Id", NpgsqlDbType.Text), ("UserName", NpgsqlDbType.Text), ("NormalizedUserName", NpgsqlDbType.Text),
                ("Email", NpgsqlDbType.Text), ("NormalizedEmail", NpgsqlDbType.Text), ("EmailConfirmed", NpgsqlDbType.Boolean), ("DisplayName", NpgsqlDbType.Text),
                ("Signature", NpgsqlDbType.Text), ("SecurityStamp", NpgsqlDbType.Text), ("PhoneNumberConfirmed", NpgsqlDbType.Boolean),
                ("TwoFactorEnabled", NpgsqlDbType.Boolean), ("LockoutEnabled", NpgsqlDbType.Boolean), ("AccessFailedCount", NpgsqlDbType.Integer)))
            {
                foreach (var agent in rows.Agents)
                {
                    users.Row(agent.Id, agent.Email, agent.Email.ToUpperInvariant(), agent.Email, agent.Email.ToUpperInvariant(), true, agent.Name, "", agent.Id,
                        false, false, true, 0);
                }
            }
            await using (var memberships = Copy.Begin(connection, "UserGroupMemberships", ("UserId", NpgsqlDbType.Text), ("GroupId", NpgsqlDbType.Integer)))
            {
                foreach (var agent in rows.Agents)
                {
                    memberships.Row(agent.Id, DeskRows.GroupId);
                }
            }
            await using (var customers = Copy.Begin(connection, "Customers", ("Id", NpgsqlDbType.Integer), ("CustomerNumber", NpgsqlDbType.Text), ("Name", NpgsqlDbType.Text),
                ("Company", NpgsqlDbType.Text), ("Address", NpgsqlDbType.Text), ("TenantId", NpgsqlDbType.Integer), ("CreatedFromEmail", NpgsqlDbType.Boolean),
                ("CreatedAt", NpgsqlDbType.Timestamp)))
            {
                foreach (var c in rows.Customers)
                {
                    customers.Row(c.Id, c.Number, c.Name, c.Company, "", c.TenantId, true, c.CreatedAt);
                }
            }
            // In customer order, so the generated ids are the SQLite desk's.
            await using (var emails = Copy.Begin(connection, "CustomerEmails", ("CustomerId", NpgsqlDbType.Integer), ("TenantId", NpgsqlDbType.Integer), ("Address", NpgsqlDbType.Text)))
            {
                foreach (var c in rows.Customers)
                {
                    emails.Row(c.Id, c.TenantId, c.Address);
                }
            }
            // One quote line that the billed time entries point at (the filter only asks whether time is billed).
            await ExecuteAsync(connection, $"""
                INSERT INTO "Quotes" ("Id", "Number", "TenantId", "CustomerId", "Status", "CreatedAt", "Currency", "VatRate", "Net", "Vat", "Gross")
                VALUES ({DeskRows.QuoteId}, 'A-000001', {rows.Customer(1).TenantId}, 1, 1, TIMESTAMP '{now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}', 'EUR', 0.19, 0, 0, 0)
                """);
            await transaction.CommitAsync();
        }

        var quoteLineCreated = false;
        foreach (var batch in rows.Tickets().Chunk(Batch))
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var tickets = Copy.Begin(connection, "Tickets", ("Id", NpgsqlDbType.Integer), ("Number", NpgsqlDbType.Integer), ("Subject", NpgsqlDbType.Text),
                ("Status", NpgsqlDbType.Integer), ("HandlerId", NpgsqlDbType.Text), ("CustomerId", NpgsqlDbType.Integer), ("TenantId", NpgsqlDbType.Integer),
                ("ExpectedDate", NpgsqlDbType.Date), ("TimeTrackingAllowed", NpgsqlDbType.Boolean), ("CreatedAt", NpgsqlDbType.Timestamp),
                ("UpdatedAt", NpgsqlDbType.Timestamp), ("UpdatedBy", NpgsqlDbType.Text), ("LastMessageAt", NpgsqlDbType.Timestamp), ("Version", NpgsqlDbType.Integer),
                ("CustomerNote", NpgsqlDbType.Text), ("InternalNote", NpgsqlDbType.Text), ("SlaDueAt", NpgsqlDbType.Timestamp), ("SlaAtRiskAt", NpgsqlDbType.Timestamp),
                ("HandlerName", NpgsqlDbType.Text), ("CustomerName", NpgsqlDbType.Text), ("HasUnbilledTime", NpgsqlDbType.Boolean)))
            {
                foreach (var t in batch)
                {
                    tickets.Row(t.Id, t.Number, t.Subject, (int)t.Status, t.HandlerId, t.CustomerId, t.TenantId, t.Expected, t.Tracking, t.Created, t.Updated,
                        t.HandlerId, t.LastMessage, 0, "", "", t.SlaDue, t.SlaAtRisk,
                        t.HandlerId is null ? null : agentNames[t.HandlerId], rows.Customer(t.CustomerId).Name, t.HasUnbilledTime);
                }
            }
            if (!quoteLineCreated)
            {
                await ExecuteAsync(connection, $"""
                    INSERT INTO "QuoteLines" ("Id", "QuoteId", "TicketId", "UserGroupId", "Text", "Hours", "Rate", "Amount")
                    VALUES ({DeskRows.QuoteLineId}, {DeskRows.QuoteId}, 1, {DeskRows.GroupId}, 'Support', 1, 95, 95)
                    """);
                quoteLineCreated = true;
            }
            await using (var messages = Copy.Begin(connection, "TicketMessages", ("TicketId", NpgsqlDbType.Integer), ("Direction", NpgsqlDbType.Integer),
                ("From", NpgsqlDbType.Text), ("To", NpgsqlDbType.Text), ("Cc", NpgsqlDbType.Text), ("Subject", NpgsqlDbType.Text), ("Date", NpgsqlDbType.Timestamp),
                ("TextBody", NpgsqlDbType.Text), ("HtmlBody", NpgsqlDbType.Text), ("IsAutomatic", NpgsqlDbType.Boolean), ("AuthorId", NpgsqlDbType.Text)))
            {
                foreach (var t in batch)
                {
                    foreach (var m in t.Messages)
                    {
                        messages.Row(t.Id, m.Direction, m.From, m.To, "", m.Subject, m.Date, m.TextBody, m.HtmlBody, false, m.AuthorId);
                    }
                }
            }
            await using (var watchers = Copy.Begin(connection, "TicketWatchers", ("TicketId", NpgsqlDbType.Integer), ("UserId", NpgsqlDbType.Text)))
            {
                foreach (var t in batch.Where(t => t.WatcherId is not null))
                {
                    watchers.Row(t.Id, t.WatcherId);
                }
            }
            await using (var timeEntries = Copy.Begin(connection, "TimeEntries", ("Id", NpgsqlDbType.Integer), ("TicketId", NpgsqlDbType.Integer), ("UserId", NpgsqlDbType.Text),
                ("Start", NpgsqlDbType.Timestamp), ("End", NpgsqlDbType.Timestamp), ("Minutes", NpgsqlDbType.Integer), ("Note", NpgsqlDbType.Text),
                ("Billable", NpgsqlDbType.Boolean), ("QuoteLineId", NpgsqlDbType.Integer), ("CreatedAt", NpgsqlDbType.Timestamp)))
            {
                foreach (var t in batch)
                {
                    foreach (var e in t.TimeEntries)
                    {
                        timeEntries.Row(e.Id, t.Id, e.UserId, e.Start, e.End, e.Minutes, DeskRows.TimeEntryNote, e.Billable, e.Billed ? DeskRows.QuoteLineId : null, e.Start);
                    }
                }
            }
            await transaction.CommitAsync();
        }
        var tables = watch.Elapsed;
        watch.Restart();

        await ExecuteAsync(connection, """SELECT bt_customer_search_index(ARRAY(SELECT "Id" FROM "Customers"))""");
        // In ticket order on one connection, so the table and its GIN index come out the same on every run (two connections
        // would be faster but interleave their pages at random).
        for (var from = 0; from < ticketCount; from += SearchBatch)
        {
            await ExecuteAsync(connection, $"""SELECT bt_ticket_search_index(ARRAY(SELECT "Id" FROM "Tickets" WHERE "Id" > {from} AND "Id" <= {from + SearchBatch} ORDER BY "Id"))""");
        }
        var search = watch.Elapsed;
        watch.Restart();

        await ExecuteAsync(connection, string.Concat(Tables.Select(t => $"ALTER TABLE \"{t}\" ENABLE TRIGGER USER;\n")));
        await ExecuteAsync(connection, string.Concat(
            new[] { "Tenants", "UserGroups", "Customers", "CustomerEmails", "Quotes", "QuoteLines", "Tickets", "TicketMessages", "TimeEntries" }
                .Select(t => $"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'Id'), (SELECT max(\"Id\") FROM \"{t}\"));\n")));
        await CheckDerivedDataAsync(connection, ticketCount, rows.Customers.Count);
        var check = watch.Elapsed;
        watch.Restart();
        await ExecuteAsync(connection, "VACUUM (ANALYZE)");
        return $"tables {tables.TotalSeconds:F1} s, search documents {search.TotalSeconds:F1} s, check {check.TotalSeconds:F1} s, " +
            $"VACUUM ANALYZE {watch.Elapsed.TotalSeconds:F1} s";
    }

    private static async Task CheckTriggersAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Tables });
        var unknown = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                if (!KnownTriggers.ContainsKey(reader.GetString(0))) unknown.Add(reader.GetString(0));
            }
        }
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The desk fill switches these triggers off but does not know what they maintain: {string.Join(", ", unknown)}. Teach {nameof(DeskFillPostgres)}.");
        }
    }

    /// <summary>What the switched-off triggers would have made, asked of the triggers' own definitions.</summary>
    private static async Task CheckDerivedDataAsync(NpgsqlConnection connection, int ticketCount, int customerCount)
    {
        await using var command = new NpgsqlCommand("""
            SELECT
                (SELECT count(*) FROM "Tickets"),
                (SELECT count(*) FROM "Tickets" t
                 WHERE t."HandlerName" IS DISTINCT FROM (SELECT u."DisplayName" FROM "AspNetUsers" u WHERE u."Id" = t."HandlerId")
                    OR t."CustomerName" IS DISTINCT FROM (SELECT c."Name" FROM "Customers" c WHERE c."Id" = t."CustomerId")),
                (SELECT count(*) FROM "Tickets" t
                 WHERE t."HasUnbilledTime" <> EXISTS (SELECT 1 FROM "TimeEntries" e WHERE e."TicketId" = t."Id" AND e."Billable" AND e."QuoteLineId" IS NULL)),
                (SELECT count(*) FROM "TicketSearch"),
                (SELECT count(*) FROM "TicketSearch" s WHERE s."TicketId" % 101 = 0 AND s."Document" <> bt_ticket_search_document(s."TicketId")),
                (SELECT count(*) FROM "CustomerSearch")
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (tickets, wrongNames, wrongUnbilled, searchDocuments, staleSample, customerDocuments) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        if (tickets != ticketCount || wrongNames != 0 || wrongUnbilled != 0 || searchDocuments != ticketCount || staleSample != 0 || customerDocuments != customerCount)
        {
            throw new InvalidOperationException(
                $"The desk fill left derived data wrong: {tickets} tickets of {ticketCount}, {wrongNames} with wrong list names, {wrongUnbilled} with a wrong " +
                $"unbilled flag, {searchDocuments} search documents, {staleSample} stale in a sample of every 101st, {customerDocuments} customer documents of {customerCount}.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>One binary COPY into a table: a row per call, nulls as null.</summary>
    private sealed class Copy : IAsyncDisposable
    {
        private readonly NpgsqlBinaryImporter importer;
        private readonly NpgsqlDbType[] types;

        private Copy(NpgsqlBinaryImporter importer, NpgsqlDbType[] types)
        {
            this.importer = importer;
            this.types = types;
        }

        public static Copy Begin(NpgsqlConnection connection, string table, params (string Column, NpgsqlDbType Type)[] columns) =>
            new(connection.BeginBinaryImport(
                    $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Column}\""))}) FROM STDIN (FORMAT BINARY)"),
                columns.Select(c => c.Type).ToArray());

        public void Row(params object?[] values)
        {
            if (values.Length != types.Length)
            {
                throw new ArgumentException($"{values.Length} values for {types.Length} columns.", nameof(values));
            }
            importer.StartRow();
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is null)
                {
                    importer.WriteNull();
                }
                else
                {
                    importer.Write(values[i], types[i]);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await importer.CompleteAsync();
            await importer.DisposeAsync();
        }
    }
}

/// <summary>
/// The desk's PostgreSQL database: with <see cref="BenchHost.PostgresEnvironmentVariable"/> set, database
/// <c>desk_N_fillV</c> on that server, kept between runs and reused once its comment marks the fill complete (an
/// unmarked one is an interrupted fill: dropped and made again); without it a new database in a private cluster started
/// like the tests', dropped at the end.
/// </summary>
public sealed class DeskPostgresDatabase : IAsyncDisposable
{
    private const string CompleteMarker = "BlazorTickets desk fill complete";

    private readonly TestDatabase? testDatabase;
    private readonly string? adminConnectionString;

    private DeskPostgresDatabase(string connectionString, bool isFilled, TestDatabase? testDatabase, string? adminConnectionString)
    {
        ConnectionString = connectionString;
        IsFilled = isFilled;
        this.testDatabase = testDatabase;
        this.adminConnectionString = adminConnectionString;
    }

    public string ConnectionString { get; }

    public bool IsFilled { get; }

    public string Name => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    public static async Task<DeskPostgresDatabase> OpenAsync(string name)
    {
        if (Environment.GetEnvironmentVariable(BenchHost.PostgresEnvironmentVariable) is not { Length: > 0 } admin)
        {
            var test = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
            return new DeskPostgresDatabase(test.ConnectionString!, false, test, null);
        }
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        string? comment;
        bool exists;
        await using (var command = new NpgsqlCommand("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = name });
            await using var reader = await command.ExecuteReaderAsync();
            exists = await reader.ReadAsync();
            comment = exists && !reader.IsDBNull(0) ? reader.GetString(0) : null;
        }
        var filled = comment?.StartsWith(CompleteMarker, StringComparison.Ordinal) == true;
        if (exists && !filled)
        {
            await ExecuteAsync(connection, $"DROP DATABASE \"{name}\" WITH (FORCE)");
        }
        if (!filled)
        {
            await ExecuteAsync(connection, $"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0");
        }
        return new DeskPostgresDatabase(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, filled, null, admin);
    }

    /// <summary>Marks a kept database as completely filled, so later runs reuse it.</summary>
    public async Task MarkFilledAsync()
    {
        if (adminConnectionString is null)
        {
            return;
        }
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"COMMENT ON DATABASE \"{Name}\" IS '{CompleteMarker} {DateTime.UtcNow:O}'");
    }

    public async Task<double> MegabytesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())! / 1048576.0;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        if (testDatabase is not null)
        {
            await testDatabase.DisposeAsync();
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// For <c>desk N postgres plans</c>: before each query the app sends, once switched on, runs it under
/// <c>EXPLAIN (ANALYZE, BUFFERS)</c> with the same parameters and prints statement, parameters and plan.
/// </summary>
public sealed class ExplainInterceptor : DbCommandInterceptor
{
    public bool Enabled { get; set; }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        ExplainAsync(command, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await ExplainAsync(command, cancellationToken);
        return result;
    }

    private async Task ExplainAsync(DbCommand command, CancellationToken ct)
    {
        if (!Enabled || command is not NpgsqlCommand npgsql)
        {
            return;
        }
        var output = new StringBuilder();
        output.AppendLine(npgsql.CommandText);
        foreach (NpgsqlParameter parameter in npgsql.Parameters)
        {
            output.AppendLine($"  {parameter.ParameterName} = {Show(parameter.Value)}");
        }
        await using (var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + npgsql.CommandText, npgsql.Connection, npgsql.Transaction))
        {
            foreach (NpgsqlParameter parameter in npgsql.Parameters)
            {
                explain.Parameters.Add(parameter.Clone());
            }
            await using var reader = await explain.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                output.Append("    ").AppendLine(reader.GetString(0));
            }
        }
        Console.WriteLine(output);
    }

    private static string Show(object? value) => value switch
    {
        null or DBNull => "NULL",
        string s => $"'{s}'",
        System.Collections.IEnumerable list => $"[{string.Join(", ", list.Cast<object?>().Select(Show))}]",
        _ => value.ToString() ?? "",
    };
}
