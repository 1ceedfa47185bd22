namespace BlazorTickets.Features.Tickets;

/// <summary>
/// The list's sort columns that live in other tables, copied onto the ticket so a sort by handler or customer name
/// reads one index instead of joining and sorting a million rows: <see cref="Ticket.HandlerName"/> and
/// <see cref="Ticket.CustomerName"/>. Triggers keep them in step with every write path (EF, ExecuteUpdate, raw SQL,
/// the foreign keys' SET NULL), whatever a writer put there.
/// </summary>
public static class TicketListSql
{
    private const string HandlerNameOf = "(SELECT u.DisplayName FROM AspNetUsers u WHERE u.Id = new.HandlerId)";
    private const string CustomerNameOf = "(SELECT c.Name FROM Customers c WHERE c.Id = new.CustomerId)";

    /// <summary>
    /// A writer may insert the names itself (the mail import does), which saves writing every new row twice; the
    /// trigger puts them right only when they are missing or wrong.
    /// </summary>
    public const string InsertTrigger = $"""
        CREATE TRIGGER TicketList_TicketInserted AFTER INSERT ON Tickets
            WHEN new.HandlerName IS NOT {HandlerNameOf} OR new.CustomerName IS NOT {CustomerNameOf} BEGIN
            UPDATE Tickets SET HandlerName = {HandlerNameOf}, CustomerName = {CustomerNameOf} WHERE Id = new.Id;
        END;
        """;

    public const string CreateTriggers = InsertTrigger + $"""

        CREATE TRIGGER TicketList_HandlerChanged AFTER UPDATE OF HandlerId ON Tickets BEGIN
            UPDATE Tickets SET HandlerName = {HandlerNameOf} WHERE Id = new.Id;
        END;
        CREATE TRIGGER TicketList_CustomerChanged AFTER UPDATE OF CustomerId ON Tickets BEGIN
            UPDATE Tickets SET CustomerName = {CustomerNameOf} WHERE Id = new.Id;
        END;
        CREATE TRIGGER TicketList_UserRenamed AFTER UPDATE OF DisplayName ON AspNetUsers WHEN old.DisplayName IS NOT new.DisplayName BEGIN
            UPDATE Tickets SET HandlerName = new.DisplayName WHERE HandlerId = new.Id;
        END;
        CREATE TRIGGER TicketList_CustomerRenamed AFTER UPDATE OF Name ON Customers WHEN old.Name IS NOT new.Name BEGIN
            UPDATE Tickets SET CustomerName = new.Name WHERE CustomerId = new.Id;
        END;
        """;

    public const string DropTriggers = """
        DROP TRIGGER IF EXISTS TicketList_TicketInserted;
        DROP TRIGGER IF EXISTS TicketList_HandlerChanged;
        DROP TRIGGER IF EXISTS TicketList_CustomerChanged;
        DROP TRIGGER IF EXISTS TicketList_UserRenamed;
        DROP TRIGGER IF EXISTS TicketList_CustomerRenamed;
        """;

    /// <summary>Fills the columns for every ticket that exists (a migration of an existing database, or after a bulk load without triggers).</summary>
    public const string Backfill = """
        UPDATE Tickets SET
            HandlerName = (SELECT u.DisplayName FROM AspNetUsers u WHERE u.Id = Tickets.HandlerId),
            CustomerName = (SELECT c.Name FROM Customers c WHERE c.Id = Tickets.CustomerId);
        """;

    /// <summary>For the migration, after the columns exist: existing rows, then the triggers.</summary>
    public const string Create = Backfill + "\n" + CreateTriggers;

    public const string Drop = DropTriggers;

    /// <summary>
    /// The same on PostgreSQL: a BEFORE trigger sets the names on the row being written, so a new or reassigned ticket is
    /// written once; renames update the tickets that show the name.
    /// </summary>
    public const string PostgresCreate = """
        CREATE FUNCTION ticket_list_names() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW."HandlerName" := (SELECT u."DisplayName" FROM "AspNetUsers" u WHERE u."Id" = NEW."HandlerId");
            NEW."CustomerName" := (SELECT c."Name" FROM "Customers" c WHERE c."Id" = NEW."CustomerId");
            RETURN NEW;
        END $$;
        CREATE TRIGGER ticket_list_names BEFORE INSERT OR UPDATE OF "HandlerId", "CustomerId" ON "Tickets"
            FOR EACH ROW EXECUTE FUNCTION ticket_list_names();

        CREATE FUNCTION ticket_list_user_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "Tickets" SET "HandlerName" = NEW."DisplayName" WHERE "HandlerId" = NEW."Id";
            RETURN NULL;
        END $$;
        CREATE TRIGGER ticket_list_user_renamed AFTER UPDATE OF "DisplayName" ON "AspNetUsers"
            FOR EACH ROW WHEN (OLD."DisplayName" IS DISTINCT FROM NEW."DisplayName") EXECUTE FUNCTION ticket_list_user_renamed();

        CREATE FUNCTION ticket_list_customer_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE "Tickets" SET "CustomerName" = NEW."Name" WHERE "CustomerId" = NEW."Id";
            RETURN NULL;
        END $$;
        CREATE TRIGGER ticket_list_customer_renamed AFTER UPDATE OF "Name" ON "Customers"
            FOR EACH ROW WHEN (OLD."Name" IS DISTINCT FROM NEW."Name") EXECUTE FUNCTION ticket_list_customer_renamed();
        """;
}
