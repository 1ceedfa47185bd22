using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
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
}
