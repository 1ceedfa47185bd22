using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// The full-text index of tickets: an FTS5 table with one document per ticket (subject, customers, message bodies),
/// kept in step with the tables by triggers, so every write path (EF, ExecuteUpdate, raw SQL) keeps it right. The one
/// exception is a writer that defers the insert triggers and indexes its own inserts in the same transaction
/// (<see cref="DeferInsertTriggers"/>; the mail import).
/// The index holds German-folded text (ä → ae, ß → ss, see <see cref="TicketSearchText"/>); the tokenizer folds case
/// and the remaining diacritics. It stores no copy of the text (contentless): snippets come from the tables.
/// The triggers call the SQL functions that <see cref="TicketSearchText.RegisterFunctions"/> adds to every connection.
/// </summary>
public static class TicketSearchSql
{
    public const string Table = "TicketSearch";

    /// <summary>
    /// The index rows that match <paramref name="search"/> (ticket id and rank, lower is better), from FTS5 on SQLite and
    /// from the tsvector table on PostgreSQL (<see cref="TicketSearchPostgres"/>); compose them like a table.
    /// </summary>
    public static IQueryable<TicketSearchEntry> Matching(DbContext db, TicketSearchQuery search) =>
        db.Database.IsNpgsql()
            ? TicketSearchPostgres.Matching(db, search)
            : db.Set<TicketSearchEntry>().Where(s => s.Match == search.Match);

    private const string TicketsOfCustomer =
        "SELECT Id FROM Tickets WHERE CustomerId = {0} UNION SELECT TicketId FROM TicketAssignedCustomers WHERE CustomerId = {0}";

    /// <summary>The customers' words of ticket <paramref name="ticket"/>: its customer and its assigned customers.</summary>
    private static string CustomerTextOf(string ticket) => $"""
        (SELECT {TicketSearchText.FoldFunction}(group_concat(c.Name || ' ' || c.Company || ' '
                || ifnull((SELECT group_concat(e.Address, ' ') FROM CustomerEmails e WHERE e.CustomerId = c.Id), ''), ' '))
            FROM Customers c
            WHERE c.Id IN (SELECT {ticket}.CustomerId UNION ALL SELECT a.CustomerId FROM TicketAssignedCustomers a WHERE a.TicketId = {ticket}.Id))
        """;

    /// <summary>The documents of the tickets whose ids the SQL expression lists (a list or a subquery), or of all tickets.</summary>
    private static string Documents(string? ticketIds) => $"""
        INSERT INTO {Table}(rowid, Subject, Customer, Body)
        SELECT t.Id,
            {TicketSearchText.FoldFunction}(t.Subject),
            {CustomerTextOf("t")},
            (SELECT group_concat({TicketSearchText.MessageFunction}(m.TextBody, m.HtmlBody), char(10))
                FROM TicketMessages m WHERE m.TicketId = t.Id)
        FROM Tickets t{(ticketIds is null ? "" : $" WHERE t.Id IN ({ticketIds})")};
        """;

    /// <summary>
    /// The document of one ticket whose message bodies the caller passes as <c>$body</c>, already turned into index
    /// text (<see cref="TicketSearchText.BodyOf"/>): what the mail import writes for the tickets it creates, instead of
    /// reading back the bodies it has just written.
    /// </summary>
    private static readonly string DocumentWithBody = $"""
        INSERT INTO {Table}(rowid, Subject, Customer, Body)
        SELECT t.Id, {TicketSearchText.FoldFunction}(t.Subject), {CustomerTextOf("t")}, $body
        FROM Tickets t WHERE t.Id = $id;
        """;

    private static string Rebuild(string ticketIds) => $"""
        DELETE FROM {Table} WHERE rowid IN ({ticketIds});
        {Documents(ticketIds)}
        """;

    /// <summary>
    /// A customer's first address is added right after the customer, before it has tickets (the mail import does so for
    /// every new sender): then there is no document to rebuild, and the trigger does not look for one.
    /// </summary>
    public static readonly string CustomerEmailAddedTrigger = $"""
        CREATE TRIGGER TicketSearch_CustomerEmailAdded AFTER INSERT ON CustomerEmails
            WHEN EXISTS (SELECT 1 FROM Tickets WHERE CustomerId = new.CustomerId)
                OR EXISTS (SELECT 1 FROM TicketAssignedCustomers WHERE CustomerId = new.CustomerId) BEGIN
        {Rebuild(string.Format(TicketsOfCustomer, "new.CustomerId"))}
        END;
        """;

    public const string CreateTable = $"""
        CREATE VIRTUAL TABLE {Table} USING fts5(
            Subject, Customer, Body,
            content='', contentless_delete=1,
            tokenize='unicode61 remove_diacritics 2');
        INSERT INTO {Table}({Table}, rank) VALUES('rank', 'bm25(4.0, 2.0, 1.0)');
        """;

    public static readonly string CreateTriggers = $"""
        CREATE TRIGGER TicketSearch_TicketInserted AFTER INSERT ON Tickets WHEN NOT {TicketSearchText.DeferredFunction}() BEGIN
        {Documents("new.Id")}
        END;
        CREATE TRIGGER TicketSearch_TicketChanged AFTER UPDATE OF Subject, CustomerId ON Tickets BEGIN
        {Rebuild("new.Id")}
        END;
        CREATE TRIGGER TicketSearch_TicketDeleted AFTER DELETE ON Tickets BEGIN
            DELETE FROM {Table} WHERE rowid = old.Id;
        END;
        CREATE TRIGGER TicketSearch_MessageInserted AFTER INSERT ON TicketMessages WHEN NOT {TicketSearchText.DeferredFunction}() BEGIN
        {Rebuild("new.TicketId")}
        END;
        CREATE TRIGGER TicketSearch_MessageChanged AFTER UPDATE OF TextBody, HtmlBody, TicketId ON TicketMessages BEGIN
        {Rebuild("new.TicketId")}
        END;
        CREATE TRIGGER TicketSearch_MessageMoved AFTER UPDATE OF TicketId ON TicketMessages WHEN old.TicketId <> new.TicketId BEGIN
        {Rebuild("old.TicketId")}
        END;
        CREATE TRIGGER TicketSearch_MessageDeleted AFTER DELETE ON TicketMessages BEGIN
        {Rebuild("old.TicketId")}
        END;
        CREATE TRIGGER TicketSearch_AssignedCustomerAdded AFTER INSERT ON TicketAssignedCustomers BEGIN
        {Rebuild("new.TicketId")}
        END;
        CREATE TRIGGER TicketSearch_AssignedCustomerRemoved AFTER DELETE ON TicketAssignedCustomers BEGIN
        {Rebuild("old.TicketId")}
        END;
        CREATE TRIGGER TicketSearch_CustomerChanged AFTER UPDATE OF Name, Company ON Customers BEGIN
        {Rebuild(string.Format(TicketsOfCustomer, "new.Id"))}
        END;
        {CustomerEmailAddedTrigger}
        CREATE TRIGGER TicketSearch_CustomerEmailChanged AFTER UPDATE OF Address, CustomerId ON CustomerEmails BEGIN
        {Rebuild(string.Format(TicketsOfCustomer, "new.CustomerId"))}
        {Rebuild(string.Format(TicketsOfCustomer, "old.CustomerId"))}
        END;
        CREATE TRIGGER TicketSearch_CustomerEmailRemoved AFTER DELETE ON CustomerEmails BEGIN
        {Rebuild(string.Format(TicketsOfCustomer, "old.CustomerId"))}
        END;
        """;

    public const string DropTriggers = """
        DROP TRIGGER IF EXISTS TicketSearch_TicketInserted;
        DROP TRIGGER IF EXISTS TicketSearch_TicketChanged;
        DROP TRIGGER IF EXISTS TicketSearch_TicketDeleted;
        DROP TRIGGER IF EXISTS TicketSearch_MessageInserted;
        DROP TRIGGER IF EXISTS TicketSearch_MessageChanged;
        DROP TRIGGER IF EXISTS TicketSearch_MessageMoved;
        DROP TRIGGER IF EXISTS TicketSearch_MessageDeleted;
        DROP TRIGGER IF EXISTS TicketSearch_AssignedCustomerAdded;
        DROP TRIGGER IF EXISTS TicketSearch_AssignedCustomerRemoved;
        DROP TRIGGER IF EXISTS TicketSearch_CustomerChanged;
        DROP TRIGGER IF EXISTS TicketSearch_CustomerEmailAdded;
        DROP TRIGGER IF EXISTS TicketSearch_CustomerEmailChanged;
        DROP TRIGGER IF EXISTS TicketSearch_CustomerEmailRemoved;
        """;

    /// <summary>
    /// Lets the ticket and message insert triggers stand aside on this context's connection until disposed, for a
    /// writer that indexes what it inserts itself with <see cref="IndexImportedAsync"/> in the same transaction.
    /// The mail import does: through the triggers each new ticket's document was written twice (for the ticket, then
    /// again for its first message) and every body read back from the table it had just been written to.
    /// </summary>
    public static IDisposable DeferInsertTriggers(DbContext db)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Deferred indexing needs a transaction, or a crash could leave tickets unsearchable.");
        }
        if (db.Database.IsNpgsql())
        {
            // A setting of this transaction alone, which the PL/pgSQL insert triggers read.
            db.Database.ExecuteSqlRaw("SELECT set_config('blazortickets.search_deferred', 'on', true)");
            return new ResumePostgres(db);
        }
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        TicketSearchText.SetInsertTriggersDeferred(connection, true);
        return new Resume(connection);
    }

    private sealed class Resume(SqliteConnection connection) : IDisposable
    {
        public void Dispose() => TicketSearchText.SetInsertTriggersDeferred(connection, false);
    }

    private sealed class ResumePostgres(DbContext db) : IDisposable
    {
        public void Dispose()
        {
            if (db.Database.CurrentTransaction is not null)
            {
                db.Database.ExecuteSqlRaw("SELECT set_config('blazortickets.search_deferred', 'off', true)");
            }
        }
    }

    /// <summary>
    /// Indexes what was inserted under <see cref="DeferInsertTriggers"/>: the new tickets from the bodies the caller
    /// still holds (in insertion order, see <see cref="TicketSearchText.BodyOf"/>), and the earlier tickets that got
    /// messages by rebuilding their documents from the tables.
    /// </summary>
    public static async Task IndexImportedAsync(
        DbContext db, IReadOnlyCollection<(int TicketId, string Body)> newTickets, IReadOnlyCollection<int> changedTicketIds, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            var ids = changedTicketIds.Order().Concat(newTickets.Select(t => t.TicketId)).ToArray();
            var bodies = changedTicketIds.Select(_ => (string?)null).Concat(newTickets.Select(t => (string?)t.Body)).ToArray();
            if (ids.Length > 0)
            {
                await db.Database.ExecuteSqlAsync($"SELECT bt_ticket_search_index({ids}, {bodies})", ct);
            }
            return;
        }
        // Older ids first, then the new ones ascending: FTS5 flushes its pending terms whenever a rowid goes backwards.
        if (changedTicketIds.Count > 0)
        {
            await db.Database.ExecuteSqlRawAsync(Rebuild(string.Join(',', changedTicketIds.Order())), ct);
        }
        if (newTickets.Count == 0)
        {
            return;
        }
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = DocumentWithBody;
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var body = command.Parameters.Add("$body", SqliteType.Text);
        foreach (var ticket in newTickets.OrderBy(t => t.TicketId))
        {
            id.Value = ticket.TicketId;
            body.Value = ticket.Body;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Indexes every ticket that exists (a migration of an existing database, or after a bulk load without triggers).</summary>
    public static readonly string Backfill = $"""
        INSERT INTO {Table}({Table}) VALUES('delete-all');
        {Documents(null)}
        INSERT INTO {Table}({Table}) VALUES('optimize');
        """;

    /// <summary>For the migration: table, existing rows, then the triggers.</summary>
    public static readonly string Create = CreateTable + "\n" + Backfill + "\n" + CreateTriggers;

    public static readonly string Drop = DropTriggers + $"\nDROP TABLE IF EXISTS {Table};";
}
