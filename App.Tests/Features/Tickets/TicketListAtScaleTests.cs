using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>
/// A few thousand generated tickets with many ties and NULLs in every sort column: each query path of the list
/// (offset page, keyset page after a row, last page, capped count) against the plain LINQ query over the same tables
/// (filter + OrderBy over the navigations + Skip/Take).
/// </summary>
public abstract class TicketListAtScaleTests<TWorld>(TWorld world) : IClassFixture<TWorld> where TWorld : TicketListAtScaleWorld
{
    private string Me => world.Agents[1];

    public static TheoryData<string> FilterNames => new(Filters(null!).Keys);

    private static Dictionary<string, Func<TicketListAtScaleWorld, TicketListFilter>> Filters(TicketListAtScaleWorld? _) => new()
    {
        ["none"] = w => new TicketListFilter(),
        ["status Open+New"] = w => new TicketListFilter { Statuses = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.New } },
        ["handler"] = w => new TicketListFilter { HandlerId = w.Agents[2] },
        ["mine"] = w => new TicketListFilter { MineOnly = true },
        ["unassigned"] = w => new TicketListFilter { UnassignedOnly = true },
        ["overdue"] = w => new TicketListFilter { OverdueOnly = true },
        ["customer"] = w => new TicketListFilter { CustomerId = w.CustomerIds[3] },
        ["tenant"] = w => new TicketListFilter { TenantId = w.TenantIds[1] },
        ["unbilled"] = w => new TicketListFilter { UnbilledOnly = true },
        ["three together"] = w => new TicketListFilter
        {
            Statuses = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.New, TicketStatus.Closed }, TenantId = w.TenantIds[0], HandlerId = w.Agents[5],
        },
        ["SLA at risk"] = w => new TicketListFilter { SlaAtRisk = true },
        ["SLA breached"] = w => new TicketListFilter { SlaBreached = true },
        ["SLA at risk + breached"] = w => new TicketListFilter { SlaAtRisk = true, SlaBreached = true },
        ["SLA breached + status Open+New"] = w => new TicketListFilter { SlaBreached = true, Statuses = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.New } },
        ["SLA breached + handler"] = w => new TicketListFilter { SlaBreached = true, HandlerId = w.Agents[2] },
        ["SLA at risk + mine"] = w => new TicketListFilter { SlaAtRisk = true, MineOnly = true },
        ["SLA at risk + breached + tenant"] = w => new TicketListFilter { SlaAtRisk = true, SlaBreached = true, TenantId = w.TenantIds[1] },
    };

    private static IEnumerable<TicketSort> AllSorts() =>
        Enum.GetValues<TicketSortField>().SelectMany(field => new[] { new TicketSort(field, false), new TicketSort(field, true) });

    /// <summary>The plain query: the filter written out in LINQ over the navigations, sorted by the joined names, then by id.</summary>
    private async Task<List<int>> ReferenceAsync(TicketListFilter filter, TicketSort sort)
    {
        await using var db = await world.Services.DbFactory.CreateDbContextAsync();
        var q = db.Set<Ticket>().AsQueryable();
        var me = Me;
        var today = world.Today;
        if (filter.Statuses.Count > 0) { var statuses = filter.Statuses.ToList(); q = q.Where(t => statuses.Contains(t.Status)); }
        if (filter.HandlerId is { } handler) q = q.Where(t => t.HandlerId == handler);
        if (filter.MineOnly) q = q.Where(t => t.HandlerId == me || t.Watchers.Any(w => w.UserId == me));
        if (filter.UnassignedOnly) q = q.Where(t => t.HandlerId == null);
        if (filter.CustomerId is int customer) q = q.Where(t => t.CustomerId == customer || t.AssignedCustomers.Any(c => c.CustomerId == customer));
        if (filter.TenantId is int tenant) q = q.Where(t => t.TenantId == tenant);
        if (filter.OverdueOnly) q = q.Where(t => t.ExpectedDate != null && t.ExpectedDate < today && t.Status != TicketStatus.Closed);
        if (filter.UnbilledOnly) q = q.Where(t => t.TimeTrackingAllowed && db.Set<TimeEntry>().Any(e => e.TicketId == t.Id && e.Billable && e.QuoteLineId == null));
        var now = world.UtcNow;
        if (filter.SlaAtRisk && filter.SlaBreached) q = q.Where(t => (t.SlaAtRiskAt <= now && t.SlaDueAt > now) || t.SlaDueAt <= now);
        else if (filter.SlaAtRisk) q = q.Where(t => t.SlaAtRiskAt <= now && t.SlaDueAt > now);
        else if (filter.SlaBreached) q = q.Where(t => t.SlaDueAt <= now);
        IOrderedQueryable<Ticket> o = (sort.Field, sort.Descending) switch
        {
            (TicketSortField.Number, false) => q.OrderBy(t => t.Number),
            (TicketSortField.Number, true) => q.OrderByDescending(t => t.Number),
            (TicketSortField.Subject, false) => q.OrderBy(t => t.Subject),
            (TicketSortField.Subject, true) => q.OrderByDescending(t => t.Subject),
            (TicketSortField.Status, false) => q.OrderBy(t => t.Status),
            (TicketSortField.Status, true) => q.OrderByDescending(t => t.Status),
            (TicketSortField.Handler, false) => q.OrderBy(t => t.Handler!.DisplayName),
            (TicketSortField.Handler, true) => q.OrderByDescending(t => t.Handler!.DisplayName),
            (TicketSortField.Customer, false) => q.OrderBy(t => t.Customer!.Name),
            (TicketSortField.Customer, true) => q.OrderByDescending(t => t.Customer!.Name),
            (TicketSortField.ExpectedDate, false) => q.OrderBy(t => t.ExpectedDate),
            (TicketSortField.ExpectedDate, true) => q.OrderByDescending(t => t.ExpectedDate),
            (TicketSortField.LastMessageAt, false) => q.OrderBy(t => t.LastMessageAt),
            (TicketSortField.LastMessageAt, true) => q.OrderByDescending(t => t.LastMessageAt),
            (TicketSortField.UpdatedAt, false) => q.OrderBy(t => t.UpdatedAt),
            (TicketSortField.SlaDueAt, false) => q.OrderBy(t => t.SlaDueAt),
            (TicketSortField.SlaDueAt, true) => q.OrderByDescending(t => t.SlaDueAt),
            _ => q.OrderByDescending(t => t.UpdatedAt),
        };
        o = sort.Descending ? o.ThenByDescending(t => t.Id) : o.ThenBy(t => t.Id);
        return await o.Select(t => t.Id).ToListAsync();
    }

    [Theory]
    [MemberData(nameof(FilterNames))]
    public async Task Offset_pages_in_every_sort_are_the_plain_querys_pages(string filterName)
    {
        var filter = Filters(world)[filterName](world);
        foreach (var sort in AllSorts())
        {
            var expected = await ReferenceAsync(filter, sort);
            expected.Count.Should().BeGreaterThan(10, $"the filter {filterName} needs matches to compare");
            const int size = 25;
            foreach (var page in new[] { 0, 1, expected.Count / size / 2, (expected.Count - 1) / size })
            {
                var result = await world.Tickets.QueryAsync(filter, Me, sort, page, size);
                result.Items.Select(r => r.Id).Should().Equal(expected.Skip(page * size).Take(size), $"{filterName}, {sort}, page {page}");
                result.TotalCount.Should().Be(expected.Count);
                result.TotalIsCapped.Should().BeFalse();

                var capped = await world.CappedTickets.QueryAsync(filter, Me, sort, page, size);
                capped.Items.Select(r => r.Id).Should().Equal(expected.Skip(page * size).Take(size), $"{filterName}, {sort}, page {page}, capped count");
                capped.TotalCount.Should().Be(Math.Min(expected.Count, 101));
                capped.TotalIsCapped.Should().Be(expected.Count > 100);
            }
        }
    }

    [Theory]
    [MemberData(nameof(FilterNames))]
    public async Task Keyset_pages_join_up_without_gaps_or_duplicates_in_every_sort(string filterName)
    {
        var filter = Filters(world)[filterName](world);
        foreach (var (sort, service) in AllSorts().SelectMany(sort => world.BothServices.Select(service => (sort, service))))
        {
            var expected = await ReferenceAsync(filter, sort);
            var walked = new List<int>();
            TicketListRow? after = null;
            for (var pages = 0; pages < 200; pages++)
            {
                var result = await service.QueryAsync(filter, Me, sort, page: 0, pageSize: 97, after: after);
                walked.AddRange(result.Items.Select(r => r.Id));
                if (result.Items.Count < 97)
                {
                    break;
                }
                after = result.Items[^1];
            }
            walked.Should().Equal(expected, $"{filterName}, {sort}, cap {(service == world.Tickets ? "none" : "100")}");
        }
    }

    [Theory]
    [MemberData(nameof(FilterNames))]
    public async Task The_last_page_is_the_plain_querys_last_rows_in_every_sort(string filterName)
    {
        var filter = Filters(world)[filterName](world);
        foreach (var sort in AllSorts())
        {
            var expected = await ReferenceAsync(filter, sort);

            foreach (var service in world.BothServices)
            {
                var result = await service.QueryLastPageAsync(filter, Me, sort, 25);

                result.Items.Select(r => r.Id).Should().Equal(expected.TakeLast(25), $"{filterName}, {sort}");
                result.TotalCount.Should().Be(service == world.Tickets ? expected.Count : Math.Min(expected.Count, 101));
            }
        }
    }

    [Fact]
    public async Task The_rows_show_the_names_of_the_handler_and_customer_as_the_tables_have_them()
    {
        var result = await world.Tickets.QueryAsync(new TicketListFilter(), Me, new TicketSort(TicketSortField.Number, false), 0, TicketService.MaxPageSize);

        await using var db = await world.Services.DbFactory.CreateDbContextAsync();
        var ids = result.Items.Select(r => r.Id).ToList();
        var names = await db.Set<Ticket>().Where(t => ids.Contains(t.Id))
            .Select(t => new { t.Id, Handler = t.Handler!.DisplayName, Customer = t.Customer!.Name }).ToDictionaryAsync(t => t.Id);
        result.Items.Should().OnlyContain(r => r.HandlerName == names[r.Id].Handler && r.CustomerName == names[r.Id].Customer);
        result.Items.Should().Contain(r => r.HandlerName == null).And.Contain(r => r.CustomerName == null);
    }
}

public class TicketListAtScaleWorld : IAsyncLifetime
{
    public virtual DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public TestServices Services { get; private set; } = null!;
    public TicketService Tickets { get; private set; } = null!;
    /// <summary>Counts stop at 100: every list of more matches takes the paths of a large desk (walk the sort's index).</summary>
    public TicketService CappedTickets { get; private set; } = null!;
    public IEnumerable<TicketService> BothServices => [Tickets, CappedTickets];
    public List<string> Agents { get; } = [];
    public List<int> CustomerIds { get; } = [];
    public List<int> TenantIds { get; } = [];
    public DateOnly Today { get; private set; }
    public DateTime UtcNow { get; private set; }

    public async Task InitializeAsync()
    {
        Services = await TestServices.CreateAsync(provider: Provider);
        var clock = Services.Get<TimeProvider>();
        Today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        UtcNow = clock.GetUtcNow().UtcDateTime;
        // Its own sequence, so the other columns stay as they were before tickets had service-level targets.
        var slaRandom = new Random(7);
        Tickets = new TicketService(Services.DbFactory, clock);
        CappedTickets = new TicketService(Services.DbFactory, clock) { Cap = 100 };
        var random = new Random(5);
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        var tenants = Enumerable.Range(1, 3).Select(i => new Tenant { Name = $"Tenant {i}", SenderAddress = $"t{i}@example.test" }).ToList();
        db.Set<Tenant>().AddRange(tenants);
        // Two agents share a display name: ties in the handler sort.
        var agents = Enumerable.Range(1, 6).Select(i => new AppUser
        {
            UserName = $"agent{i}@example.test", Email = $"agent{i}@example.test", DisplayName = i == 6 ? "Agent 2" : $"Agent {i}",
            NormalizedEmail = $"AGENT{i}@EXAMPLE.TEST", NormalizedUserName = $"AGENT{i}@EXAMPLE.TEST", SecurityStamp = Guid.NewGuid().ToString(),
        }).ToList();
        db.Users.AddRange(agents);
        var customers = Enumerable.Range(1, 40).Select(i => new Customer
        {
            Tenant = tenants[i % 3], CustomerNumber = $"K-{i}", Name = $"Customer {i % 25}", Company = "Company", CreatedAt = DateTime.UtcNow,
        }).ToList();
        db.Set<Customer>().AddRange(customers);
        await db.SaveChangesAsync();
        var group = new UserGroup { Name = "Support", HourlyRate = 90 };
        var quote = new Quote { Number = "Q-1", TenantId = tenants[0].Id, CustomerId = customers[0].Id, CreatedAt = DateTime.UtcNow };
        db.AddRange(group, quote);
        await db.SaveChangesAsync();

        var baseTime = new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);
        string[] subjects = ["Printer offline", "printer offline", "Invoice wrong", "Ärger mit VPN", "Backup failed", "Zugang"];
        var tickets = new List<Ticket>();
        for (var i = 0; i < 3_000; i++)
        {
            var customer = random.Next(8) == 0 ? null : customers[random.Next(customers.Count)];
            var updated = baseTime.AddHours(random.Next(200)); // many tickets share a time
            var ticket = new Ticket
            {
                Number = 5000 + (i * 7919) % 3000, // numbers not in id order
                Subject = subjects[random.Next(subjects.Length)],
                Status = (TicketStatus)random.Next(6),
                HandlerId = random.Next(4) == 0 ? null : agents[random.Next(agents.Count)].Id,
                CustomerId = customer?.Id,
                TenantId = customer?.TenantId ?? tenants[random.Next(3)].Id,
                ExpectedDate = random.Next(2) == 0 ? null : Today.AddDays(random.Next(-20, 20)),
                TimeTrackingAllowed = random.Next(3) != 0,
                CreatedAt = updated.AddDays(-1),
                UpdatedAt = updated,
                LastMessageAt = random.Next(5) == 0 ? null : updated.AddMinutes(-random.Next(3) * 30),
            };
            if (ticket.Status is not (TicketStatus.Closed or TicketStatus.WaitingForCustomer) && slaRandom.Next(4) != 0)
            {
                // Whole hours around now: many ties, some due or at risk exactly now.
                ticket.SlaDueAt = UtcNow.AddHours(slaRandom.Next(-48, 96));
                ticket.SlaAtRiskAt = ticket.SlaDueAt.AddHours(-slaRandom.Next(0, 30));
            }
            if (random.Next(10) == 0)
            {
                ticket.Watchers.Add(new TicketWatcher { UserId = agents[random.Next(agents.Count)].Id });
            }
            if (random.Next(15) == 0)
            {
                ticket.AssignedCustomers.Add(new TicketAssignedCustomer { CustomerId = customers[random.Next(customers.Count)].Id });
            }
            tickets.Add(ticket);
        }
        db.Set<Ticket>().AddRange(tickets);
        await db.SaveChangesAsync();
        var line = new QuoteLine { QuoteId = quote.Id, TicketId = tickets[0].Id, UserGroupId = group.Id, Text = "Support", Hours = 1, Rate = 90, Amount = 90 };
        db.Add(line);
        await db.SaveChangesAsync();
        foreach (var ticket in tickets.Where(_ => random.Next(6) == 0))
        {
            db.Set<TimeEntry>().Add(new TimeEntry
            {
                TicketId = ticket.Id, UserId = agents[0].Id, Start = baseTime, End = baseTime.AddMinutes(30), Minutes = 30, CreatedAt = baseTime,
                Billable = random.Next(4) != 0, QuoteLineId = random.Next(2) == 0 ? line.Id : null,
            });
        }
        await db.SaveChangesAsync();
        Agents.AddRange(agents.Select(a => a.Id));
        CustomerIds.AddRange(customers.Select(c => c.Id));
        TenantIds.AddRange(tenants.Select(t => t.Id));
    }

    public async Task DisposeAsync() => await Services.DisposeAsync();
}

public sealed class PostgresTicketListAtScaleWorld : TicketListAtScaleWorld
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

public sealed class TicketListAtScaleSqliteTests(TicketListAtScaleWorld world) : TicketListAtScaleTests<TicketListAtScaleWorld>(world);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class TicketListAtScalePostgresTests(PostgresTicketListAtScaleWorld world) : TicketListAtScaleTests<PostgresTicketListAtScaleWorld>(world);
