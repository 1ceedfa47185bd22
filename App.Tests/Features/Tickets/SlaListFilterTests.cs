using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>
/// The list's "SLA at risk" and "SLA breached" filters and the due sort on a handful of tickets around a fixed clock,
/// with the boundaries (due or at risk exactly now) and the other filters beside them, through both query paths: few
/// matches (read the SLA index and sort) and a capped count (walk the sort's index).
/// </summary>
public sealed class SlaListFilterTests : IAsyncLifetime
{
    private TestServices services = null!;
    private TicketService tickets = null!;
    private TicketService capped = null!;
    private readonly Dictionary<string, int> ids = [];
    private string anna = null!;
    private string ben = null!;

    public async Task InitializeAsync()
    {
        services = await TestServices.CreateAsync();
        var clock = services.Get<TimeProvider>();
        var now = clock.GetUtcNow().UtcDateTime;
        tickets = new TicketService(services.DbFactory, clock);
        capped = new TicketService(services.DbFactory, clock) { Cap = 1 };
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var tenant = new Tenant { Name = "Tenant", SenderAddress = "support@tenant.example" };
        var other = new Tenant { Name = "Other", SenderAddress = "support@other.example" };
        AppUser Agent(string name) => new()
        {
            UserName = $"{name}@example.test", Email = $"{name}@example.test", DisplayName = name,
            NormalizedEmail = $"{name.ToUpperInvariant()}@EXAMPLE.TEST", NormalizedUserName = $"{name.ToUpperInvariant()}@EXAMPLE.TEST",
            SecurityStamp = Guid.NewGuid().ToString(),
        };
        var annaUser = Agent("anna");
        var benUser = Agent("ben");
        db.AddRange(tenant, other, annaUser, benUser);
        await db.SaveChangesAsync();
        (anna, ben) = (annaUser.Id, benUser.Id);

        var number = 100;
        var made = new Dictionary<string, Ticket>();
        void Add(string name, TicketStatus status, double? dueInHours, double? atRiskInHours, string? handler = null, Tenant? ofTenant = null, string? watcher = null)
        {
            var ticket = new Ticket
            {
                Number = ++number, Subject = name, Status = status, HandlerId = handler, TenantId = (ofTenant ?? tenant).Id,
                CreatedAt = now.AddDays(-2), UpdatedAt = now.AddMinutes(-number),
                SlaDueAt = dueInHours is double due ? now.AddHours(due) : Ticket.NoDue,
                SlaAtRiskAt = atRiskInHours is double atRisk ? now.AddHours(atRisk) : null,
            };
            if (watcher is not null) ticket.Watchers.Add(new TicketWatcher { UserId = watcher });
            made[name] = ticket;
            db.Add(ticket);
        }
        Add("breached long ago", TicketStatus.Open, -30, -40);
        Add("breached, Ben's", TicketStatus.InProgress, -0.5, -4, handler: ben);
        Add("due exactly now", TicketStatus.New, 0, -3, ofTenant: other);
        Add("at risk", TicketStatus.Open, 1, -1, handler: anna);
        Add("at risk exactly now", TicketStatus.InProgress, 4, 0, watcher: anna);
        Add("at risk, Ben's", TicketStatus.Answered, 2, -0.25, handler: ben);
        Add("on track", TicketStatus.Open, 10, 2, handler: anna);
        Add("on track, later", TicketStatus.New, 20, 12);
        Add("waiting", TicketStatus.WaitingForCustomer, null, null, handler: anna);
        Add("closed", TicketStatus.Closed, null, null);
        await db.SaveChangesAsync();
        foreach (var (name, ticket) in made) ids[name] = ticket.Id;
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    public static TheoryData<string, string[]> DefaultSortCases => new()
    {
        { "atrisk", ["at risk", "at risk exactly now", "at risk, Ben's"] },
        { "breached", ["breached long ago", "breached, Ben's", "due exactly now"] },
        { "atrisk+breached", ["breached long ago", "breached, Ben's", "due exactly now", "at risk", "at risk exactly now", "at risk, Ben's"] },
        { "breached+status", ["breached long ago", "due exactly now"] },
        { "breached+handler", ["breached, Ben's"] },
        { "atrisk+mine", ["at risk", "at risk exactly now"] },
        { "atrisk+unassigned", ["at risk exactly now"] },
        { "atrisk+breached+tenant", ["due exactly now"] },
    };

    private TicketListFilter FilterOf(string name) => name switch
    {
        "atrisk" => new() { SlaAtRisk = true },
        "breached" => new() { SlaBreached = true },
        "atrisk+breached" => new() { SlaAtRisk = true, SlaBreached = true },
        "breached+status" => new() { SlaBreached = true, Statuses = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.New } },
        "breached+handler" => new() { SlaBreached = true, HandlerId = ben },
        "atrisk+mine" => new() { SlaAtRisk = true, MineOnly = true },
        "atrisk+unassigned" => new() { SlaAtRisk = true, UnassignedOnly = true },
        "atrisk+breached+tenant" => new() { SlaAtRisk = true, SlaBreached = true, TenantId = OtherTenantId() },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private int OtherTenantId()
    {
        using var db = services.DbFactory.CreateDbContext();
        return db.Set<Tenant>().Single(t => t.Name == "Other").Id;
    }

    [Theory]
    [MemberData(nameof(DefaultSortCases))]
    public async Task The_filter_lists_exactly_its_tickets_newest_change_first(string filterName, string[] expected)
    {
        var filter = FilterOf(filterName);

        foreach (var service in new[] { tickets, capped })
        {
            var result = await service.QueryAsync(filter, anna, TicketSort.Default, 0, 25);

            // Updated one minute apart in the order they were made: the default sort lists the earlier made first.
            result.Items.Select(r => r.Subject).Should().Equal(expected, $"{filterName}, cap {service.Cap}");
            (await service.QueryIdsAsync(filter, anna)).Should().BeEquivalentTo(expected.Select(n => ids[n]));
        }
    }

    [Fact]
    public async Task Sorting_by_due_puts_the_most_urgent_first_and_tickets_without_a_target_last_by_id()
    {
        string[] byDue = ["breached long ago", "breached, Ben's", "due exactly now", "at risk", "at risk, Ben's", "at risk exactly now", "on track", "on track, later", "waiting", "closed"];

        foreach (var service in new[] { tickets, capped })
        {
            var ascending = await service.QueryAsync(new TicketListFilter(), anna, new TicketSort(TicketSortField.SlaDueAt, false), 0, 25);
            var descending = await service.QueryAsync(new TicketListFilter(), anna, new TicketSort(TicketSortField.SlaDueAt, true), 0, 25);
            var secondPage = await service.QueryAsync(new TicketListFilter(), anna, new TicketSort(TicketSortField.SlaDueAt, false), 1, 4);
            var breached = await service.QueryAsync(new TicketListFilter { SlaBreached = true }, anna, new TicketSort(TicketSortField.SlaDueAt, true), 0, 25);

            ascending.Items.Select(r => r.Subject).Should().Equal(byDue);
            descending.Items.Select(r => r.Subject).Should().Equal(byDue.Reverse());
            secondPage.Items.Select(r => r.Subject).Should().Equal(byDue.Skip(4).Take(4));
            breached.Items.Select(r => r.Subject).Should().Equal("due exactly now", "breached, Ben's", "breached long ago");
        }
    }

    [Fact]
    public async Task Keyset_pages_by_due_join_up_across_tickets_without_a_target()
    {
        var sort = new TicketSort(TicketSortField.SlaDueAt, false);
        var walked = new List<int>();
        TicketListRow? after = null;
        for (var page = 0; page < 10; page++)
        {
            var result = await tickets.QueryAsync(new TicketListFilter(), anna, sort, 0, 3, after: after);
            walked.AddRange(result.Items.Select(r => r.Id));
            if (result.Items.Count < 3) break;
            after = result.Items[^1];
        }

        walked.Should().Equal((await tickets.QueryAsync(new TicketListFilter(), anna, sort, 0, 25)).Items.Select(r => r.Id));
        walked.Should().HaveCount(10);
    }
}
