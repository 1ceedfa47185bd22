using System.Text;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Features.Portal;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>The ticket history on a real SQLite file: written with each change, in its transaction, and never changed.</summary>
public sealed class TicketHistoryTests : IAsyncLifetime
{
    private TestServices app = null!;

    public async Task InitializeAsync() => app = await TestServices.CreateAsync(seedDemoData: true);

    public async Task DisposeAsync()
    {
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }
        await app.DisposeAsync();
    }

    private async Task<List<TicketHistoryEntry>> HistoryOfAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<TicketHistoryEntry>().AsNoTracking().Where(h => h.TicketId == ticketId).OrderBy(h => h.Id).ToListAsync();
    }

    /// <summary>A service of the request or circuit kind, from a scope that lives as long as the test.</summary>
    private T Scoped<T>() where T : notnull
    {
        var scope = app.CreateScope();
        scopes.Add(scope);
        return scope.ServiceProvider.GetRequiredService<T>();
    }

    private readonly List<AsyncServiceScope> scopes = [];

    private async Task<(int Id, int Number)> TicketAsync(int number)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return (await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.Id).SingleAsync(), number);
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    private async Task<SaveTicketResult> EditAsync(int ticketId, Action<TicketEdit> change, string changedBy = "Anna Agent")
    {
        await using var scope = app.CreateScope();
        var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();
        var original = (await tickets.GetAsync(ticketId))!.Edit;
        var edited = original.Clone();
        change(edited);
        return await tickets.SaveAsync(original, edited, changedBy);
    }

    [Fact]
    public async Task A_saved_edit_records_each_changed_field_with_old_and_new_value_and_who_saved_it()
    {
        var (ticketId, _) = await TicketAsync(1010);
        var carla = await UserIdAsync("carla@contoso.example");
        var ben = await UserIdAsync("ben@contoso.example");
        var before = await HistoryOfAsync(ticketId);
        var original = await EditAsync(ticketId, _ => { });
        var status = (await app.Get<IDbContextFactory<BlazorTickets.Data.AppDbContext>>().CreateDbContext().Set<Ticket>().SingleAsync(t => t.Id == ticketId)).Status;
        var newStatus = status == TicketStatus.Closed ? TicketStatus.Open : TicketStatus.Closed;

        var result = await EditAsync(ticketId, edit =>
        {
            edit.Status = newStatus;
            edit.HandlerId = carla;
            edit.WatcherIds = [.. edit.WatcherIds.Where(id => id != ben), ben];
            edit.InternalNote = "Called the customer.";
        }, "Anna Agent");

        result.Should().BeOfType<SaveTicketResult.Saved>();
        var added = (await HistoryOfAsync(ticketId)).Skip(before.Count).ToList();
        added.Should().Contain(h => h.Kind == HistoryKind.Status && h.OldValue == status.ToString() && h.NewValue == newStatus.ToString() && !h.IsInternal);
        added.Should().Contain(h => h.Kind == HistoryKind.Handler && h.NewValue == carla && h.IsInternal);
        added.Should().Contain(h => h.Kind == HistoryKind.Field && h.Field == nameof(Ticket.InternalNote) && h.NewValue == "Called the customer." && h.IsInternal);
        added.Should().NotContain(h => h.Field == nameof(Ticket.Subject), "the subject did not change");
        added.Should().OnlyContain(h => h.ActorName == "Anna Agent" && h.ActorKind == ActorKind.System,
            "a save outside a circuit knows the name it was given, not a signed-in user");
        added.Select(h => h.At).Distinct().Should().ContainSingle("one save, one moment");

        var items = await Scoped<TicketHistoryService>().ForTicketAsync(ticketId, customerView: false);
        items.Should().Contain(i => i.Kind == HistoryKind.Handler && i.NewValue == "Carla Senior", "ids are shown as today's names");
        var customerItems = await Scoped<TicketHistoryService>().ForTicketAsync(ticketId, customerView: true);
        customerItems.Should().NotBeEmpty().And.OnlyContain(i => !i.IsInternal);
        customerItems.Should().Contain(i => i.Kind == HistoryKind.Status);
    }

    [Fact]
    public async Task A_save_that_fails_leaves_no_history_behind()
    {
        var (ticketId, _) = await TicketAsync(1011);
        var before = await HistoryOfAsync(ticketId);

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId);
            ticket.Subject = "This change must not be recorded";
            db.Add(new TicketWatcher { TicketId = ticketId, UserId = "no-such-user" });
            var save = () => db.SaveChangesAsync();
            await save.Should().ThrowAsync<DbUpdateException>("the watcher names a user that does not exist");
        }

        (await HistoryOfAsync(ticketId)).Should().HaveCount(before.Count);
    }

    [Fact]
    public async Task The_history_cannot_be_edited_or_deleted()
    {
        var (ticketId, _) = await TicketAsync(1012);
        await EditAsync(ticketId, edit => edit.CustomerNote = "We ordered the part.");
        var entry = (await HistoryOfAsync(ticketId)).Last();

        await using var db = await app.DbFactory.CreateDbContextAsync();
        var update = () => db.Database.ExecuteSqlRawAsync("UPDATE TicketHistory SET NewValue = 'forged' WHERE Id = {0}", entry.Id);
        var delete = () => db.Database.ExecuteSqlRawAsync("DELETE FROM TicketHistory WHERE Id = {0}", entry.Id);

        (await update.Should().ThrowAsync<SqliteException>()).Which.Message.Should().Contain("append-only");
        (await delete.Should().ThrowAsync<SqliteException>()).Which.Message.Should().Contain("append-only");
        (await HistoryOfAsync(ticketId)).Last().NewValue.Should().Be("We ordered the part.");

        // Only together with its ticket (which no page deletes) can the history go.
        await db.Set<Ticket>().Where(t => t.Id == ticketId).ExecuteDeleteAsync();
        (await HistoryOfAsync(ticketId)).Should().BeEmpty();
    }

    [Fact]
    public async Task Every_corpus_message_leaves_one_message_entry_and_each_new_ticket_one_created_entry_by_the_mail_import()
    {
        int tenantId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
            db.Set<MailFolderState>().Add(new MailFolderState { TenantId = tenantId, Folder = "INBOX", UidValidity = 1 });
            await db.SaveChangesAsync();
        }
        var importer = app.Get<MailImporter>();
        var results = new List<ImportResult>();
        uint uid = 0;
        foreach (var batch in MimeCorpus.Messages().Chunk(25))
        {
            results.AddRange(await importer.ImportBatchAsync(tenantId, batch.Select(m => new MailImporter.IncomingMail(m.Raw, new MailPosition("INBOX", 1, ++uid))).ToList()));
        }

        var imported = results.Where(r => r.Outcome is ImportOutcome.NewTicket or ImportOutcome.Threaded).ToList();
        imported.Should().NotBeEmpty();
        await using var check = await app.DbFactory.CreateDbContextAsync();
        var ticketIds = imported.Select(r => r.TicketId!.Value).Distinct().ToList();
        var history = await check.Set<TicketHistoryEntry>().AsNoTracking().Where(h => ticketIds.Contains(h.TicketId)).ToListAsync();
        var messagesIn = await check.Set<TicketMessage>().CountAsync(m => ticketIds.Contains(m.TicketId) && m.Direction == MessageDirection.Inbound);
        history.Count(h => h.Kind == HistoryKind.MessageIn || (h.Kind == HistoryKind.Created && h.Field != null)).Should().Be(messagesIn,
            "every inbound message is recorded, the one that opened its ticket as the creation");
        history.Where(h => h.Kind == HistoryKind.Created).Select(h => h.TicketId).Should()
            .BeEquivalentTo(results.Where(r => r.Outcome == ImportOutcome.NewTicket).Select(r => r.TicketId!.Value));
        history.Where(h => h.Kind is HistoryKind.MessageIn or HistoryKind.Created).Should()
            .OnlyContain(h => h.ActorKind == ActorKind.MailImport && !h.IsInternal);
    }

    [Fact]
    public async Task Time_entries_added_changed_and_deleted_are_recorded_as_internal_entries_of_the_agent()
    {
        var (ticketId, _) = await TicketAsync(1013);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<Ticket>().Where(t => t.Id == ticketId).ExecuteUpdateAsync(s => s.SetProperty(t => t.TimeTrackingAllowed, true));
        }
        var anna = await UserIdAsync("anna@contoso.example");
        var time = Scoped<TimeTrackingService>();
        var actor = new Actor(anna, IsTeamLead: false);
        var input = time.NewInput(ticketId, timeTrackingAllowed: true);
        input.WithTimes = false;
        input.Duration = "0:45";
        var before = (await HistoryOfAsync(ticketId)).Count;

        var saved = (await time.SaveEntryAsync(input, actor)).Should().BeOfType<TimeEntryResult.Saved>().Subject;
        var change = input.Clone();
        change.Id = saved.Id;
        change.Duration = "1:30";
        (await time.SaveEntryAsync(change, actor)).Should().BeOfType<TimeEntryResult.Saved>();
        (await time.DeleteEntryAsync(saved.Id, ticketId, actor)).Should().BeOfType<TimeEntryResult.Deleted>();

        var entries = (await HistoryOfAsync(ticketId)).Skip(before).Where(h => h.Kind == HistoryKind.TimeEntry).ToList();
        entries.Select(h => (h.OldValue, h.NewValue)).Should().Equal((null, "45"), ("45", "90"), ("90", null));
        entries.Should().OnlyContain(h => h.IsInternal && h.ActorId == anna && h.ActorKind == ActorKind.User);
        (await Scoped<TicketHistoryService>().ForTicketAsync(ticketId, customerView: false))
            .Where(i => i.Kind == HistoryKind.TimeEntry).Should().OnlyContain(i => i.ActorName == "Anna Agent", "the agent's name is looked up by id");
    }

    [Fact]
    public async Task A_customer_answering_in_the_extranet_is_recorded_as_that_customer()
    {
        var max = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.MaxEmail);
        var erika = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.ErikaEmail);
        var ticketId = await PortalTestData.TicketOfAsync(app.DbFactory, max, erika);
        var before = (await HistoryOfAsync(ticketId)).Count;

        await using var scope = app.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<PortalService>().AnswerAsync(max, ticketId, "Still broken, sorry.", []);

        result.Should().NotBeOfType<PortalResult.Invalid>();
        var added = (await HistoryOfAsync(ticketId)).Skip(before).ToList();
        added.Should().Contain(h => h.Kind == HistoryKind.MessageIn);
        added.Should().OnlyContain(h => h.ActorKind == ActorKind.Customer && h.ActorId == max.UserId && h.ActorName == max.DisplayName);
    }

    [Fact]
    public async Task The_csv_export_has_one_row_per_entry_and_defuses_spreadsheet_formulas()
    {
        var (ticketId, number) = await TicketAsync(1014);
        await EditAsync(ticketId, edit => edit.CustomerNote = "=HYPERLINK(\"http://evil.example\",\"click\"), or so");
        var service = Scoped<TicketHistoryService>();

        using var output = new MemoryStream();
        await service.WriteCsvAsync(new HistoryQuery(Kind: HistoryKind.Field), output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF').Split("\r\n".ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("at_utc,ticket,actor_kind,actor,kind,field,old_value,new_value,internal");
        var row = lines.Should().ContainSingle(l => l.Contains("CustomerNote")).Subject;
        row.Should().Contain($"#{number},System,Anna Agent,Field,CustomerNote,")
            .And.Contain("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\"), or so\"");
        var page = await service.SearchAsync(new HistoryQuery(Kind: HistoryKind.Field), page: 0);
        page.Items.Should().HaveCount(lines.Length - 1).And.OnlyContain(i => i.Kind == HistoryKind.Field);
    }

    [Fact]
    public async Task The_admin_view_filters_by_user_tenant_and_days()
    {
        var (annaTicket, _) = await TicketAsync(1015);
        var (benTicket, _) = await TicketAsync(1016);
        var anna = await UserIdAsync("anna@contoso.example");
        var ben = await UserIdAsync("ben@contoso.example");
        using (TicketHistory.ActAs(HistoryActor.User(anna, "Anna Agent")))
        {
            await EditAsync(annaTicket, edit => edit.CustomerNote = "Anna was here");
        }
        using (TicketHistory.ActAs(HistoryActor.User(ben, "Ben Berger")))
        {
            await EditAsync(benTicket, edit => edit.CustomerNote = "Ben was here");
        }
        int foreignTicket;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var tenant = new Tenant { Name = "Other tenant", SenderAddress = "help@other.example" };
            var ticket = new Ticket { Number = 9701, Subject = "Elsewhere", Tenant = tenant, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Add(ticket);
            await db.SaveChangesAsync();
            (foreignTicket, _) = (ticket.Id, tenant.Id);
        }
        int foreignTenant;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            foreignTenant = await db.Set<Ticket>().Where(t => t.Id == foreignTicket).Select(t => t.TenantId).SingleAsync();
        }
        var history = Scoped<TicketHistoryService>();
        var today = DateOnly.FromDateTime(app.Clock.GetLocalNow().DateTime);

        (await history.SearchAsync(new HistoryQuery(ActorId: anna), 0)).Items.Should().NotBeEmpty()
            .And.OnlyContain(i => i.TicketId == annaTicket && i.ActorName == "Anna Agent");
        (await history.SearchAsync(new HistoryQuery(ActorId: ben), 0)).Items.Should().NotBeEmpty().And.OnlyContain(i => i.TicketId == benTicket);
        (await history.SearchAsync(new HistoryQuery(TenantId: foreignTenant), 0)).Items.Should().ContainSingle()
            .Which.Should().Match<HistoryItem>(i => i.TicketId == foreignTicket && i.Kind == HistoryKind.Created);
        (await history.SearchAsync(new HistoryQuery(ActorId: anna, From: today, To: today), 0)).Items.Should().NotBeEmpty();
        (await history.SearchAsync(new HistoryQuery(From: today.AddDays(1)), 0)).Items.Should().BeEmpty();
        (await history.SearchAsync(new HistoryQuery(To: today.AddDays(-1)), 0)).Items.Should().BeEmpty();
        HistoryQuery.FromQuery(new HistoryQuery(anna, foreignTenant, today, today, HistoryKind.Field).ToQuery())
            .Should().Be(new HistoryQuery(anna, foreignTenant, today, today, HistoryKind.Field), "the page, the CSV link and bookmarks share the filter");
    }
}
