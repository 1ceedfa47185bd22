using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// The full-text index of tickets on PostgreSQL: table <see cref="TicketSearchSql.Table"/> with one tsvector per
/// ticket (subject weighted A, customers B, message bodies D) under a GIN index, kept in step by PL/pgSQL triggers on
/// every write path, as the FTS5 triggers do on SQLite; the mail import defers the insert triggers and writes its new
/// tickets' documents from the bodies it holds (<see cref="TicketSearchSql.IndexImportedAsync"/>), so HTML-only mail is
/// indexed with the text <see cref="TicketSearchText.MessageText"/> makes of it.
/// Text is folded as <see cref="TicketSearchText.Key"/> folds a token (German umlauts spelled out, lower case by ICU,
/// diacritics dropped after NFD) and cut into words at everything but letters and digits before the 'simple'
/// configuration sees it. So the index holds exactly the keys the search box's words become, the parser's special
/// tokens (e-mail addresses, hosts, URLs) never form (an address is three words, as in FTS5) and no extension such as
/// unaccent is needed. Messages without a text body are indexed by a regex approximation of
/// <see cref="TicketSearchText.MessageText"/> when a trigger (not the import) writes them.
/// </summary>
public static class TicketSearchPostgres
{
    public const string Configuration = "simple";

    /// <summary>
    /// The matches of <paramref name="search"/> as rows of <see cref="TicketSearchEntry"/>, composable like the FTS5
    /// table: TicketId, and Rank lower for better (negated ts_rank, as FTS5's bm25 rank).
    /// </summary>
    public static IQueryable<TicketSearchEntry> Matching(DbContext db, TicketSearchQuery search)
    {
        // ts_rank's weights are for D, C, B, A (body, unused, customer, subject): bm25's 1 : 2 : 4 on SQLite. Its
        // normalization 1 divides by 1 + the log of the document's length: as bm25, a word weighs more in a short ticket.
        var query = search.TsQuery;
        return db.Set<TicketSearchEntry>().FromSql($$"""
            SELECT s."TicketId" AS rowid, '' AS "TicketSearch",
                -ts_rank('{0.25, 0, 0.5, 1}'::real[], s."Document", to_tsquery('simple', {{query}}), 1)::double precision AS rank
            FROM "TicketSearch" s
            WHERE s."Document" @@ to_tsquery('simple', {{query}})
            """);
    }

    /// <summary>The index text of a column in SQL, as <see cref="TicketSearchText.Key"/> makes each word.</summary>
    private const string WordsFunction = """
        CREATE FUNCTION bt_search_words(value text, spell_umlauts boolean DEFAULT true) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT regexp_replace(
                regexp_replace(
                    normalize(
                        CASE WHEN spell_umlauts
                            THEN replace(replace(replace(replace(lower(coalesce(value, '') COLLATE "und-x-icu"), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss')
                            ELSE lower(coalesce(value, '') COLLATE "und-x-icu") END,
                        NFD),
                    '[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g')
                    COLLATE "und-x-icu",
                '[^[:alnum:]]+', ' ', 'g')
        $$;
        """;

    /// <summary>
    /// The text of a message for the index: its text body, or (when it has none) its HTML without tags, scripts,
    /// styles and comments, the common character references decoded. Only the words matter here.
    /// </summary>
    private const string MessageFunction = """
        CREATE FUNCTION bt_search_decode_entities(value text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
        DECLARE
            reference text[];
            code integer;
            result text := value;
        BEGIN
            IF strpos(value, '&') = 0 THEN
                RETURN value;
            END IF;
            FOR reference IN SELECT DISTINCT regexp_matches(value, '&#([0-9]{1,7}|[xX][0-9a-fA-F]{1,6});', 'g') LOOP
                code := CASE WHEN reference[1] ~ '^[xX]' THEN ('x' || lpad(substr(reference[1], 2), 8, '0'))::bit(32)::integer
                             ELSE reference[1]::integer END;
                IF code BETWEEN 1 AND 1114111 AND code NOT BETWEEN 55296 AND 57343 THEN
                    result := replace(result, '&#' || reference[1] || ';', chr(code));
                END IF;
            END LOOP;
            FOR reference IN SELECT ARRAY[name, letter] FROM (VALUES
                ('auml', 'ä'), ('ouml', 'ö'), ('uuml', 'ü'), ('Auml', 'Ä'), ('Ouml', 'Ö'), ('Uuml', 'Ü'), ('szlig', 'ß'),
                ('eacute', 'é'), ('egrave', 'è'), ('ecirc', 'ê'), ('aacute', 'á'), ('agrave', 'à'), ('acirc', 'â'),
                ('iacute', 'í'), ('oacute', 'ó'), ('uacute', 'ú'), ('ccedil', 'ç'), ('ntilde', 'ñ'), ('Eacute', 'É'),
                ('euro', '€'), ('nbsp', ' '), ('lt', '<'), ('gt', '>'), ('quot', '"'), ('apos', chr(39)), ('amp', '&')) AS entities(name, letter) LOOP
                result := replace(result, '&' || reference[1] || ';', reference[2]);
            END LOOP;
            RETURN result;
        END $$;

        CREATE FUNCTION bt_search_message(text_body text, html_body text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE
                WHEN coalesce(text_body, '') ~ '[^[:space:]]' THEN text_body
                WHEN coalesce(html_body, '') = '' THEN ''
                ELSE bt_search_decode_entities(
                    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(html_body,
                        '<script.*?</script[^>]*>', ' ', 'gi'),
                        '<style.*?</style[^>]*>', ' ', 'gi'),
                        '<head.*?</head[^>]*>', ' ', 'gi'),
                        '<title.*?</title[^>]*>', ' ', 'gi'),
                        '<!--.*?-->', ' ', 'g'),
                        '<[^>]*>', ' ', 'g'))
            END
        $$;
        """;

    /// <summary>A ticket's document; <c>body</c> is its messages' text when the caller has it (the mail import).</summary>
    private const string DocumentFunction = """
        CREATE FUNCTION bt_ticket_search_document(ticket_id integer, body text DEFAULT NULL) RETURNS tsvector
        LANGUAGE sql STABLE AS $$
            SELECT setweight(to_tsvector('simple', bt_search_words(t."Subject")), 'A')
                || setweight(to_tsvector('simple', bt_search_words((
                    SELECT string_agg(c."Name" || ' ' || c."Company" || ' '
                        || coalesce((SELECT string_agg(e."Address", ' ') FROM "CustomerEmails" e WHERE e."CustomerId" = c."Id"), ''), ' ')
                    FROM "Customers" c
                    WHERE c."Id" IN (SELECT t."CustomerId" UNION ALL SELECT a."CustomerId" FROM "TicketAssignedCustomers" a WHERE a."TicketId" = t."Id")))), 'B')
                || setweight(to_tsvector('simple', bt_search_words(coalesce(body, (
                    SELECT string_agg(bt_search_message(m."TextBody", m."HtmlBody"), E'\n' ORDER BY m."Id")
                    FROM "TicketMessages" m WHERE m."TicketId" = t."Id")))), 'D')
            FROM "Tickets" t WHERE t."Id" = ticket_id
        $$;

        CREATE FUNCTION bt_ticket_search_index(ticket_ids integer[], bodies text[] DEFAULT NULL) RETURNS void
        LANGUAGE sql AS $$
            INSERT INTO "TicketSearch" ("TicketId", "Document")
            SELECT t."Id", bt_ticket_search_document(t."Id", i.body)
            FROM unnest(ticket_ids, bodies) AS i(id, body)
            JOIN "Tickets" t ON t."Id" = i.id
            ORDER BY t."Id"
            ON CONFLICT ("TicketId") DO UPDATE SET "Document" = excluded."Document";
        $$;

        CREATE FUNCTION bt_ticket_search_deferred() RETURNS boolean LANGUAGE sql STABLE AS $$
            SELECT coalesce(current_setting('blazortickets.search_deferred', true), '') = 'on'
        $$;

        CREATE FUNCTION bt_tickets_of_customers(customer_ids integer[]) RETURNS integer[] LANGUAGE sql STABLE AS $$
            SELECT coalesce(array_agg(DISTINCT id), '{}') FROM (
                SELECT "Id" AS id FROM "Tickets" WHERE "CustomerId" = ANY(customer_ids)
                UNION ALL
                SELECT "TicketId" FROM "TicketAssignedCustomers" WHERE "CustomerId" = ANY(customer_ids)) AS tickets
        $$;
        """;

    private const string Triggers = """
        CREATE FUNCTION bt_ticket_search_on_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' AND bt_ticket_search_deferred() THEN
                RETURN NULL;
            END IF;
            PERFORM bt_ticket_search_index(ARRAY[NEW."Id"]);
            RETURN NULL;
        END $$;
        CREATE TRIGGER "TicketSearch_TicketInserted" AFTER INSERT ON "Tickets"
            FOR EACH ROW EXECUTE FUNCTION bt_ticket_search_on_ticket();
        CREATE TRIGGER "TicketSearch_TicketChanged" AFTER UPDATE OF "Subject", "CustomerId" ON "Tickets"
            FOR EACH ROW WHEN (OLD."Subject" IS DISTINCT FROM NEW."Subject" OR OLD."CustomerId" IS DISTINCT FROM NEW."CustomerId")
            EXECUTE FUNCTION bt_ticket_search_on_ticket();

        CREATE FUNCTION bt_ticket_search_on_message() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                IF NOT bt_ticket_search_deferred() THEN
                    PERFORM bt_ticket_search_index(ARRAY[NEW."TicketId"]);
                END IF;
            ELSIF TG_OP = 'UPDATE' THEN
                PERFORM bt_ticket_search_index(ARRAY[OLD."TicketId", NEW."TicketId"]);
            ELSE
                PERFORM bt_ticket_search_index(ARRAY[OLD."TicketId"]);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER "TicketSearch_MessageInserted" AFTER INSERT OR DELETE ON "TicketMessages"
            FOR EACH ROW EXECUTE FUNCTION bt_ticket_search_on_message();
        CREATE TRIGGER "TicketSearch_MessageChanged" AFTER UPDATE OF "TextBody", "HtmlBody", "TicketId" ON "TicketMessages"
            FOR EACH ROW WHEN (OLD."TextBody" IS DISTINCT FROM NEW."TextBody" OR OLD."HtmlBody" IS DISTINCT FROM NEW."HtmlBody"
                OR OLD."TicketId" IS DISTINCT FROM NEW."TicketId")
            EXECUTE FUNCTION bt_ticket_search_on_message();

        CREATE FUNCTION bt_ticket_search_on_assigned_customer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM bt_ticket_search_index(ARRAY[CASE WHEN TG_OP = 'DELETE' THEN OLD."TicketId" ELSE NEW."TicketId" END]);
            RETURN NULL;
        END $$;
        CREATE TRIGGER "TicketSearch_AssignedCustomerChanged" AFTER INSERT OR DELETE ON "TicketAssignedCustomers"
            FOR EACH ROW EXECUTE FUNCTION bt_ticket_search_on_assigned_customer();

        CREATE FUNCTION bt_ticket_search_on_customer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM bt_ticket_search_index(bt_tickets_of_customers(ARRAY[NEW."Id"]));
            RETURN NULL;
        END $$;
        CREATE TRIGGER "TicketSearch_CustomerChanged" AFTER UPDATE OF "Name", "Company" ON "Customers"
            FOR EACH ROW WHEN (OLD."Name" IS DISTINCT FROM NEW."Name" OR OLD."Company" IS DISTINCT FROM NEW."Company")
            EXECUTE FUNCTION bt_ticket_search_on_customer();

        -- A new sender's first address comes before its tickets: then there is nothing to rebuild.
        CREATE FUNCTION bt_ticket_search_on_customer_email() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM bt_ticket_search_index(bt_tickets_of_customers(
                CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW."CustomerId"]
                           WHEN 'DELETE' THEN ARRAY[OLD."CustomerId"]
                           ELSE ARRAY[OLD."CustomerId", NEW."CustomerId"] END));
            RETURN NULL;
        END $$;
        CREATE TRIGGER "TicketSearch_CustomerEmailChanged" AFTER INSERT OR DELETE OR UPDATE OF "Address", "CustomerId" ON "CustomerEmails"
            FOR EACH ROW EXECUTE FUNCTION bt_ticket_search_on_customer_email();
        """;

    /// <summary>For the PostgreSQL Initial migration: functions, table, GIN index, existing rows, triggers.</summary>
    public const string Create = WordsFunction + MessageFunction + """
        CREATE TABLE "TicketSearch" (
            "TicketId" integer PRIMARY KEY REFERENCES "Tickets" ("Id") ON DELETE CASCADE,
            "Document" tsvector NOT NULL);
        CREATE INDEX "IX_TicketSearch_Document" ON "TicketSearch" USING gin ("Document");
        """ + DocumentFunction + """
        SELECT bt_ticket_search_index(ARRAY(SELECT "Id" FROM "Tickets"));
        """ + Triggers;
}
