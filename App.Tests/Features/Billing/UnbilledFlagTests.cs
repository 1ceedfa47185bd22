using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>
/// <see cref="Ticket.HasUnbilledTime"/>, which the unbilled filter reads, stays equal to "has a billable entry not on a
/// quote" through every kind of write to the time entries (kept by the triggers of <see cref="TicketUnbilledSql"/>).
/// </summary>
public sealed class UnbilledFlagTests : IAsyncLifetime
{
    private BillingWorld world = null!;

    public async Task InitializeAsync() => world = await BillingWorld.CreateAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task The_flag_follows_entries_added_billed_unbilled_toggled_moved_and_deleted()
    {
        var first = await world.TicketAsync(world.CustomerA);
        var second = await world.TicketAsync(world.CustomerA);
        await ShouldBeUnbilledAsync();

        var billable = await world.EntryAsync(first, world.Anna, 30);
        await world.EntryAsync(second, world.Anna, 15, billable: false);
        await ShouldBeUnbilledAsync(first);

        await world.Billing.BillAsync([first], world.Anna);
        await ShouldBeUnbilledAsync();

        // Deleting the quote's line frees its entries again (ON DELETE SET NULL).
        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            var line = await world.LineOfAsync(billable);
            line.Should().NotBeNull();
            await db.Set<QuoteLine>().Where(l => l.Id == line).ExecuteDeleteAsync();
        }
        await ShouldBeUnbilledAsync(first);

        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            await db.Set<TimeEntry>().Where(e => e.Id == billable).ExecuteUpdateAsync(s => s.SetProperty(e => e.TicketId, second));
        }
        await ShouldBeUnbilledAsync(second);

        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            await db.Set<TimeEntry>().Where(e => e.TicketId == second).ExecuteUpdateAsync(s => s.SetProperty(e => e.Billable, false));
        }
        await ShouldBeUnbilledAsync();

        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            await db.Set<TimeEntry>().Where(e => e.TicketId == second).ExecuteUpdateAsync(s => s.SetProperty(e => e.Billable, true));
        }
        await ShouldBeUnbilledAsync(second);

        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            await db.Set<TimeEntry>().Where(e => e.Id == billable).ExecuteDeleteAsync();
        }
        await ShouldBeUnbilledAsync(second);

        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            await db.Set<TimeEntry>().Where(e => e.TicketId == second).ExecuteDeleteAsync();
        }
        await ShouldBeUnbilledAsync();
    }

    /// <summary>The flag is set on exactly these tickets, and they are exactly the ones the entries say.</summary>
    private async Task ShouldBeUnbilledAsync(params int[] ticketIds)
    {
        await using var db = await world.DbFactory.CreateDbContextAsync();
        var flagged = await db.Set<Ticket>().Where(t => t.HasUnbilledTime).Select(t => t.Id).OrderBy(id => id).ToListAsync();
        var fromEntries = await db.Set<Ticket>()
            .Where(t => db.Set<TimeEntry>().Any(e => e.TicketId == t.Id && e.Billable && e.QuoteLineId == null))
            .Select(t => t.Id).OrderBy(id => id).ToListAsync();
        flagged.Should().Equal(fromEntries);
        flagged.Should().Equal(ticketIds.Order());
    }
}
