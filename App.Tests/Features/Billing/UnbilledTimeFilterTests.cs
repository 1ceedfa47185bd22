using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>The ticket list's "Tickets with unbilled time" filter and its hours and amount column.</summary>
public sealed class UnbilledTimeFilterTests : IAsyncLifetime
{
    private BillingWorld world = null!;

    public async Task InitializeAsync() => world = await BillingWorld.CreateAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task Shows_consenting_tickets_with_billable_unbilled_time_with_hours_and_amount_and_drops_them_once_billed()
    {
        var unbilled = await world.TicketAsync(world.CustomerA);
        var noConsent = await world.TicketAsync(world.CustomerA, consent: false);
        var onlyNonBillable = await world.TicketAsync(world.CustomerA);
        var noTime = await world.TicketAsync(world.CustomerA);
        await world.EntryAsync(unbilled, world.Anna, 90);   // 1.50 h × 95 = 142.50
        await world.EntryAsync(unbilled, world.Carla, 20);  // 0.33 h × 120 = 39.60
        await world.EntryAsync(unbilled, world.Anna, 30, billable: false);
        await world.EntryAsync(noConsent, world.Anna, 60);
        await world.EntryAsync(onlyNonBillable, world.Anna, 60, billable: false);
        var filter = new TicketListFilter { UnbilledOnly = true };
        var list = await SignedInListAsync();

        list.FollowFilter(filter.ToQuery());
        var rows = await list.LoadAsync(CancellationToken.None);

        rows.Should().ContainSingle().Which.Id.Should().Be(unbilled);
        list.UnbilledOf(unbilled).Should().Be(new UnbilledAmount(1.83m, 182.10m, "EUR"));
        list.TotalCount.Should().Be(1);
        (await world.Tickets.QueryIdsAsync(filter, world.Anna)).Should().Equal(unbilled);

        list.FollowFilter("");
        (await list.LoadAsync(CancellationToken.None)).Should().Contain(r => r.Id == noTime);
        list.UnbilledOf(unbilled).Should().BeNull("the column belongs to the filter");

        await world.Billing.BillAsync([unbilled], world.Anna);

        (await world.Tickets.QueryAsync(filter, world.Anna, TicketSort.Default, 0, 25)).TotalCount.Should().Be(0);
    }

    [Fact]
    public async Task Time_booked_on_a_shown_ticket_updates_its_unbilled_amount_without_reading_the_page_again()
    {
        var ticket = await world.TicketAsync(world.CustomerA);
        await world.EntryAsync(ticket, world.Anna, 60);     // 1.00 h × 95
        var list = await SignedInListAsync();
        list.FollowFilter(new TicketListFilter { UnbilledOnly = true }.ToQuery());
        await list.LoadAsync(CancellationToken.None);
        list.UnbilledOf(ticket).Should().Be(new UnbilledAmount(1.00m, 95.00m, "EUR"));
        var heard = new TaskCompletionSource<TicketsChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = world.Notifier.Subscribe(change =>
        {
            if (change.Of(ticket) is { } mine && mine.Touches(TicketFields.TimeEntries)) heard.TrySetResult(change);
            return Task.CompletedTask;
        });

        await world.EntryAsync(ticket, world.Anna, 30);    // + 0.50 h × 95
        var change = await heard.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var update = await list.ApplyAsync(change.Sequence, list.MayAffect(change));

        update.Should().Be(LiveDeskUpdate.Patched);
        list.UnbilledOf(ticket).Should().Be(new UnbilledAmount(1.50m, 142.50m, "EUR"));
    }

    private async Task<TicketListState> SignedInListAsync()
    {
        var list = new TicketListState(world.Tickets, new LiveTicketRows(), world.Billing);
        await list.SignInAsync(world.Anna);
        return list;
    }

    [Fact]
    public void The_filter_round_trips_through_the_url()
    {
        var filter = new TicketListFilter { UnbilledOnly = true, Text = "printer" };

        var query = filter.ToQuery();

        query.Should().Contain("unbilled=1");
        TicketListFilter.FromQuery(query).Should().Be(filter);
        TicketListFilter.FromQuery("?q=printer").UnbilledOnly.Should().BeFalse();
    }

    [Fact]
    public void The_quote_filter_round_trips_through_the_url()
    {
        var filter = new QuoteListFilter { Status = QuoteStatus.Sent, CustomerId = 7, TenantId = 2, From = new DateOnly(2026, 1, 1), To = new DateOnly(2026, 3, 31) };

        QuoteListFilter.FromQuery(filter.ToQuery()).Should().Be(filter);
        filter.ToQuery().Should().Be("?status=Sent&customer=7&tenant=2&from=2026-01-01&to=2026-03-31");
    }
}
