namespace BlazorTickets.Features.Tickets.History;

/// <summary>
/// The history is append-only: the database itself refuses to change an entry or to remove one while its ticket exists.
/// </summary>
public static class TicketHistorySql
{
    public const string Create = """
        CREATE TRIGGER TicketHistory_NoUpdate BEFORE UPDATE ON TicketHistory BEGIN
            SELECT RAISE(ABORT, 'The ticket history is append-only.');
        END;
        CREATE TRIGGER TicketHistory_NoDelete BEFORE DELETE ON TicketHistory
        WHEN EXISTS (SELECT 1 FROM Tickets WHERE Id = old.TicketId) BEGIN
            SELECT RAISE(ABORT, 'The ticket history is append-only.');
        END;
        """;

    public const string Drop = """
        DROP TRIGGER IF EXISTS TicketHistory_NoUpdate;
        DROP TRIGGER IF EXISTS TicketHistory_NoDelete;
        """;

    public const string PostgresCreate = """
        CREATE FUNCTION ticket_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' OR EXISTS (SELECT 1 FROM "Tickets" WHERE "Id" = OLD."TicketId") THEN
                RAISE EXCEPTION 'The ticket history is append-only.';
            END IF;
            RETURN OLD;
        END $$;
        CREATE TRIGGER ticket_history_append_only BEFORE UPDATE OR DELETE ON "TicketHistory"
            FOR EACH ROW EXECUTE FUNCTION ticket_history_append_only();
        """;
}
