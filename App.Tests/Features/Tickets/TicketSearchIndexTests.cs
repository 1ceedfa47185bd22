using BlazorTickets.Data;
using BlazorTickets.Features.Admin.Customers;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>The search index stays in step through every write path: edits, notes, mail import, renames, deletes, migration.</summary>
public abstract class TicketSearchIndexTests(DatabaseProvider provider) : IAsyncLifetime
{
    protected TestServices services = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        services = await TestServices.CreateAsync(provider: provider);
        tenantId = await TicketSearchData.AddAsync(services, 50, seed: 5);
    }

    public Task DisposeAsync() => services.DisposeAsync().AsTask();

    private async Task<List<int>> FindAsync(string text)
    {
        await using var scope = services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<TicketService>().QueryIdsAsync(new TicketListFilter { Text = text }, null)).ToList();
    }

    private async Task ShouldMatchThePlainScanAsync(params string[] words)
    {
        var documents = await SearchReference.LoadAsync(services.DbFactory);
        foreach (var word in words)
        {
            (await FindAsync(word)).Should().BeEquivalentTo(SearchReference.Find(documents, word), $"'{word}' after the change");
        }
    }

    [Fact]
    public async Task A_word_only_in_an_HTML_body_is_found_with_entities_decoded_and_tags_left_out()
    {
        var id = await TicketSearchData.AddTicketAsync(services, tenantId, 700_001, "Question", text: "",
            html: "<div class=\"quuxclass\"><p>Der <b>Kyocera</b>-Dr&uuml;cker &amp; das Fax</p><script>var zorglub = 1;</script></div>");

        (await FindAsync("kyocera")).Should().Equal(id);
        (await FindAsync("Drücker")).Should().Equal(id);
        (await FindAsync("quuxclass")).Should().BeEmpty();
        (await FindAsync("zorglub")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_subject_edit_replaces_the_old_words_with_the_new()
    {
        var id = await TicketSearchData.AddTicketAsync(services, tenantId, 700_002, "Flurbo machine broken", "nothing here");
        await using var scope = services.CreateScope();
        var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();
        var details = await tickets.GetAsync(id);
        var edited = details!.Edit.Clone();
        edited.Subject = "Glorpington machine broken";

        var result = await tickets.SaveAsync(details.Edit, edited, "Anna Agent");

        result.Should().BeOfType<SaveTicketResult.Saved>();
        (await FindAsync("flurbo")).Should().BeEmpty();
        (await FindAsync("glorpington")).Should().Equal(id);
        await ShouldMatchThePlainScanAsync("machine", "printer");
    }

    [Fact]
    public async Task A_customer_rename_changes_what_finds_their_tickets()
    {
        await using var scope = services.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<CustomerAdminService>();
        int customerId;
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            customerId = await db.Set<Customer>().Where(c => c.TenantId == tenantId && db.Set<Ticket>().Any(t => t.CustomerId == c.Id)).Select(c => c.Id).FirstAsync();
        }
        var edit = (await admin.GetAsync(customerId))!;
        edit.Name = "Wilhelmina Quastenflosser";
        edit.Company = "Quastenflosser Hafenbetrieb";
        edit.Emails = [.. edit.Emails, "wilhelmina@hafen.example"];

        (await admin.SaveAsync(edit)).Succeeded.Should().BeTrue();

        var theirTickets = await TicketsOfCustomerAsync(customerId);
        (await FindAsync("Quastenflosser")).Should().BeEquivalentTo(theirTickets).And.NotBeEmpty();
        (await FindAsync("Hafenbetrieb")).Should().BeEquivalentTo(theirTickets);
        (await FindAsync("wilhelmina@hafen.example")).Should().BeEquivalentTo(theirTickets);
        await ShouldMatchThePlainScanAsync("Müller", "Schmidt", "Quastenflosser", "kunde1");
    }

    [Fact]
    public async Task A_new_address_alone_finds_the_customers_own_and_assigned_tickets_and_one_without_tickets_finds_none()
    {
        int ownerId, assignedId, withoutTicketsId, assignedTicketId;
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            ownerId = await db.Set<Customer>().Where(c => c.TenantId == tenantId && db.Set<Ticket>().Any(t => t.CustomerId == c.Id)).Select(c => c.Id).FirstAsync();
            var assigned = new Customer { TenantId = tenantId, CustomerNumber = "A-1", Name = "Assigned Only", CreatedAt = DateTime.UtcNow };
            var withoutTickets = new Customer { TenantId = tenantId, CustomerNumber = "A-2", Name = "No Tickets", CreatedAt = DateTime.UtcNow };
            db.AddRange(assigned, withoutTickets);
            await db.SaveChangesAsync();
            assignedTicketId = await db.Set<Ticket>().Where(t => t.TenantId == tenantId && t.CustomerId != ownerId).Select(t => t.Id).FirstAsync();
            db.Set<TicketAssignedCustomer>().Add(new TicketAssignedCustomer { TicketId = assignedTicketId, CustomerId = assigned.Id });
            await db.SaveChangesAsync();
            (assignedId, withoutTicketsId) = (assigned.Id, withoutTickets.Id);
        }

        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            db.Set<CustomerEmail>().AddRange(
                new CustomerEmail { TenantId = tenantId, CustomerId = ownerId, Address = "owner.neu@hafen.example" },
                new CustomerEmail { TenantId = tenantId, CustomerId = assignedId, Address = "assigned.neu@hafen.example" },
                new CustomerEmail { TenantId = tenantId, CustomerId = withoutTicketsId, Address = "nobody.neu@hafen.example" });
            await db.SaveChangesAsync();
        }

        (await FindAsync("owner.neu@hafen.example")).Should().BeEquivalentTo(await TicketsOfCustomerAsync(ownerId)).And.NotBeEmpty();
        (await FindAsync("assigned.neu@hafen.example")).Should().Equal(assignedTicketId);
        (await FindAsync("nobody.neu@hafen.example")).Should().BeEmpty();
        await ShouldMatchThePlainScanAsync("hafen", "neu");
    }

    [Fact]
    public async Task An_assigned_customer_is_searchable_on_the_ticket()
    {
        var id = await TicketSearchData.AddTicketAsync(services, tenantId, 700_003, "Shared ticket", "text");
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            var customer = new Customer { TenantId = tenantId, CustomerNumber = "X-1", Name = "Ottokar Blauwal", Company = "" };
            db.Set<Customer>().Add(customer);
            await db.SaveChangesAsync();
            db.Set<TicketAssignedCustomer>().Add(new TicketAssignedCustomer { TicketId = id, CustomerId = customer.Id });
            await db.SaveChangesAsync();
        }

        (await FindAsync("Blauwal")).Should().Equal(id);

        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            await db.Set<TicketAssignedCustomer>().Where(a => a.TicketId == id).ExecuteDeleteAsync();
        }
        (await FindAsync("Blauwal")).Should().BeEmpty();
    }

    [Fact]
    public async Task An_internal_note_is_found_and_a_deleted_ticket_is_not()
    {
        var id = await TicketSearchData.AddTicketAsync(services, tenantId, 700_004, "Anything", "first mail");
        await using var scope = services.CreateScope();
        var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();

        string agentId;
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            var agent = new BlazorTickets.Features.Users.AppUser { UserName = "agent@example.test", Email = "agent@example.test", DisplayName = "Anna Agent" };
            db.Users.Add(agent);
            await db.SaveChangesAsync();
            agentId = agent.Id;
        }

        await tickets.AddInternalNoteAsync(id, "Called them: the Snorkelwhistle firmware fixes it.", agentId, "Anna Agent");

        (await FindAsync("snorkelwhistle")).Should().Equal(id);
        (await FindAsync("first mail")).Should().Contain(id, "the earlier mail stays in the ticket's text");

        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            db.Set<Ticket>().Remove(await db.Set<Ticket>().SingleAsync(t => t.Id == id));
            await db.SaveChangesAsync();
        }
        (await FindAsync("snorkelwhistle")).Should().BeEmpty();
        await ShouldMatchThePlainScanAsync("printer", "Drucker", "first");
    }

    [Fact]
    public async Task Deleting_a_message_removes_its_words()
    {
        var id = await TicketSearchData.AddTicketAsync(services, tenantId, 700_005, "Anything", "Vintagebanana everywhere");
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            db.Set<TicketMessage>().Add(new TicketMessage { TicketId = id, Date = DateTime.UtcNow, TextBody = "second mail" });
            await db.SaveChangesAsync();
            (await FindAsync("vintagebanana")).Should().Equal(id);

            await db.Set<TicketMessage>().Where(m => m.TicketId == id && m.TextBody.Contains("Vintagebanana")).ExecuteDeleteAsync();
        }

        (await FindAsync("vintagebanana")).Should().BeEmpty();
        (await FindAsync("second mail")).Should().Equal(id);
    }

    [Fact]
    public async Task Every_mail_of_the_corpus_imported_the_real_way_is_found_by_a_word_of_its_text()
    {
        var importer = services.Get<MailImporter>();
        uint uid = 0;
        var corpus = MimeCorpus.Messages();
        foreach (var batch in corpus.Chunk(20))
        {
            await importer.ImportBatchAsync(tenantId, batch.Select(item => new MailImporter.IncomingMail(item.Raw, new MailPosition("INBOX", 1, ++uid))).ToList());
        }

        await using var db = await services.DbFactory.CreateDbContextAsync();
        var imported = await db.Set<TicketMessage>().Where(m => m.RawMime != null)
            .Select(m => new { m.Id, m.TicketId, m.TextBody, m.HtmlBody }).ToListAsync();
        imported.Should().HaveCountGreaterThan(corpus.Count / 2);
        var checkedMessages = 0;
        foreach (var message in imported)
        {
            var text = TicketSearchText.MessageText(message.TextBody, message.HtmlBody);
            // The longest plain word: distinctive enough to keep the result small.
            var word = SearchReference.Words(text).Where(w => w.Length >= 4 && w.All(char.IsAsciiLetterLower)).MaxBy(w => (w.Length, w));
            if (word is null)
            {
                continue;
            }
            (await FindAsync(word)).Should().Contain(message.TicketId, $"message {message.Id} contains '{word}'");
            checkedMessages++;
        }
        checkedMessages.Should().BeGreaterThan(imported.Count / 2);
        await ShouldMatchThePlainScanAsync("the", "message", "Müller");
    }

    [Fact]
    public async Task The_mail_import_indexes_exactly_what_the_triggers_would_have_indexed()
    {
        var importer = services.Get<MailImporter>();
        uint uid = 0;
        async Task ImportAsync(IEnumerable<byte[]> batch) =>
            await importer.ImportBatchAsync(tenantId, batch.Select(raw => new MailImporter.IncomingMail(raw, new MailPosition("INBOX", 1, ++uid))).ToList());
        foreach (var batch in MimeCorpus.Messages().Chunk(20))
        {
            await ImportAsync(batch.Select(item => item.Raw));
        }
        // A new ticket and its reply in one batch; in the next a reply to it (a ticket the import created earlier is
        // indexed again from the tables) and another new ticket with its reply (indexed from memory, in mail order).
        await ImportAsync([
            Mail("kettle-1@example.test", null, "Kettle failure", "The kettle flurbles since Tuesday."),
            Mail("kettle-2@example.test", "kettle-1@example.test", "Re: Kettle failure", "Still flurbling, and now the toaster too."),
        ]);
        await ImportAsync([
            Mail("kettle-3@example.test", "kettle-2@example.test", "Re: Kettle failure", "Third mail: the grommets are loose."),
            Mail("lamp-1@example.test", null, "Lamp flickers", "The desk lamp flickers snarfwise twice an hour."),
            Mail("lamp-2@example.test", "lamp-1@example.test", "Re: Lamp flickers", "Replaced the glimmerquork bulb, the lamp still flickers at night."),
        ]);

        var kettle = await FindAsync("flurbles");
        kettle.Should().ContainSingle();
        (await FindAsync("toaster")).Should().Equal(kettle);
        (await FindAsync("grommets flurbles")).Should().Equal(kettle, "the earlier mails stay in the ticket's text");
        var lamp = await FindAsync("glimmerquork");
        lamp.Should().ContainSingle().And.NotIntersectWith(kettle);
        (await FindAsync("snarfwise")).Should().Equal(lamp);
        var imported = await IndexedAsync();

        await ReindexFromTablesAsync();

        // Every word at its ticket, column and position, compared with the documents the triggers' SQL builds.
        imported.Should().HaveCountGreaterThan(MinIndexed).And.Equal(await IndexedAsync());
    }

    /// <summary>What the index holds, word by word or document by document, in a fixed order.</summary>
    protected abstract Task<List<string>> IndexedAsync();

    /// <summary>Rebuilds every document the way the triggers build them, from the tables.</summary>
    protected abstract Task ReindexFromTablesAsync();

    protected abstract int MinIndexed { get; }

    [Fact]
    public async Task After_deferred_indexing_the_same_connection_indexes_through_the_triggers_again()
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            using (TicketSearchSql.DeferInsertTriggers(db))
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO "Tickets" ("Number", "Subject", "Status", "TenantId", "TimeTrackingAllowed", "CreatedAt", "UpdatedAt", "Version", "CustomerNote", "InternalNote")
                    VALUES (800001, 'Deferred zanzibar', 0, {tenantId}, false, '2026-01-01', '2026-01-01', 0, '', '')
                    """);
            }
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Tickets" ("Number", "Subject", "Status", "TenantId", "TimeTrackingAllowed", "CreatedAt", "UpdatedAt", "Version", "CustomerNote", "InternalNote")
                VALUES (800002, 'Resumed xylophone', 0, {tenantId}, false, '2026-01-01', '2026-01-01', 0, '', '')
                """);
            await transaction.CommitAsync();
        }

        (await FindAsync("zanzibar")).Should().BeEmpty("the writer that deferred indexing did not index it");
        (await FindAsync("xylophone")).Should().ContainSingle();
    }

    [Fact]
    public async Task Deferring_without_a_transaction_is_refused()
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();

        var defer = () => TicketSearchSql.DeferInsertTriggers(db);

        defer.Should().Throw<InvalidOperationException>().WithMessage("*transaction*");
    }

    private static byte[] Mail(string messageId, string? inReplyTo, string subject, string text)
    {
        var message = new MimeKit.MimeMessage();
        message.From.Add(new MimeKit.MailboxAddress("Kettle Owner", "kettle.owner@example.test"));
        message.To.Add(MimeKit.MailboxAddress.Parse("support@example.test"));
        message.Subject = subject;
        message.MessageId = messageId;
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
        }
        message.Date = DateTimeOffset.UtcNow;
        message.Body = new MimeKit.TextPart("plain") { Text = text };
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    private async Task<List<int>> TicketsOfCustomerAsync(int customerId)
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.CustomerId == customerId || t.AssignedCustomers.Any(a => a.CustomerId == customerId)).Select(t => t.Id).ToListAsync();
    }
}

public sealed class TicketSearchIndexSqliteTests() : TicketSearchIndexTests(DatabaseProvider.Sqlite)
{
    protected override int MinIndexed => 10_000;

    protected override async Task ReindexFromTablesAsync()
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(TicketSearchSql.Backfill);
    }

    /// <summary>The index's word instances after merging its segments (which drops replaced documents' words).</summary>
    protected override async Task<List<string>> IndexedAsync()
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync($"INSERT INTO {TicketSearchSql.Table}({TicketSearchSql.Table}) VALUES('optimize')");
        await db.Database.ExecuteSqlRawAsync($"CREATE VIRTUAL TABLE IF NOT EXISTS temp.SearchInstances USING fts5vocab(main, '{TicketSearchSql.Table}', 'instance')");
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT term, doc, col, offset FROM temp.SearchInstances ORDER BY doc, col, offset, term";
        var instances = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            instances.Add($"{reader.GetString(0)} {reader.GetInt64(1)} {reader.GetString(2)} {reader.GetInt32(3)}");
        }
        return instances;
    }

    [Fact]
    public async Task Migrating_an_existing_database_indexes_its_tickets()
    {
        await using var fresh = await TestServices.CreateAsync(initializeDatabase: false);
        await using (var db = await fresh.DbFactory.CreateDbContextAsync())
        {
            var migrator = db.GetService<IMigrator>();
            var all = db.Database.GetMigrations().ToList();
            var beforeSearch = all[all.FindIndex(m => m.EndsWith("_TicketSearch", StringComparison.Ordinal)) - 1];
            await migrator.MigrateAsync(beforeSearch);
            var tenant = new Tenant { Name = "Old tenant" };
            db.Set<Tenant>().Add(tenant);
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO Tickets (Number, Subject, Status, TenantId, TimeTrackingAllowed, CreatedAt, UpdatedAt, Version, CustomerNote, InternalNote)
                VALUES (1, 'Old Kühlschrank ticket', 0, {tenant.Id}, 0, '2026-01-01', '2026-01-01', 0, '', '')
                """);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO TicketMessages (TicketId, Direction, "From", "To", Cc, Subject, Date, TextBody, HtmlBody, IsAutomatic)
                VALUES ((SELECT Id FROM Tickets WHERE Number = 1), 0, '', '', '', '', '2026-01-01', '', '<p>Gefrierfach &auml;ltester Art</p>', 0)
                """);
        }

        await using (var scope = fresh.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        }

        await using var ticketScope = fresh.CreateScope();
        var tickets = ticketScope.ServiceProvider.GetRequiredService<TicketService>();
        (await tickets.QueryIdsAsync(new TicketListFilter { Text = "kuehlschrank" }, null)).Should().ContainSingle();
        (await tickets.QueryIdsAsync(new TicketListFilter { Text = "gefrierfach aeltester" }, null)).Should().ContainSingle();
    }
}

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class TicketSearchIndexPostgresTests() : TicketSearchIndexTests(DatabaseProvider.Postgres)
{
    protected override int MinIndexed => 50;

    protected override async Task ReindexFromTablesAsync()
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync("""SELECT bt_ticket_search_index(ARRAY(SELECT "Id" FROM "Tickets"))""");
    }

    /// <summary>Each ticket's document: its words with their weights (columns) and positions.</summary>
    protected override async Task<List<string>> IndexedAsync()
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        return await db.Database
            .SqlQueryRaw<string>("""SELECT "TicketId"::text || ' ' || "Document"::text AS "Value" FROM "TicketSearch" ORDER BY "TicketId" """)
            .ToListAsync();
    }
}
