using System.Data.Common;
using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>
/// A bill run holds the write lock (SQLite) or the billing lock (PostgreSQL) from its start, so a rival cannot get in
/// between. These tests force the rival in anyway, right before the run's claiming UPDATE, as a database with weaker
/// isolation would allow: the conditional update and the sums over the claimed rows must still bill nothing twice and
/// leave nothing empty.
/// </summary>
public abstract class LostRaceTests(DatabaseProvider provider) : IAsyncLifetime
{
    private BillingWorld world = null!;

    public async Task InitializeAsync() => world = await BillingWorld.CreateAsync(provider);

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task Entries_a_rival_claimed_first_stay_with_the_rival_and_the_lines_count_only_what_this_run_claimed()
    {
        var partly = await world.TicketAsync(world.CustomerA);
        var wholly = await world.TicketAsync(world.CustomerA);
        var kept1 = await world.EntryAsync(partly, world.Anna, 60);
        var kept2 = await world.EntryAsync(partly, world.Anna, 30);
        var stolen1 = await world.EntryAsync(partly, world.Anna, 45);
        var stolen2 = await world.EntryAsync(wholly, world.Anna, 120);
        var rivalLine = await RivalLineAsync(partly);

        var result = await BillingWithRivalAsync(rivalLine, stolen1, stolen2).BillAsync([partly, wholly], world.Anna);

        result.EntriesBilled.Should().Be(2);
        var quote = (await world.Quotes.GetAsync(result.Quotes.Single().QuoteId))!;
        quote.Lines.Should().ContainSingle("the wholly stolen ticket leaves no empty line")
            .Which.Should().Match<QuoteLineView>(l => l.TicketId == partly && l.Hours == 1.50m && l.Amount == 142.50m && l.EntryCount == 2);
        quote.Net.Should().Be(142.50m);
        (await world.LineOfAsync(kept1)).Should().Be(quote.Lines[0].Id);
        (await world.LineOfAsync(kept2)).Should().Be(quote.Lines[0].Id);
        (await world.LineOfAsync(stolen1)).Should().Be(rivalLine);
        (await world.LineOfAsync(stolen2)).Should().Be(rivalLine);
    }

    [Fact]
    public async Task A_run_that_lost_every_entry_leaves_no_quote_and_takes_no_number()
    {
        var ticket = await world.TicketAsync(world.CustomerB);
        var stolen = await world.EntryAsync(ticket, world.Anna, 60);
        var rivalLine = await RivalLineAsync(ticket);

        var lost = await BillingWithRivalAsync(rivalLine, stolen).BillAsync([ticket], world.Anna);

        lost.Quotes.Should().BeEmpty();
        lost.EntriesBilled.Should().Be(0);
        lost.Skipped.Should().ContainSingle().Which.Should().Match<SkippedTicket>(
            s => s.TicketId == ticket && s.Reason == SkipReasons.AlreadyBilled && s.QuoteNumber == "RIVAL", "the clerk learns why nothing was billed");
        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<Quote>().CountAsync()).Should().Be(1, "only the rival's quote");
            (await db.Set<QuoteLine>().CountAsync()).Should().Be(1);
        }
        var other = await world.TicketAsync(world.CustomerB);
        await world.EntryAsync(other, world.Anna, 60);
        (await world.Billing.BillAsync([other], world.Anna)).Quotes.Single().Number.Should().Be("Q-2026-0001");
    }

    /// <summary>The rival's quote and line, as another clerk's run would have made them.</summary>
    private async Task<int> RivalLineAsync(int ticketId)
    {
        await using var db = await world.DbFactory.CreateDbContextAsync();
        var quote = new Quote { Number = "RIVAL", TenantId = world.TenantId, CustomerId = world.CustomerA, CreatedAt = DateTime.UtcNow };
        var line = new QuoteLine { Quote = quote, TicketId = ticketId, UserGroupId = world.SupportGroup, Text = "rival" };
        db.Set<QuoteLine>().Add(line);
        await db.SaveChangesAsync();
        return line.Id;
    }

    private BillingService BillingWithRivalAsync(int rivalLine, params int[] entryIds) =>
        new(world.App.DbFactoryWith(new RivalClaimsFirst(rivalLine, entryIds)), world.Clock, world.Notifier, world.QuoteNotifier);

    /// <summary>Links the given entries to the rival's line just before the run's claiming UPDATE runs.</summary>
    private sealed class RivalClaimsFirst(int rivalLine, int[] entryIds) : DbCommandInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.TrimStart().StartsWith("UPDATE \"TimeEntries\" AS e", StringComparison.Ordinal))
            {
                await using var rival = command.Connection!.CreateCommand();
                rival.Transaction = command.Transaction;
                rival.CommandText = $"UPDATE \"TimeEntries\" SET \"QuoteLineId\" = {rivalLine} WHERE \"Id\" IN ({string.Join(",", entryIds)})";
                await rival.ExecuteNonQueryAsync(cancellationToken);
            }
            return result;
        }
    }
}

public sealed class LostRaceSqliteTests() : LostRaceTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class LostRacePostgresTests() : LostRaceTests(DatabaseProvider.Postgres);
