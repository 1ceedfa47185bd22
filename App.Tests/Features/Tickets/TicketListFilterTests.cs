using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Tests.Features.Tickets;

public sealed class TicketListFilterTests
{
    [Fact]
    public void A_filter_with_every_field_set_survives_the_round_trip_through_the_url()
    {
        var filter = new TicketListFilter
        {
            Statuses = new HashSet<TicketStatus> { TicketStatus.Closed, TicketStatus.New, TicketStatus.WaitingForCustomer },
            HandlerId = "3f2c-user id",
            MineOnly = true,
            UnassignedOnly = true,
            CustomerId = 17,
            TenantId = 2,
            OverdueOnly = true,
            Text = "VPN & Co #1001 50%",
        };

        var query = filter.ToQuery();
        var back = TicketListFilter.FromQuery(query);

        back.Should().Be(filter);
        back.Statuses.Should().BeEquivalentTo(filter.Statuses);
        back.HandlerId.Should().Be("3f2c-user id");
        back.CustomerId.Should().Be(17);
        back.TenantId.Should().Be(2);
        back.Text.Should().Be("VPN & Co #1001 50%");
        back.MineOnly.Should().BeTrue();
        back.UnassignedOnly.Should().BeTrue();
        back.OverdueOnly.Should().BeTrue();
    }

    [Fact]
    public void The_query_lists_statuses_in_a_fixed_order_so_equal_filters_give_equal_urls()
    {
        var a = new TicketListFilter { Statuses = new HashSet<TicketStatus> { TicketStatus.Closed, TicketStatus.Open } };
        var b = new TicketListFilter { Statuses = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.Closed } };

        a.ToQuery().Should().Be(b.ToQuery()).And.Be("?status=Open,Closed");
    }

    [Fact]
    public void The_empty_filter_has_an_empty_query_and_reads_back_as_empty()
    {
        new TicketListFilter().ToQuery().Should().BeEmpty();
        TicketListFilter.FromQuery("").Should().Be(new TicketListFilter());
        TicketListFilter.FromQuery("?").Should().Be(new TicketListFilter());
    }

    [Fact]
    public void Special_characters_in_the_text_are_escaped_in_the_query()
    {
        var query = new TicketListFilter { Text = "a&b=c #1" }.ToQuery();

        query.Should().NotContain("&b").And.NotContain("#");
        TicketListFilter.FromQuery(query).Text.Should().Be("a&b=c #1");
    }

    [Fact]
    public void Bad_values_in_the_url_are_ignored_and_good_ones_kept()
    {
        var filter = TicketListFilter.FromQuery("?status=Open,Bogus,,99,closed&customer=abc&tenant=1.5&mine=yes&unassigned=0&overdue=1&q=%20%20&handler=");

        filter.Statuses.Should().BeEquivalentTo([TicketStatus.Open, TicketStatus.Closed]);
        filter.CustomerId.Should().BeNull();
        filter.TenantId.Should().BeNull();
        filter.MineOnly.Should().BeFalse();
        filter.UnassignedOnly.Should().BeFalse();
        filter.OverdueOnly.Should().BeTrue();
        filter.Text.Should().BeNull();
        filter.HandlerId.Should().BeNull();
    }

    [Fact]
    public void Unknown_parameters_are_ignored()
    {
        TicketListFilter.FromQuery("?page=3&sort=subject&utm_source=mail").Should().Be(new TicketListFilter());
    }

    [Fact]
    public void Filters_that_differ_in_one_field_are_not_equal()
    {
        var filter = new TicketListFilter { Text = "vpn", CustomerId = 3 };

        filter.Should().Be(filter with { });
        filter.Should().NotBe(filter with { CustomerId = 4 });
        filter.Should().NotBe(filter with { OverdueOnly = true });
    }

    [Fact]
    public void Sort_page_and_page_size_survive_the_round_trip_through_the_url_next_to_the_filter()
    {
        var filter = new TicketListFilter { Text = "vpn", OverdueOnly = true };
        var position = new TicketListPosition(new TicketSort(TicketSortField.Subject, Descending: false), Page: 2, PageSize: 50);

        var query = position.ToQuery(filter);

        query.Should().Be("?overdue=1&q=vpn&sort=subject&dir=asc&page=3&size=50");
        TicketListFilter.FromQuery(query).Should().Be(filter);
        TicketListPosition.FromQuery(query).Should().Be(position);
    }

    [Fact]
    public void The_default_position_adds_nothing_to_the_url_and_reads_back_as_default()
    {
        TicketListPosition.Default.ToQuery(new TicketListFilter { MineOnly = true }).Should().Be("?mine=1");
        TicketListPosition.FromQuery("?mine=1").Should().Be(TicketListPosition.Default);
        TicketListPosition.FromQuery("").Should().Be(TicketListPosition.Default);
    }

    [Fact]
    public void Bad_sort_and_page_values_in_the_url_fall_back_to_the_defaults()
    {
        var position = TicketListPosition.FromQuery("?sort=password&dir=sideways&page=-4&size=100000");

        position.Should().Be(TicketListPosition.Default);
        TicketListPosition.FromQuery("?sort=EXPECTEDDATE&page=0&size=10")
            .Should().Be(new TicketListPosition(new TicketSort(TicketSortField.ExpectedDate, Descending: true), 0, 10));
    }
}
