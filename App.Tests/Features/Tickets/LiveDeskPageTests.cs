using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>The rules by which a desk page follows ticket changes, without a browser or a database.</summary>
public sealed class LiveDeskPageTests
{
    private const int Tenant = 1;
    private static readonly DateTime Noon = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static TicketListRow Row(int id, TicketStatus status, int minutesAgo = 0) =>
        new(id, id, $"Ticket {id}", status, null, null, "T", null, false, Noon.AddMinutes(-minutesAgo), null, Ticket.NoDue, null);

    private static LiveDeskPage Page(TicketListFilter filter, TicketSort sort, params TicketListRow[] rows) =>
        new(filter, new TicketListPosition(sort, 0, 25), [Tenant], rows);

    [Fact]
    public void Ignores_another_tenants_tickets_and_fields_the_list_does_not_show()
    {
        var page = Page(new TicketListFilter(), TicketSort.Default, Row(1, TicketStatus.Open));

        page.MayAffect(new TicketChange(2, TenantId: 2, TicketFields.Subject | TicketFields.Updated, 3)).Should().BeFalse();
        page.MayAffect(new TicketChange(1, Tenant, TicketFields.InternalNote, 3)).Should().BeFalse();
        page.MayAffect(new TicketChange(1, Tenant, TicketFields.Timer, 3)).Should().BeFalse();
        page.MayAffect(new TicketChange(1, Tenant, TicketFields.Subject, 3)).Should().BeTrue();
        page.MayAffect(new TicketChange(2, Tenant, TicketFields.Created, 1)).Should().BeTrue("a new ticket may join the list");
    }

    [Fact]
    public void A_shown_row_is_patched_in_place_or_moved_to_its_new_place_in_the_order()
    {
        var page = Page(new TicketListFilter(), new TicketSort(TicketSortField.Status, Descending: false),
            Row(1, TicketStatus.New), Row(2, TicketStatus.Open), Row(3, TicketStatus.Closed));

        page.Apply(new TicketChange(2, Tenant, TicketFields.Subject, 4), Row(2, TicketStatus.Open) with { Subject = "Renamed" })
            .Should().Be(LiveDeskUpdate.Patched);
        page.Rows.Select(r => r.Subject).Should().Equal("Ticket 1", "Renamed", "Ticket 3");

        page.Apply(new TicketChange(1, Tenant, TicketFields.Status, 5), Row(1, TicketStatus.Closed))
            .Should().Be(LiveDeskUpdate.Patched);
        page.Rows.Select(r => r.Id).Should().Equal(2, 1, 3);
    }

    [Fact]
    public void A_row_that_leaves_the_filter_or_one_that_may_join_it_needs_the_page_again()
    {
        var openOnly = new TicketListFilter { Statuses = new HashSet<TicketStatus> { TicketStatus.Open } };
        var page = Page(openOnly, TicketSort.Default, Row(1, TicketStatus.Open));

        page.Apply(new TicketChange(1, Tenant, TicketFields.Status, 2), row: null).Should().Be(LiveDeskUpdate.Reload);
        page.Apply(new TicketChange(9, Tenant, TicketFields.Status, 2), Row(9, TicketStatus.Open)).Should().Be(LiveDeskUpdate.Reload);
        page.Apply(new TicketChange(8, Tenant, TicketFields.Status, 2), row: null).Should().Be(LiveDeskUpdate.Unchanged);
    }
}
