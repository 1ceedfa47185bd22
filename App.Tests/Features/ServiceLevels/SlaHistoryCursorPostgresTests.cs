using BlazorTickets.Data;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.ServiceLevels;

/// <summary>
/// On PostgreSQL history ids are drawn before their transactions commit, so a lower id can become visible after a
/// higher one. The recompute's cursor must wait for it, and pass a gap only once it has stayed long enough to be a
/// rollback.
/// </summary>
[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class SlaHistoryCursorPostgresTests : IAsyncLifetime
{
    private readonly FixedTimeProvider clock = new();
    private TestServices app = null!;
    private int ticketId;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true, clock: clock, provider: DatabaseProvider.Postgres);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        ticketId = await db.Set<Ticket>().OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        while (await Recompute.FollowHistoryAsync() | await Recompute.ContinueTenantRecomputeAsync())
        {
        }
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private SlaRecompute Recompute => app.Get<SlaRecompute>();

    [Fact]
    public async Task The_cursor_waits_for_an_entry_that_commits_after_a_later_one()
    {
        await using var slow = await app.DbFactory.CreateDbContextAsync();
        await using var slowTransaction = await slow.Database.BeginTransactionAsync();
        var early = await AddEntryAsync(slow);
        var late = await AddEntryAsync();
        late.Should().BeGreaterThan(early);

        await Recompute.FollowHistoryAsync();
        (await CursorAsync()).Should().BeLessThan(early, "the earlier entry's transaction has not committed yet");

        await slowTransaction.CommitAsync();
        await Recompute.FollowHistoryAsync();
        (await CursorAsync()).Should().Be(late);
    }

    [Fact]
    public async Task The_cursor_passes_a_rolled_back_entry_after_the_patience_and_not_before()
    {
        long rolledBack;
        await using (var failing = await app.DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await failing.Database.BeginTransactionAsync();
            rolledBack = await AddEntryAsync(failing);
            await transaction.RollbackAsync();
        }
        var after = await AddEntryAsync();

        await Recompute.FollowHistoryAsync();
        clock.Now += SlaRecompute.GapPatience - TimeSpan.FromSeconds(1);
        await Recompute.FollowHistoryAsync();
        (await CursorAsync()).Should().BeLessThan(rolledBack);

        clock.Now += TimeSpan.FromSeconds(2);
        await Recompute.FollowHistoryAsync();
        (await CursorAsync()).Should().Be(after);
    }

    private async Task<long> AddEntryAsync(AppDbContext? db = null)
    {
        var own = db is null ? await app.DbFactory.CreateDbContextAsync() : null;
        try
        {
            var entry = new TicketHistoryEntry
            {
                TicketId = ticketId, At = clock.GetUtcNow().UtcDateTime, ActorKind = ActorKind.System, ActorName = "test",
                Kind = HistoryKind.Status, Field = nameof(Ticket.Status), OldValue = "Open", NewValue = "Open",
            };
            (db ?? own!).Add(entry);
            await (db ?? own!).SaveChangesAsync();
            return entry.Id;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    private async Task<long> CursorAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<SlaProgress>().Select(p => p.LastHistoryId).SingleAsync();
    }
}
