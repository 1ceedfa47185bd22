using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Desk;

/// <summary>The ticket list's URL, paging and live-update rules without the grid, on the demo data in a real SQLite file.</summary>
public sealed class TicketListStateTests : IAsyncLifetime
{
    private TestServices app = null!;
    private TicketService tickets = null!;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true);
        tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<TicketListState> SignedInAsync()
    {
        var state = new TicketListState(tickets, new LiveTicketRows(),
            new BillingService(app.DbFactory, app.Get<TimeProvider>(), app.Get<TicketChangeNotifier>(), app.Get<QuoteChangeNotifier>()));
        await state.SignInAsync(null);
        return state;
    }

    [Fact]
    public async Task The_url_gives_the_position_once_and_the_filter_every_time()
    {
        var state = await SignedInAsync();

        state.ReadPositionOnce("?sort=subject&dir=asc&page=2&size=10").Should().BeTrue();
        state.ReadPositionOnce("?page=5").Should().BeFalse("afterwards the grid owns sort and page");
        state.Position.Should().Be(new TicketListPosition(new TicketSort(TicketSortField.Subject, false), 1, 10));

        state.FollowFilter("?overdue=1").Should().BeTrue();
        state.Filter.OverdueOnly.Should().BeTrue();
        state.FollowFilter("?overdue=1&page=4").Should().BeFalse("the same filter needs no new read");
        state.FollowFilter("").Should().BeTrue();
        state.Filter.Should().Be(new TicketListFilter());
    }

    [Fact]
    public async Task A_new_filter_starts_on_the_first_page_and_a_move_of_the_grid_is_written_to_the_url_once()
    {
        var state = await SignedInAsync();
        state.ReadPositionOnce("?page=3");

        state.UrlFor(new TicketListFilter { Text = "printer" }).Should().NotContain("page=");

        var moved = state.Position with { Page = 0, PageSize = 50 };
        state.MoveTo(moved).Should().Contain("size=50");
        state.MoveTo(moved).Should().BeNull();
    }

    [Theory]
    [InlineData(nameof(TicketListRow.HandlerName), TicketSortField.Handler)]
    [InlineData(nameof(TicketListRow.CustomerName), TicketSortField.Customer)]
    [InlineData(nameof(TicketListRow.Subject), TicketSortField.Subject)]
    [InlineData("TenantName", TicketSortField.UpdatedAt)]
    public void A_grid_column_sorts_by_its_field_and_an_unknown_one_by_the_default(string column, TicketSortField expected)
    {
        var sort = TicketListState.SortOf(column, descending: true);

        sort.Field.Should().Be(expected);
        sort.Descending.Should().BeTrue();
    }

    [Fact]
    public async Task Only_the_column_the_url_sorts_by_starts_sorted_and_the_default_order_sorts_none()
    {
        var sorted = await SignedInAsync();
        sorted.ReadPositionOnce("?sort=customer&dir=asc");
        var byDefault = await SignedInAsync();
        byDefault.ReadPositionOnce("");

        sorted.InitialDirectionOf(TicketSortField.Customer).Should().Be(MudBlazor.SortDirection.Ascending);
        sorted.InitialDirectionOf(TicketSortField.Subject).Should().Be(MudBlazor.SortDirection.None);
        byDefault.InitialDirectionOf(TicketSortField.UpdatedAt).Should().Be(MudBlazor.SortDirection.None);
    }

    [Fact]
    public async Task The_next_page_follows_the_last_one_without_repeating_a_row()
    {
        var state = await SignedInAsync();
        state.ReadPositionOnce("?size=10");
        var first = await state.LoadAsync(CancellationToken.None);
        state.MoveTo(state.Position with { Page = 1 });

        var second = await state.LoadAsync(CancellationToken.None);

        first.Should().HaveCount(10);
        second.Select(r => r.Id).Should().NotIntersectWith(first.Select(r => r.Id));
        await using var db = await app.DbFactory.CreateDbContextAsync();
        state.TotalCount.Should().Be(await db.Set<Ticket>().CountAsync());
    }

    [Fact]
    public async Task A_subject_change_of_a_row_on_screen_patches_it_and_a_change_of_a_ticket_elsewhere_is_not_considered()
    {
        var state = await SignedInAsync();
        state.ReadPositionOnce("?size=10");
        var rows = await state.LoadAsync(CancellationToken.None);
        var shown = rows[0];
        var original = (await tickets.GetAsync(shown.Id))!.Edit;
        var edit = original.Clone();
        edit.Subject = "Patched live";
        var version = ((SaveTicketResult.Saved)await tickets.SaveAsync(original, edit, "Ben")).Version;
        var change = new TicketChange(shown.Id, 0, TicketFields.Subject | TicketFields.Updated, version);

        state.MayAffect(new TicketsChanged([change, change with { TicketId = int.MaxValue, Fields = TicketFields.Subject }]))
            .Should().ContainSingle().Which.TicketId.Should().Be(shown.Id);
        var update = await state.ApplyAsync(1, [change]);

        update.Should().NotBe(LiveDeskUpdate.Unchanged);
        if (update == LiveDeskUpdate.Patched)
        {
            state.Rows.Single(r => r.Id == shown.Id).Subject.Should().Be("Patched live");
        }
    }
}
