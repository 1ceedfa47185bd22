using BlazorTickets.Data;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>
/// <see cref="TicketService.QueryAsync"/> on the demo data, each result checked against the same rows filtered and
/// sorted in memory with plain LINQ.
/// </summary>
public abstract class TicketQueryTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : SeededDatabaseFixture
{
    private static readonly TicketSort ByNumber = new(TicketSortField.Number, false);

    private TestServices Services => fixture.Services;

    [Fact]
    public async Task Without_a_filter_every_ticket_is_listed()
    {
        var all = await SnapshotAsync();

        var result = await QueryAsync(new TicketListFilter());

        result.TotalCount.Should().Be(all.Count).And.Be(200);
        result.Items.Select(r => r.Id).Should().BeEquivalentTo(all.Select(t => t.Id));
    }

    [Fact]
    public async Task Status_filter_with_several_statuses_lists_tickets_in_any_of_them()
    {
        var all = await SnapshotAsync();
        var statuses = new HashSet<TicketStatus> { TicketStatus.New, TicketStatus.WaitingForCustomer, TicketStatus.Closed };

        var result = await QueryAsync(new TicketListFilter { Statuses = statuses });

        ShouldMatch(result, all, t => statuses.Contains(t.Status));
        result.Items.Select(r => r.Status).Distinct().Should().BeEquivalentTo(statuses);
    }

    [Fact]
    public async Task Handler_filter_lists_only_that_agents_tickets()
    {
        var all = await SnapshotAsync();
        var anna = await UserIdAsync("anna@contoso.example");

        var result = await QueryAsync(new TicketListFilter { HandlerId = anna });

        ShouldMatch(result, all, t => t.HandlerId == anna);
        result.Items.Should().OnlyContain(r => r.HandlerName == "Anna Agent");
    }

    [Fact]
    public async Task Mine_lists_the_tickets_I_handle_and_the_ones_I_watch()
    {
        var all = await SnapshotAsync();
        // Someone who watches a ticket they do not handle, so "watch" really adds rows.
        var me = all.SelectMany(t => t.Watchers.Where(w => w.UserId != t.HandlerId)).Select(w => w.UserId).First();
        var handledByMe = all.Count(t => t.HandlerId == me);

        var result = await QueryAsync(new TicketListFilter { MineOnly = true }, currentUserId: me);

        ShouldMatch(result, all, t => t.HandlerId == me || t.Watchers.Any(w => w.UserId == me));
        result.TotalCount.Should().BeGreaterThan(handledByMe);
    }

    [Fact]
    public async Task Mine_without_a_signed_in_user_lists_nothing()
    {
        var result = await QueryAsync(new TicketListFilter { MineOnly = true }, currentUserId: null);

        result.TotalCount.Should().Be(0);
        result.Items.Should().BeEmpty();
    }

    [Fact]
    public async Task Unassigned_lists_tickets_without_a_handler()
    {
        var all = await SnapshotAsync();

        var result = await QueryAsync(new TicketListFilter { UnassignedOnly = true });

        ShouldMatch(result, all, t => t.HandlerId == null);
        result.Items.Should().OnlyContain(r => r.HandlerName == null);
    }

    [Fact]
    public async Task Customer_filter_includes_tickets_the_customer_is_only_assigned_to()
    {
        var all = await SnapshotAsync();
        var customerId = all.SelectMany(t => t.AssignedCustomers.Where(c => c.CustomerId != t.CustomerId)).Select(c => c.CustomerId).First();

        var result = await QueryAsync(new TicketListFilter { CustomerId = customerId });

        ShouldMatch(result, all, t => t.CustomerId == customerId || t.AssignedCustomers.Any(c => c.CustomerId == customerId));
        var assignedOnly = all.Where(t => t.CustomerId != customerId && t.AssignedCustomers.Any(c => c.CustomerId == customerId)).Select(t => t.Id);
        result.Items.Select(r => r.Id).Should().Contain(assignedOnly);
    }

    [Fact]
    public async Task Tenant_filter_lists_that_tenants_tickets_only()
    {
        // The demo has one tenant, so this needs a database of its own with two.
        await using var services = await TestServices.CreateAsync(provider: fixture.Provider);
        var contoso = await AddTicketsAsync(services, ["Contoso 1", "Contoso 2", "Contoso 3"], "Contoso");
        var fabrikam = await AddTicketsAsync(services, ["Fabrikam 1", "Fabrikam 2"], "Fabrikam", firstNumber: 6001);

        var ofContoso = await QueryAsync(services, new TicketListFilter { TenantId = contoso });
        var ofFabrikam = await QueryAsync(services, new TicketListFilter { TenantId = fabrikam });
        var ofUnknown = await QueryAsync(services, new TicketListFilter { TenantId = fabrikam + 1000 });

        ofContoso.Items.Select(r => (r.Subject, r.TenantName)).Should().Equal(("Contoso 1", "Contoso"), ("Contoso 2", "Contoso"), ("Contoso 3", "Contoso"));
        ofFabrikam.Items.Select(r => (r.Subject, r.TenantName)).Should().Equal(("Fabrikam 1", "Fabrikam"), ("Fabrikam 2", "Fabrikam"));
        ofUnknown.TotalCount.Should().Be(0);
    }

    [Fact]
    public async Task Overdue_lists_open_tickets_whose_expected_date_is_before_today()
    {
        var all = await SnapshotAsync();
        var today = Today();

        var result = await QueryAsync(new TicketListFilter { OverdueOnly = true });

        ShouldMatch(result, all, t => t.ExpectedDate < today && t.Status != TicketStatus.Closed);
        result.Items.Should().OnlyContain(r => r.IsOverdue);
    }

    [Fact]
    public async Task Rows_flag_overdue_exactly_when_the_overdue_filter_would_list_them()
    {
        var all = (await SnapshotAsync()).ToDictionary(t => t.Id);
        var today = Today();

        var result = await QueryAsync(new TicketListFilter());

        result.Items.Should().Contain(r => r.IsOverdue).And.Contain(r => !r.IsOverdue);
        result.Items.Should().OnlyContain(r => r.IsOverdue == (all[r.Id].ExpectedDate < today && all[r.Id].Status != TicketStatus.Closed));
    }

    [Theory]
    [InlineData("#1001")]
    [InlineData("1001")]
    [InlineData(" #1001 ")]
    public async Task Text_with_a_ticket_number_finds_that_ticket(string text)
    {
        var result = await QueryAsync(new TicketListFilter { Text = text });

        result.Items.Should().ContainSingle().Which.Number.Should().Be(1001);
    }

    [Theory]
    [InlineData("VPN")]
    [InlineData("vpn disconnects")]
    [InlineData("invoice")]
    public async Task Text_matches_the_words_of_the_subject_ignoring_case(string text)
    {
        var documents = await SearchReference.LoadAsync(Services.DbFactory);

        var result = await QueryAsync(new TicketListFilter { Text = text });

        ShouldMatch(result, await SnapshotAsync(), t => SearchReference.Find(documents, text).Contains(t.Id));
        result.Items.Should().Contain(r => r.Subject.Contains(text.Split(' ')[0], StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("Mustermann")]
    [InlineData("northwind")]
    public async Task Text_matches_the_customers_name_or_company(string text)
    {
        var all = await SnapshotAsync();
        var documents = await SearchReference.LoadAsync(Services.DbFactory);

        var result = await QueryAsync(new TicketListFilter { Text = text });

        ShouldMatch(result, all, t => SearchReference.Find(documents, text).Contains(t.Id));
        var ofThatCustomer = all.Where(t => t.Customer != null && (Contains(t.Customer.Name, text) || Contains(t.Customer.Company, text))).Select(t => t.Id);
        result.Items.Select(r => r.Id).Should().Contain(ofThatCustomer).And.NotBeEmpty();
    }

    [Fact]
    public async Task Filters_combine_so_a_ticket_must_pass_all_of_them()
    {
        var all = await SnapshotAsync();
        var documents = await SearchReference.LoadAsync(Services.DbFactory);
        var anna = await UserIdAsync("anna@contoso.example");
        var statuses = new HashSet<TicketStatus> { TicketStatus.InProgress, TicketStatus.Answered };
        var matching = SearchReference.Find(documents, "the").ToHashSet();

        var result = await QueryAsync(new TicketListFilter { Statuses = statuses, HandlerId = anna, Text = "the" });

        ShouldMatch(result, all, t => statuses.Contains(t.Status) && t.HandlerId == anna && matching.Contains(t.Id));
    }

    [Fact]
    public async Task Pages_do_not_overlap_and_together_list_every_ticket_once()
    {
        const int pageSize = 30;
        var full = await QueryAsync(new TicketListFilter(), sort: TicketSort.Default);

        var pages = new List<PagedResult<TicketListRow>>();
        for (var page = 0; page < 7; page++)
        {
            pages.Add(await QueryPageAsync(new TicketListFilter(), null, TicketSort.Default, page, pageSize));
        }
        var beyondTheEnd = await QueryPageAsync(new TicketListFilter(), null, TicketSort.Default, 7, pageSize);

        pages.Should().OnlyContain(p => p.TotalCount == 200);
        pages.Take(6).Should().OnlyContain(p => p.Items.Count == pageSize);
        pages[6].Items.Should().HaveCount(200 - 6 * pageSize);
        pages.SelectMany(p => p.Items).Select(r => r.Id).Should().Equal(full.Items.Select(r => r.Id)).And.OnlyHaveUniqueItems();
        beyondTheEnd.Items.Should().BeEmpty();
        beyondTheEnd.TotalCount.Should().Be(200);
    }

    [Fact]
    public async Task Paging_counts_the_filtered_rows_not_all_rows()
    {
        var all = await SnapshotAsync();
        var filter = new TicketListFilter { Statuses = new HashSet<TicketStatus> { TicketStatus.Open } };

        var firstPage = await QueryPageAsync(filter, null, ByNumber, 0, 5);

        firstPage.TotalCount.Should().Be(all.Count(t => t.Status == TicketStatus.Open));
        firstPage.Items.Select(r => r.Number).Should().Equal(all.Where(t => t.Status == TicketStatus.Open).Select(t => t.Number).Order().Take(5));
    }

    public static TheoryData<TicketSortField, bool> AllSorts()
    {
        var data = new TheoryData<TicketSortField, bool>();
        foreach (var field in Enum.GetValues<TicketSortField>())
        {
            data.Add(field, false);
            data.Add(field, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllSorts))]
    public async Task Sorting_orders_by_the_field_then_by_id_in_the_same_direction(TicketSortField field, bool descending)
    {
        var all = await SnapshotAsync();

        var result = await QueryAsync(new TicketListFilter(), sort: new TicketSort(field, descending));

        result.Items.Select(r => r.Id).Should().Equal(SortInMemory(all, field, descending, nullsLargest: fixture.Provider == DatabaseProvider.Postgres).Select(t => t.Id));
    }

    [Fact]
    public async Task A_page_size_below_one_returns_one_row_and_a_negative_page_the_first_page()
    {
        var full = await QueryAsync(new TicketListFilter(), sort: ByNumber);

        var zeroSize = await QueryPageAsync(new TicketListFilter(), null, ByNumber, 0, 0);
        var negativePage = await QueryPageAsync(new TicketListFilter(), null, ByNumber, -3, 10);

        zeroSize.Items.Select(r => r.Id).Should().Equal(full.Items.Take(1).Select(r => r.Id));
        negativePage.Items.Select(r => r.Id).Should().Equal(full.Items.Take(10).Select(r => r.Id));
    }

    [Fact]
    public async Task A_page_size_above_the_maximum_is_cut_to_the_maximum()
    {
        await using var services = await TestServices.CreateAsync(provider: fixture.Provider);
        await AddTicketsAsync(services, Enumerable.Range(1, TicketService.MaxPageSize + 5).Select(i => $"Ticket {i}"));

        var result = await QueryPageAsync(services, new TicketListFilter(), null, ByNumber, 0, 10_000);

        result.TotalCount.Should().Be(TicketService.MaxPageSize + 5);
        result.Items.Should().HaveCount(TicketService.MaxPageSize);
    }

    [Theory]
    [InlineData("50%", "Discount 50% on all chairs")]
    [InlineData("file_name", "Upload: file_name is too long")]
    [InlineData(@"C:\temp", @"Disk C:\temp is full")]
    public async Task Punctuation_in_the_search_text_separates_words_as_it_does_in_the_text(string text, string match)
    {
        await using var services = await TestServices.CreateAsync(provider: fixture.Provider);
        await AddTicketsAsync(services,
        [
            "Discount 50% on all chairs",
            "Discount 500 on all chairs",
            "Upload: file_name is too long",
            "Upload: filename is too long",
            @"Disk C:\temp is full",
            "Disk D:/temp is full",
        ]);

        var result = await QueryAsync(services, new TicketListFilter { Text = text });

        result.Items.Select(r => r.Subject).Should().Equal(match);
    }

    private Task<PagedResult<TicketListRow>> QueryAsync(TicketListFilter filter, string? currentUserId = null, TicketSort? sort = null) =>
        QueryPageAsync(filter, currentUserId, sort ?? ByNumber, 0, TicketService.MaxPageSize);

    private Task<PagedResult<TicketListRow>> QueryPageAsync(TicketListFilter filter, string? currentUserId, TicketSort sort, int page, int pageSize) =>
        QueryPageAsync(Services, filter, currentUserId, sort, page, pageSize);

    private static Task<PagedResult<TicketListRow>> QueryAsync(TestServices services, TicketListFilter filter) =>
        QueryPageAsync(services, filter, null, ByNumber, 0, TicketService.MaxPageSize);

    private static async Task<PagedResult<TicketListRow>> QueryPageAsync(
        TestServices services, TicketListFilter filter, string? currentUserId, TicketSort sort, int page, int pageSize)
    {
        await using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<TicketService>().QueryAsync(filter, currentUserId, sort, page, pageSize);
    }

    private async Task<List<Ticket>> SnapshotAsync()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().AsNoTracking()
            .Include(t => t.Watchers)
            .Include(t => t.AssignedCustomers)
            .Include(t => t.Customer)
            .Include(t => t.Handler)
            .AsSplitQuery()
            .ToListAsync();
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    private DateOnly Today() => DateOnly.FromDateTime(Services.Get<TimeProvider>().GetLocalNow().DateTime);

    /// <summary>The filter must list exactly the rows the predicate picks, and must actually pick some but not all.</summary>
    private static void ShouldMatch(PagedResult<TicketListRow> result, List<Ticket> all, Func<Ticket, bool> predicate)
    {
        var expected = all.Where(predicate).Select(t => t.Id).ToList();
        expected.Should().NotBeEmpty("the demo data should give this filter something to find");
        expected.Count.Should().BeLessThan(all.Count, "the demo data should give this filter something to leave out");
        result.TotalCount.Should().Be(expected.Count);
        result.Items.Select(r => r.Id).Should().BeEquivalentTo(expected);
    }

    private static bool Contains(string value, string text) => value.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The database's order: text compares by code point (ordinal), NULL sorts first ascending and last descending on
    /// SQLite, the other way round on PostgreSQL (<paramref name="nullsLargest"/>).
    /// </summary>
    private static IEnumerable<Ticket> SortInMemory(IEnumerable<Ticket> tickets, TicketSortField field, bool descending, bool nullsLargest)
    {
        IOrderedEnumerable<Ticket> By<TKey>(Func<Ticket, TKey> key, IComparer<TKey>? comparer = null) => nullsLargest
            ? (descending ? tickets.OrderByDescending(t => key(t) is null).ThenByDescending(key, comparer) : tickets.OrderBy(t => key(t) is null).ThenBy(key, comparer))
            : (descending ? tickets.OrderByDescending(key, comparer) : tickets.OrderBy(key, comparer));

        var ordered = field switch
        {
            TicketSortField.Number => By(t => t.Number),
            TicketSortField.Subject => By(t => t.Subject, StringComparer.Ordinal),
            TicketSortField.Status => By(t => (int)t.Status),
            TicketSortField.Handler => By(t => t.Handler?.DisplayName, StringComparer.Ordinal),
            TicketSortField.Customer => By(t => t.Customer?.Name, StringComparer.Ordinal),
            TicketSortField.ExpectedDate => By(t => t.ExpectedDate),
            TicketSortField.UpdatedAt => By(t => t.UpdatedAt),
            TicketSortField.LastMessageAt => By(t => t.LastMessageAt),
            TicketSortField.SlaDueAt => By(t => t.SlaDueAt),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "A new sort field needs a line here."),
        };
        return descending ? ordered.ThenByDescending(t => t.Id) : ordered.ThenBy(t => t.Id);
    }

    /// <returns>The id of the new tenant the tickets belong to.</returns>
    private static async Task<int> AddTicketsAsync(
        TestServices services, IEnumerable<string> subjects, string tenantName = "Query test tenant", int firstNumber = 5001)
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var tenant = new Tenant { Name = tenantName };
        var now = services.Get<TimeProvider>().GetUtcNow().UtcDateTime;
        db.Set<Ticket>().AddRange(subjects.Select((subject, i) => new Ticket
        {
            Number = firstNumber + i,
            Subject = subject,
            Tenant = tenant,
            CreatedAt = now,
            UpdatedAt = now,
        }));
        await db.SaveChangesAsync();
        return tenant.Id;
    }
}

public sealed class TicketQuerySqliteTests(SeededDatabaseFixture fixture) : TicketQueryTests<SeededDatabaseFixture>(fixture);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class TicketQueryPostgresTests(PostgresSeededDatabaseFixture fixture) : TicketQueryTests<PostgresSeededDatabaseFixture>(fixture);
