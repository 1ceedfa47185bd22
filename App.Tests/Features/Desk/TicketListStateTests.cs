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

    [Fact]
    public async Task A_header_click_sorts_by_its_column_ascending_and_a_second_click_flips_it()
    {
        var state = await SignedInAsync();
        state.FollowUrl("?page=3");

        var bySubject = state.SortedBy(TicketSortField.Subject);
        bySubject.Should().Be(new TicketListPosition(new TicketSort(TicketSortField.Subject, false), 0, TicketListPosition.DefaultPageSize));
        state.MoveTo(bySubject).Should().Be("/tickets?sort=subject&dir=asc");
        state.AriaSortOf(TicketSortField.Subject).Should().Be("ascending");
        state.AriaSortOf(TicketSortField.UpdatedAt).Should().BeNull();

        state.MoveTo(state.SortedBy(TicketSortField.Subject)).Should().Be("/tickets?sort=subject&dir=desc");
        state.AriaSortOf(TicketSortField.Subject).Should().Be("descending");
        state.MoveTo(state.SortedBy(TicketSortField.Subject)).Should().Be("/tickets?sort=subject&dir=asc");
    }

    [Fact]
    public async Task The_default_order_is_newest_change_first_and_says_so_on_its_column()
    {
        var state = await SignedInAsync();
        state.FollowUrl("");

        state.AriaSortOf(TicketSortField.UpdatedAt).Should().Be("descending");
        state.SortedBy(TicketSortField.UpdatedAt).Sort.Should().Be(new TicketSort(TicketSortField.UpdatedAt, false));
        state.MoveTo(state.SortedBy(TicketSortField.UpdatedAt));
        state.SortedBy(TicketSortField.UpdatedAt).Sort.Should().Be(TicketSort.Default);
    }

    [Fact]
    public async Task The_pager_counts_rows_and_pages_and_a_new_page_size_starts_on_the_first_page()
    {
        var state = await SignedInAsync();
        state.FollowUrl("?size=10&page=2");
        await state.LoadAsync(CancellationToken.None);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var total = await db.Set<Ticket>().CountAsync();

        (state.FirstShown, state.LastShown, state.TotalCount).Should().Be((11, 20, total));
        state.PageCount.Should().Be((total + 9) / 10);
        (state.HasPreviousPage, state.HasNextPage, state.HasLastPage).Should().Be((true, true, true));
        state.CountCapReached.Should().BeNull();
        state.AtPage(10_000).Page.Should().Be(state.PageCount - 1, "a page past the end is the last page");
        state.AtPage(-3).Page.Should().Be(0);

        state.MoveTo(state.AtPage(state.PageCount - 1));
        var last = await state.LoadAsync(CancellationToken.None);
        state.LastShown.Should().Be(total);
        last.Should().HaveCount(total - (state.PageCount - 1) * 10);
        (state.HasNextPage, state.HasLastPage).Should().Be((false, false));

        var bigger = state.WithPageSize(50);
        bigger.Should().Be(state.Position with { PageSize = 50, Page = 0 });
        state.MoveTo(bigger).Should().Be("/tickets?size=50");
        state.WithPageSize(7).PageSize.Should().Be(TicketListPosition.DefaultPageSize, "only the offered sizes");
    }

    private async Task<TicketListState> SignedInWithCapAsync(int cap)
    {
        var capped = new TicketService(app.DbFactory, app.Get<TimeProvider>()) { Cap = cap };
        var state = new TicketListState(capped, new LiveTicketRows(),
            new BillingService(app.DbFactory, app.Get<TimeProvider>(), app.Get<TicketChangeNotifier>(), app.Get<QuoteChangeNotifier>()));
        await state.SignInAsync(null);
        return state;
    }

    [Theory]
    [InlineData("?size=10", 5)]
    [InlineData("?size=10", 20_000)]
    [InlineData("?q=the&size=10", 20_000)]
    public async Task A_capped_count_names_the_cap_it_stopped_at(string query, int serviceCap)
    {
        var state = await SignedInWithCapAsync(serviceCap);
        state.FollowUrl(query);
        await state.LoadAsync(CancellationToken.None);

        // The demo data's some 200 tickets reach a cap of 5, but neither 20,000 nor a search's own cap of 1,000.
        state.TotalIsCapped.Should().Be(serviceCap == 5);
        state.CountCapReached.Should().Be(serviceCap == 5 ? 5 : null);
    }

    [Fact]
    public async Task A_search_counts_to_its_own_lower_cap()
    {
        var state = await SignedInWithCapAsync(5);
        state.FollowUrl("?q=printer");
        await state.LoadAsync(CancellationToken.None);

        state.CountCapReached.Should().Be(Math.Min(5, TicketService.SearchCountCap));
        state.HasLastPage.Should().BeFalse("relevance has no reverse order to read the last page from");
    }

    [Fact]
    public async Task The_last_page_past_a_capped_count_is_read_from_the_end_of_the_order()
    {
        var state = await SignedInWithCapAsync(5);
        state.FollowUrl("?status=Open&size=10");
        await state.LoadAsync(CancellationToken.None);
        var everyRow = (await tickets.QueryAsync(state.Filter, null, TicketSort.Default, 0, TicketService.MaxPageSize)).Items;
        everyRow.Count.Should().BeGreaterThan(20).And.BeLessThan(TicketService.MaxPageSize, "the whole list fits one read here");
        (state.HasNextPage, state.HasLastPage).Should().Be((true, true));

        state.MoveTo(state.AtLastPage()).Should().Be("/tickets?status=Open&page=last&size=10");
        var last = await state.LoadAsync(CancellationToken.None);

        last.Select(r => r.Id).Should().Equal(everyRow.TakeLast(10).Select(r => r.Id));
        state.ShowsUncountedLastPage.Should().BeTrue();
        (state.FirstShown, state.LastShown).Should().Be((0, 0), "nobody counted that far");
        (state.HasPreviousPage, state.HasNextPage, state.HasLastPage, state.IsOnFirstPage).Should().Be((false, false, false, false));
        state.MoveTo(state.AtFirstPage());
        (await state.LoadAsync(CancellationToken.None)).Select(r => r.Id).Should().Equal(everyRow.Take(10).Select(r => r.Id),
            "the first page after the last one is not read behind the last one's rows");
    }

    [Fact]
    public async Task A_link_to_the_last_page_opens_it()
    {
        var state = await SignedInAsync();
        state.FollowUrl("?sort=number&dir=asc&page=last&size=10");
        var rows = await state.LoadAsync(CancellationToken.None);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var total = await db.Set<Ticket>().CountAsync();

        rows.Select(r => r.Number).Should().Equal(await db.Set<Ticket>().OrderBy(t => t.Number).Skip((total - 1) / 10 * 10).Select(t => t.Number).ToListAsync());
        state.ShowsUncountedLastPage.Should().BeFalse("the count is exact");
        (state.FirstShown, state.LastShown).Should().Be(((total - 1) / 10 * 10 + 1, total));
        (state.HasPreviousPage, state.HasNextPage, state.HasLastPage).Should().Be((true, false, false));
    }

    [Fact]
    public async Task Rows_selected_stay_selected_across_pages_until_the_filter_changes()
    {
        var state = await SignedInAsync();
        state.FollowUrl("?size=10");
        var first = await state.LoadAsync(CancellationToken.None);

        state.ToggleSelected(first[0]);
        state.ToggleSelected(first[1]);
        state.ToggleSelected(first[1]);
        state.Selected.Select(r => r.Id).Should().Equal(first[0].Id);
        state.IsSelected(first[0].Id).Should().BeTrue();
        state.AllShownSelected.Should().BeFalse();

        state.ToggleAllShown();
        state.AllShownSelected.Should().BeTrue();
        state.Selected.Should().HaveCount(10);

        state.MoveTo(state.AtPage(1));
        await state.LoadAsync(CancellationToken.None);
        state.AllShownSelected.Should().BeFalse();
        state.ToggleAllShown();
        state.Selected.Should().HaveCount(20);
        state.ToggleAllShown();
        state.Selected.Select(r => r.Id).Should().BeEquivalentTo(first.Select(r => r.Id), "clearing a page leaves the other page's rows");

        state.FollowUrl("?size=10").Should().BeFalse("the same filter");
        state.Selected.Should().HaveCount(10);
        state.FollowUrl("?overdue=1").Should().BeTrue();
        state.Selected.Should().BeEmpty();
        state.Position.Page.Should().Be(0, "a new filter starts on its first page");
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
