using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using BlazorTickets.Features.TimeTracking;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tickets;

public sealed class TicketChangeNotifierTests(SeededDatabaseFixture fixture) : IClassFixture<SeededDatabaseFixture>
{
    private TestServices App => fixture.Services;

    private List<int> Record()
    {
        var published = new List<int>();
        App.Get<TicketChangeNotifier>().Subscribe(change =>
        {
            lock (published)
            {
                published.AddRange(change.TicketIds);
            }
            return Task.CompletedTask;
        });
        return published;
    }

    private static async Task<Ticket> TicketAsync(DbContext db, int number) =>
        await db.Set<Ticket>().SingleAsync(t => t.Number == number);

    [Fact]
    public async Task A_save_publishes_the_changed_ticket()
    {
        var published = Record();
        await using var db = await App.DbFactory.CreateDbContextAsync();
        var ticket = await TicketAsync(db, 1020);

        ticket.InternalNote = "changed";
        await db.SaveChangesAsync();

        published.Should().Contain(ticket.Id);
    }

    [Fact]
    public async Task Inside_a_transaction_the_change_is_published_only_after_the_commit()
    {
        var published = Record();
        await using var db = await App.DbFactory.CreateDbContextAsync();
        var ticket = await TicketAsync(db, 1021);
        await using var transaction = await db.Database.BeginTransactionAsync();

        ticket.InternalNote = "changed in a transaction";
        await db.SaveChangesAsync();
        var beforeCommit = published.ToList();
        await transaction.CommitAsync();

        beforeCommit.Should().NotContain(ticket.Id, "a list reloading now would not see the uncommitted row");
        published.Should().Contain(ticket.Id);
    }

    [Fact]
    public async Task A_rolled_back_change_is_never_published()
    {
        var published = Record();
        await using var db = await App.DbFactory.CreateDbContextAsync();
        var ticket = await TicketAsync(db, 1022);
        await using var transaction = await db.Database.BeginTransactionAsync();

        ticket.InternalNote = "never committed";
        await db.SaveChangesAsync();
        await transaction.RollbackAsync();

        published.Should().NotContain(ticket.Id);
    }

    private List<TicketChange> RecordChanges()
    {
        var published = new List<TicketChange>();
        App.Get<TicketChangeNotifier>().Subscribe(change =>
        {
            lock (published)
            {
                published.AddRange(change.Changes);
            }
            return Task.CompletedTask;
        });
        return published;
    }

    private static async Task<TicketChange> ChangeOfAsync(List<TicketChange> published, int ticketId)
    {
        for (var waited = 0; waited < 100; waited++)
        {
            lock (published)
            {
                if (published.FirstOrDefault(c => c.TicketId == ticketId) is { } change)
                {
                    return change;
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No change of ticket {ticketId} was published.");
    }

    [Fact]
    public async Task A_save_names_the_changed_fields_the_tenant_and_the_new_version()
    {
        var published = RecordChanges();
        await using var db = await App.DbFactory.CreateDbContextAsync();
        var ticket = await TicketAsync(db, 1023);
        var versionBefore = ticket.Version;

        ticket.Subject += " (changed)";
        ticket.Status = ticket.Status == TicketStatus.Closed ? TicketStatus.Open : TicketStatus.Closed;
        await db.SaveChangesAsync();

        var change = await ChangeOfAsync(published, ticket.Id);
        change.Fields.Should().Be(TicketFields.Subject | TicketFields.Status);
        change.TenantId.Should().Be(ticket.TenantId);
        change.Version.Should().Be(versionBefore + 1);
    }

    [Fact]
    public async Task An_internal_note_is_an_internal_message_and_not_a_message_the_customer_sees()
    {
        var published = RecordChanges();
        await using var db = await App.DbFactory.CreateDbContextAsync();
        var ticketId = (await TicketAsync(db, 1024)).Id;
        var agent = await db.Users.FirstAsync();

        await new TicketService(App.DbFactory, App.Get<TimeProvider>()).AddInternalNoteAsync(ticketId, "only for agents", agent.Id, agent.DisplayName);

        var change = await ChangeOfAsync(published, ticketId);
        change.Fields.Should().HaveFlag(TicketFields.InternalMessages).And.HaveFlag(TicketFields.Updated);
        change.Touches(TicketFields.PortalVisible).Should().BeFalse("the customer sees neither internal notes nor who updated last");
    }

    [Fact]
    public async Task A_time_entry_saved_without_its_ticket_gets_the_tenant_and_version_from_the_database()
    {
        var published = RecordChanges();
        await using var db = await App.DbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Number == 1025);
        var agent = await db.Users.FirstAsync();

        db.Add(new TimeEntry { TicketId = ticket.Id, UserId = agent.Id, Start = DateTime.UtcNow.AddHours(-1), End = DateTime.UtcNow, Minutes = 60 });
        await db.SaveChangesAsync();

        var change = await ChangeOfAsync(published, ticket.Id);
        change.Fields.Should().Be(TicketFields.TimeEntries);
        change.TenantId.Should().Be(ticket.TenantId);
        change.Version.Should().Be(ticket.Version);
    }
}
