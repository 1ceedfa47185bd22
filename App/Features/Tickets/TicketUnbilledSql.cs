namespace BlazorTickets.Features.Tickets;

/// <summary>
/// Keeps <see cref="Ticket.HasUnbilledTime"/> in step with the ticket's time entries, whoever writes them (EF, bulk SQL,
/// a quote's deletion setting QuoteLineId to NULL), so the unbilled filter reads one flag instead of every entry.
/// </summary>
public static class TicketUnbilledSql
{
    private const string Recompute = """
        UPDATE Tickets SET HasUnbilledTime = EXISTS (
            SELECT 1 FROM TimeEntries e WHERE e.TicketId = Tickets.Id AND e.Billable AND e.QuoteLineId IS NULL)
        """;

    public const string CreateTriggers = $"""
        CREATE TRIGGER TicketUnbilled_EntryInserted AFTER INSERT ON TimeEntries WHEN new.Billable AND new.QuoteLineId IS NULL BEGIN
            UPDATE Tickets SET HasUnbilledTime = 1 WHERE Id = new.TicketId AND NOT HasUnbilledTime;
        END;
        CREATE TRIGGER TicketUnbilled_EntryChanged AFTER UPDATE OF Billable, QuoteLineId, TicketId ON TimeEntries BEGIN
            {Recompute} WHERE Id IN (old.TicketId, new.TicketId);
        END;
        CREATE TRIGGER TicketUnbilled_EntryDeleted AFTER DELETE ON TimeEntries WHEN old.Billable AND old.QuoteLineId IS NULL BEGIN
            {Recompute} WHERE Id = old.TicketId;
        END;
        """;

    public const string DropTriggers = """
        DROP TRIGGER IF EXISTS TicketUnbilled_EntryInserted;
        DROP TRIGGER IF EXISTS TicketUnbilled_EntryChanged;
        DROP TRIGGER IF EXISTS TicketUnbilled_EntryDeleted;
        """;

    public const string Backfill = """
        UPDATE Tickets SET HasUnbilledTime = 1
        WHERE Id IN (SELECT TicketId FROM TimeEntries WHERE Billable AND QuoteLineId IS NULL);
        """;

    public const string Create = Backfill + "\n" + CreateTriggers;
}
