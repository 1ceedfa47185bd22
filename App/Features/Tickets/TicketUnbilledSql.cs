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

    public const string PostgresCreate = """
        CREATE FUNCTION ticket_unbilled() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "Tickets" t SET "HasUnbilledTime" = EXISTS (
                SELECT 1 FROM "TimeEntries" e WHERE e."TicketId" = t."Id" AND e."Billable" AND e."QuoteLineId" IS NULL)
            WHERE t."Id" IN (
                SELECT (CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD."TicketId" END)
                UNION SELECT (CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW."TicketId" END));
            RETURN NULL;
        END $$;
        CREATE TRIGGER ticket_unbilled AFTER INSERT OR DELETE OR UPDATE OF "Billable", "QuoteLineId", "TicketId" ON "TimeEntries"
            FOR EACH ROW EXECUTE FUNCTION ticket_unbilled();
        """;
}
