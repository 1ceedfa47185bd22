using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Merging;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Tests.Features.Merging;

/// <summary>Merging duplicates on a real database of each provider with the demo data.</summary>
public abstract class TicketMergeServiceTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestServices app = null!;
    private readonly List<AsyncServiceScope> scopes = [];

    public async Task InitializeAsync() => app = await TestServices.CreateAsync(seedDemoData: true, provider: provider);

    public async Task DisposeAsync()
    {
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }
        await app.DisposeAsync();
    }

    private T Scoped<T>() where T : notnull
    {
        var scope = app.CreateScope();
        scopes.Add(scope);
        return scope.ServiceProvider.GetRequiredService<T>();
    }

    private async Task<Ticket> TicketAsync(int number)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().AsNoTracking().Include(t => t.Watchers).Include(t => t.AssignedCustomers).SingleAsync(t => t.Number == number);
    }

    /// <summary>A ticket of the demo customer with one customer mail, one internal note and billable time, some of it billed.</summary>
    private async Task<Ticket> DuplicateAsync(int number, string subject, string messageId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var template = await db.Set<Ticket>().AsNoTracking().OrderBy(t => t.Id).FirstAsync(t => t.CustomerId != null);
        var ben = await db.Users.Where(u => u.Email == "ben@contoso.example").Select(u => u.Id).SingleAsync();
        var anna = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
        var now = DateTime.UtcNow;
        var ticket = new Ticket
        {
            Number = number, Subject = subject, Status = TicketStatus.Open, TenantId = template.TenantId, CustomerId = template.CustomerId,
            TimeTrackingAllowed = true, CreatedAt = now, UpdatedAt = now,
            Watchers = [new TicketWatcher { UserId = ben }],
            Messages =
            [
                new TicketMessage { Direction = MessageDirection.Inbound, From = "Max Mustermann <max.mustermann@fabrikam.example>", To = "support@contoso.example", Subject = subject, Date = now, TextBody = "Hello", MessageId = messageId },
                new TicketMessage { Direction = MessageDirection.InternalNote, From = "Anna Agent", Subject = "", Date = now, TextBody = "Same as the other one" },
            ],
        };
        db.Add(ticket);
        db.AddRange(
            new TimeEntry { Ticket = ticket, UserId = anna, Start = now.AddHours(-2), End = now.AddHours(-1), Minutes = 60, Billable = true, CreatedAt = now },
            new TimeEntry { Ticket = ticket, UserId = anna, Start = now.AddHours(-1), End = now.AddMinutes(-30), Minutes = 30, Billable = true, CreatedAt = now });
        await db.SaveChangesAsync();
        return ticket;
    }

    [Fact]
    public async Task Merging_moves_everything_to_the_target_closes_the_source_and_keeps_billed_time_on_its_quote()
    {
        var source = await DuplicateAsync(9501, "Printer jams (second mail)", "dup-1@fabrikam.example");
        var target = await TicketAsync(1010);
        // Bill the source's first hour before the merge.
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var firstEntry = await db.Set<TimeEntry>().Where(e => e.TicketId == source.Id).OrderBy(e => e.Id).FirstAsync();
            await db.Set<TimeEntry>().Where(e => e.Id != firstEntry.Id && e.TicketId == source.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Billable, false));
        }
        var billed = await Scoped<BillingService>().BillAsync([source.Id], null);
        int quoteLineId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            quoteLineId = (await db.Set<QuoteLine>().SingleAsync(l => l.QuoteId == billed.Quotes.Single().QuoteId)).Id;
        }

        var result = await Scoped<TicketMergeService>().MergeAsync(target.Id, [source.Id], "Anna Agent");

        result.Should().BeEquivalentTo(new MergeResult.Merged(target.Id, 2, 2));
        await using var after = await app.DbFactory.CreateDbContextAsync();
        (await after.Set<TicketMessage>().CountAsync(m => m.TicketId == source.Id)).Should().Be(0);
        (await after.Set<TicketMessage>().Where(m => m.TicketId == target.Id).Select(m => m.TextBody).ToListAsync()).Should().Contain(["Hello", "Same as the other one"]);
        var entries = await after.Set<TimeEntry>().Where(e => e.CreatedAt >= source.CreatedAt && e.Minutes != 0 && (e.Minutes == 60 || e.Minutes == 30)).ToListAsync();
        entries.Should().OnlyContain(e => e.TicketId == target.Id);
        entries.Single(e => e.Minutes == 60).QuoteLineId.Should().Be(quoteLineId, "billed time stays on its quote line");
        var merged = await after.Set<Ticket>().Include(t => t.Watchers).Include(t => t.AssignedCustomers).SingleAsync(t => t.Id == target.Id);
        merged.Watchers.Select(w => w.UserId).Should().Contain(source.Watchers.Single().UserId);
        if (source.CustomerId != merged.CustomerId)
        {
            merged.AssignedCustomers.Select(c => c.CustomerId).Should().Contain(source.CustomerId!.Value);
        }
        var closed = await after.Set<Ticket>().SingleAsync(t => t.Id == source.Id);
        closed.Status.Should().Be(TicketStatus.Closed);
        closed.MergedIntoTicketId.Should().Be(target.Id);
        var history = await after.Set<TicketHistoryEntry>().Where(h => h.Kind == HistoryKind.Merge).ToListAsync();
        history.Should().Contain(h => h.TicketId == source.Id && h.Field == "MergedInto" && h.NewValue == target.Tag);
        history.Should().Contain(h => h.TicketId == target.Id && h.Field == "MergedFrom" && h.NewValue == source.Tag);
    }

    [Fact]
    public async Task A_later_reply_naming_the_merged_ticket_by_its_number_or_its_message_id_joins_the_target()
    {
        var source = await DuplicateAsync(9502, "Invoice copy", "dup-2@fabrikam.example");
        var target = await TicketAsync(1011);
        (await Scoped<TicketMergeService>().MergeAsync(target.Id, [source.Id], "Anna Agent")).Should().BeOfType<MergeResult.Merged>();
        int tenantId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
            db.Set<MailFolderState>().Add(new MailFolderState { TenantId = tenantId, Folder = "INBOX", UidValidity = 1 });
            await db.SaveChangesAsync();
        }
        var importer = app.Get<MailImporter>();

        byte[] Reply(string subject, string? inReplyTo, string id)
        {
            var message = new MimeMessage { Subject = subject, MessageId = id };
            message.From.Add(new MailboxAddress("Max Mustermann", "max.mustermann@fabrikam.example"));
            message.To.Add(MailboxAddress.Parse("support@contoso.example"));
            if (inReplyTo is not null)
            {
                message.InReplyTo = inReplyTo;
            }
            message.Body = new TextPart("plain") { Text = "Any news?" };
            using var stream = new MemoryStream();
            message.WriteTo(stream);
            return stream.ToArray();
        }

        var byTag = await importer.ImportAsync(tenantId, Reply($"Re: Invoice copy [#{source.Number}]", null, "r1@fabrikam.example"), new MailPosition("INBOX", 1, 1));
        var byThread = await importer.ImportAsync(tenantId, Reply("Re: Invoice copy", "dup-2@fabrikam.example", "r2@fabrikam.example"), new MailPosition("INBOX", 1, 2));

        byTag.Should().Be(new ImportResult(ImportOutcome.Threaded, target.Id));
        byThread.Should().Be(new ImportResult(ImportOutcome.Threaded, target.Id));
    }

    [Fact]
    public async Task Merging_is_refused_with_a_reason_for_itself_another_tenant_a_merged_ticket_and_a_stale_version()
    {
        var source = await DuplicateAsync(9503, "Duplicate", "dup-3@fabrikam.example");
        var target = await TicketAsync(1012);
        var merging = Scoped<TicketMergeService>();
        int foreignId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var tenant = new Tenant { Name = "Other", SenderAddress = "help@other.example" };
            var foreign = new Ticket { Number = 9599, Subject = "Foreign", Tenant = tenant, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Add(foreign);
            await db.SaveChangesAsync();
            foreignId = foreign.Id;
        }

        (await merging.MergeAsync(target.Id, [target.Id], "Anna")).Should().Be(new MergeResult.Refused("A ticket cannot be merged into itself."));
        (await merging.MergeAsync(target.Id, [foreignId], "Anna")).Should().BeOfType<MergeResult.Refused>().Which.Reason.Should().Contain("another tenant");
        (await merging.MergeAsync(target.Id, [source.Id], "Anna", new Dictionary<int, int> { [source.Id] = source.Version + 5 }))
            .Should().BeOfType<MergeResult.Refused>().Which.Reason.Should().Contain("changed meanwhile");
        (await merging.MergeAsync(target.Id, [source.Id], "Anna")).Should().BeOfType<MergeResult.Merged>();
        (await merging.MergeAsync(target.Id, [source.Id], "Anna")).Should().BeOfType<MergeResult.Refused>().Which.Reason.Should().Contain("already merged");
        (await merging.MergeAsync(source.Id, [target.Id], "Anna")).Should().BeOfType<MergeResult.Refused>().Which.Reason.Should().Contain("merge into that one");
        (await TicketAsync(9503)).MergedIntoTicketId.Should().Be(target.Id, "refused merges change nothing");
    }

    [Fact]
    public async Task Two_agents_merging_the_same_two_tickets_in_opposite_directions_at_once_leave_one_consistent_result()
    {
        var first = await DuplicateAsync(9504, "Twin A", "twin-a@fabrikam.example");
        var second = await DuplicateAsync(9505, "Twin B", "twin-b@fabrikam.example");

        var results = await Task.WhenAll(
            Task.Run(() => Scoped<TicketMergeService>().MergeAsync(first.Id, [second.Id], "Anna Agent")),
            Task.Run(() => Scoped<TicketMergeService>().MergeAsync(second.Id, [first.Id], "Ben Berger")));

        results.OfType<MergeResult.Merged>().Should().ContainSingle();
        var winner = results.OfType<MergeResult.Merged>().Single().TargetId;
        var loser = winner == first.Id ? second.Id : first.Id;
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<TicketMessage>().CountAsync(m => m.TicketId == winner)).Should().Be(4);
        (await db.Set<TicketMessage>().CountAsync(m => m.TicketId == loser)).Should().Be(0);
        (await db.Set<Ticket>().SingleAsync(t => t.Id == winner)).MergedIntoTicketId.Should().BeNull();
        (await db.Set<Ticket>().SingleAsync(t => t.Id == loser)).MergedIntoTicketId.Should().Be(winner);
    }

    private async Task<int> AddReplyAsync(int ticketId, string subject, int minutesLater)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var message = new TicketMessage
        {
            TicketId = ticketId, Direction = MessageDirection.Inbound, From = "Max Mustermann <max.mustermann@fabrikam.example>",
            To = "support@contoso.example", Subject = subject, Date = DateTime.UtcNow.AddMinutes(minutesLater), TextBody = subject,
        };
        db.Add(message);
        await db.SaveChangesAsync();
        return message.Id;
    }

    [Fact]
    public async Task Splitting_a_message_and_the_later_ones_opens_a_new_ticket_of_the_same_customer_that_mentions_the_old_one()
    {
        var ticket = await DuplicateAsync(9510, "Two problems in one mail thread", "split-1@fabrikam.example");
        var second = await AddReplyAsync(ticket.Id, "Also: the scanner is broken", 10);
        var third = await AddReplyAsync(ticket.Id, "Scanner: still broken", 20);

        var result = await Scoped<TicketMergeService>().SplitAsync(ticket.Id, second, withLaterMessages: true, "Anna Agent", ticket.Version);

        var split = result.Should().BeOfType<SplitResult.Split>().Subject;
        split.MessagesMoved.Should().Be(2);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var created = await db.Set<Ticket>().SingleAsync(t => t.Id == split.NewTicketId);
        created.Subject.Should().Be("Also: the scanner is broken");
        created.CustomerId.Should().Be(ticket.CustomerId);
        created.TenantId.Should().Be(ticket.TenantId);
        created.RelatedTicketId.Should().Be(ticket.Id);
        created.Number.Should().Be(split.NewTicketNumber);
        (await db.Set<TicketMessage>().Where(m => m.TicketId == split.NewTicketId).Select(m => m.Id).ToListAsync()).Should().BeEquivalentTo([second, third]);
        (await db.Set<TicketMessage>().CountAsync(m => m.TicketId == ticket.Id)).Should().Be(2, "the first mail and the note stay");
        (await db.Set<TimeEntry>().CountAsync(e => e.TicketId == ticket.Id)).Should().Be(2, "time stays with the work it was booked on");
        var history = await db.Set<TicketHistoryEntry>().Where(h => h.Kind == HistoryKind.Split).ToListAsync();
        history.Should().Contain(h => h.TicketId == ticket.Id && h.NewValue == created.Tag);
        history.Should().Contain(h => h.TicketId == created.Id && h.NewValue == ticket.Tag);
    }

    [Fact]
    public async Task Splitting_is_refused_for_every_message_at_once_a_foreign_message_and_a_stale_version()
    {
        var ticket = await DuplicateAsync(9511, "Only one mail", "split-2@fabrikam.example");
        var other = await DuplicateAsync(9512, "Another ticket", "split-3@fabrikam.example");
        int first, foreign;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            first = await db.Set<TicketMessage>().Where(m => m.TicketId == ticket.Id).OrderBy(m => m.Date).ThenBy(m => m.Id).Select(m => m.Id).FirstAsync();
            foreign = await db.Set<TicketMessage>().Where(m => m.TicketId == other.Id).Select(m => m.Id).FirstAsync();
        }
        var merging = Scoped<TicketMergeService>();

        (await merging.SplitAsync(ticket.Id, first, withLaterMessages: true, "Anna")).Should().BeOfType<SplitResult.Refused>()
            .Which.Reason.Should().Contain("leave #9511 empty");
        (await merging.SplitAsync(ticket.Id, foreign, withLaterMessages: false, "Anna")).Should().BeOfType<SplitResult.Refused>()
            .Which.Reason.Should().Contain("not part of #9511");
        (await merging.SplitAsync(ticket.Id, first, withLaterMessages: false, "Anna", ticket.Version + 1)).Should().BeOfType<SplitResult.Refused>()
            .Which.Reason.Should().Contain("changed meanwhile");
        await using var check = await app.DbFactory.CreateDbContextAsync();
        (await check.Set<TicketMessage>().CountAsync(m => m.TicketId == ticket.Id)).Should().Be(2, "nothing moved");
    }
}

public sealed class TicketMergeServiceSqliteTests() : TicketMergeServiceTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class TicketMergeServicePostgresTests() : TicketMergeServiceTests(DatabaseProvider.Postgres);
