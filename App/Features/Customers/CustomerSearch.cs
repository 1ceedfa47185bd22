using System.Globalization;
using System.Text;

namespace BlazorTickets.Features.Customers;

/// <summary>
/// The indexes behind the customer pickers: names case-insensitively in order (a name that starts with the text),
/// and an FTS5 index of name, company, customer number and email addresses of each customer
/// (rowid = customer id), case- and accent-folded, with prefix indexes so that a search by the first letters of any
/// word never scans the customers. Triggers keep it in step with every write, whoever makes it.
/// </summary>
public static class CustomerSearchSql
{
    public const string Table = "CustomerSearch";

    // German spellings without umlauts ("Mueller" for "Müller") are indexed too: the tokenizer only folds ü to u.
    private static string SpelledOut(string column) =>
        $"NULLIF(replace(replace(replace(replace(replace(replace(replace({column}, 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'Ä', 'Ae'), 'Ö', 'Oe'), 'Ü', 'Ue'), 'ß', 'ss'), {column})";

    private const string EmailsOf = "(SELECT group_concat(Address, ' ') FROM CustomerEmails WHERE CustomerId = {0})";

    private static readonly string NameAndCompany = "NEW.Name || ' ' || NEW.Company";

    /// <summary>The names in order whatever their case, for the pickers; PostgreSQL's search part is in its own migration.</summary>
    public const string PostgresNameIndexes = """
        CREATE INDEX "IX_Customers_TenantId_NameNoCase" ON "Customers" ("TenantId", "Name" COLLATE "NOCASE");
        CREATE INDEX "IX_Customers_NameNoCase_TenantId" ON "Customers" ("Name" COLLATE "NOCASE", "TenantId");
        """;

    /// <summary>
    /// The pickers' search on PostgreSQL: a tsvector per customer (name, company, customer number, addresses) in table
    /// <see cref="Table"/> under a GIN index, kept by triggers. Each word is indexed twice, without its diacritics
    /// ("muller") and with German umlauts spelled out ("mueller"), folded by bt_search_words of the ticket search
    /// (TicketSearchPostgres, created before this). A prefix query ('mul':*) then reads the GIN index's sorted words:
    /// at 100,000 customers a word start costs an index lookup, where ILIKE '%mul%' over names, companies and addresses
    /// would read every customer of the tenant for each keystroke (and a B-tree serves no word in the middle of a name).
    /// </summary>
    public const string PostgresCreate = """
        CREATE TABLE "CustomerSearch" (
            "CustomerId" integer PRIMARY KEY REFERENCES "Customers" ("Id") ON DELETE CASCADE,
            "Document" tsvector NOT NULL);
        CREATE INDEX "IX_CustomerSearch_Document" ON "CustomerSearch" USING gin ("Document");

        CREATE FUNCTION bt_customer_search_index(customer_ids integer[]) RETURNS void LANGUAGE sql AS $$
            INSERT INTO "CustomerSearch" ("CustomerId", "Document")
            SELECT c."Id", to_tsvector('simple', bt_search_words(d.text, false) || ' ' || bt_search_words(d.text, true))
            FROM "Customers" c
            CROSS JOIN LATERAL (SELECT c."Name" || ' ' || c."Company" || ' ' || coalesce(c."CustomerNumber", '') || ' '
                || coalesce((SELECT string_agg(e."Address", ' ') FROM "CustomerEmails" e WHERE e."CustomerId" = c."Id"), '')) AS d(text)
            WHERE c."Id" = ANY(customer_ids)
            ON CONFLICT ("CustomerId") DO UPDATE SET "Document" = excluded."Document";
        $$;

        SELECT bt_customer_search_index(ARRAY(SELECT "Id" FROM "Customers"));

        CREATE FUNCTION bt_customer_search_on_customer() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM bt_customer_search_index(ARRAY[NEW."Id"]);
            RETURN NULL;
        END $$;
        CREATE TRIGGER "CustomerSearch_CustomerInserted" AFTER INSERT ON "Customers"
            FOR EACH ROW EXECUTE FUNCTION bt_customer_search_on_customer();
        CREATE TRIGGER "CustomerSearch_CustomerUpdated" AFTER UPDATE OF "Name", "Company", "CustomerNumber" ON "Customers"
            FOR EACH ROW EXECUTE FUNCTION bt_customer_search_on_customer();

        CREATE FUNCTION bt_customer_search_on_email() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM bt_customer_search_index(
                CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW."CustomerId"]
                           WHEN 'DELETE' THEN ARRAY[OLD."CustomerId"]
                           ELSE ARRAY[OLD."CustomerId", NEW."CustomerId"] END);
            RETURN NULL;
        END $$;
        CREATE TRIGGER "CustomerSearch_EmailChanged" AFTER INSERT OR DELETE OR UPDATE OF "Address", "CustomerId" ON "CustomerEmails"
            FOR EACH ROW EXECUTE FUNCTION bt_customer_search_on_email();
        """;

    public static readonly string Create = $"""
        CREATE INDEX IX_Customers_TenantId_NameNoCase ON Customers (TenantId, Name COLLATE NOCASE);
        CREATE INDEX IX_Customers_NameNoCase_TenantId ON Customers (Name COLLATE NOCASE, TenantId);

        CREATE VIRTUAL TABLE {Table} USING fts5(
            Name, Company, CustomerNumber, Emails, Spelled,
            tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');

        INSERT INTO {Table}(rowid, Name, Company, CustomerNumber, Emails, Spelled)
        SELECT c.Id, c.Name, c.Company, c.CustomerNumber, {string.Format(EmailsOf, "c.Id")}, {SpelledOut("c.Name || ' ' || c.Company")}
        FROM Customers c;

        CREATE TRIGGER CustomerSearch_CustomerInserted AFTER INSERT ON Customers BEGIN
            INSERT INTO {Table}(rowid, Name, Company, CustomerNumber, Emails, Spelled)
            VALUES (NEW.Id, NEW.Name, NEW.Company, NEW.CustomerNumber, {string.Format(EmailsOf, "NEW.Id")}, {SpelledOut(NameAndCompany)});
        END;

        CREATE TRIGGER CustomerSearch_CustomerUpdated AFTER UPDATE OF Name, Company, CustomerNumber ON Customers BEGIN
            UPDATE {Table} SET Name = NEW.Name, Company = NEW.Company, CustomerNumber = NEW.CustomerNumber, Spelled = {SpelledOut(NameAndCompany)}
            WHERE rowid = NEW.Id;
        END;

        CREATE TRIGGER CustomerSearch_CustomerDeleted AFTER DELETE ON Customers BEGIN
            DELETE FROM {Table} WHERE rowid = OLD.Id;
        END;

        CREATE TRIGGER CustomerSearch_EmailInserted AFTER INSERT ON CustomerEmails BEGIN
            UPDATE {Table} SET Emails = {string.Format(EmailsOf, "NEW.CustomerId")} WHERE rowid = NEW.CustomerId;
        END;

        CREATE TRIGGER CustomerSearch_EmailUpdated AFTER UPDATE OF Address, CustomerId ON CustomerEmails BEGIN
            UPDATE {Table} SET Emails = {string.Format(EmailsOf, "OLD.CustomerId")} WHERE rowid = OLD.CustomerId;
            UPDATE {Table} SET Emails = {string.Format(EmailsOf, "NEW.CustomerId")} WHERE rowid = NEW.CustomerId;
        END;

        CREATE TRIGGER CustomerSearch_EmailDeleted AFTER DELETE ON CustomerEmails BEGIN
            UPDATE {Table} SET Emails = {string.Format(EmailsOf, "OLD.CustomerId")} WHERE rowid = OLD.CustomerId;
        END;
        """;

    public const string Drop = $"""
        DROP TRIGGER IF EXISTS CustomerSearch_EmailDeleted;
        DROP TRIGGER IF EXISTS CustomerSearch_EmailUpdated;
        DROP TRIGGER IF EXISTS CustomerSearch_EmailInserted;
        DROP TRIGGER IF EXISTS CustomerSearch_CustomerDeleted;
        DROP TRIGGER IF EXISTS CustomerSearch_CustomerUpdated;
        DROP TRIGGER IF EXISTS CustomerSearch_CustomerInserted;
        DROP TABLE IF EXISTS {Table};
        DROP INDEX IF EXISTS IX_Customers_NameNoCase_TenantId;
        DROP INDEX IF EXISTS IX_Customers_TenantId_NameNoCase;
        """;
}

/// <summary>Turns what someone types into a picker into an FTS5 query and a LIKE prefix; both treat the input as plain text.</summary>
public static class CustomerSearchText
{
    /// <summary>
    /// Every word typed must start a word of the customer ("mül gm" finds "Hans Müller, Müller GmbH"); a word with an
    /// umlaut also matches its spelled-out form. Null when nothing searchable was typed.
    /// </summary>
    public static string? ToMatch(string? text)
    {
        var words = Words(text);
        if (words.Count == 0)
        {
            return null;
        }
        return string.Join(" AND ", words.Select(word =>
        {
            var spelled = SpellOut(word);
            return spelled == word ? Prefix(word) : $"({Prefix(word)} OR {Prefix(spelled)})";
        }));
    }

    /// <summary>
    /// The same search as PostgreSQL's to_tsquery text for the customer index: each word typed starts a word, without
    /// its diacritics or with its umlauts spelled out (<see cref="CustomerSearchSql.PostgresCreate"/> indexes both).
    /// </summary>
    public static string? ToTsQuery(string? text)
    {
        var words = Words(text);
        if (words.Count == 0)
        {
            return null;
        }
        return string.Join(" & ", words.Select(word =>
        {
            var plain = Fold(word);
            var spelled = Fold(SpellOut(word.ToLowerInvariant()));
            return plain == spelled ? TsPrefix(plain) : $"({TsPrefix(plain)} | {TsPrefix(spelled)})";
        }));
    }

    private static string TsPrefix(string key) => $"'{key.Replace("'", "''")}':*";

    /// <summary>The words of <paramref name="text"/> as the index's tokenizer splits them: letters and digits.</summary>
    public static IReadOnlyList<string> Words(string? text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var ch in text ?? "")
        {
            if (char.IsLetterOrDigit(ch))
            {
                word.Append(ch);
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    /// <summary>Case- and accent-insensitive form for comparing in memory, the way the index compares ("MÜLLER" → "muller").</summary>
    public static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(ch);
            }
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    public static string SpellOut(string text) =>
        text.Replace("ä", "ae").Replace("ö", "oe").Replace("ü", "ue")
            .Replace("Ä", "Ae").Replace("Ö", "Oe").Replace("Ü", "Ue").Replace("ß", "ss");

    // Quoted: the tokenizer splits on everything but letters and digits, and nothing typed becomes FTS5 syntax.
    private static string Prefix(string word) => $"\"{word.Replace("\"", "\"\"")}\"*";
}
