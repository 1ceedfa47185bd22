using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>
/// <see cref="Ticket.HandlerName"/> and <see cref="Ticket.CustomerName"/> (the list's sort columns, kept by the
/// triggers of <see cref="TicketListSql"/>) stay equal to the names in the users' and customers' tables through every
/// kind of write.
/// </summary>
public sealed class TicketListSortNamesTests : IAsyncLifetime
{
    private TestServices services = null!;
    private Tenant tenant = null!;
    private AppUser anna = null!;
    private AppUser ben = null!;
    private Customer acme = null!;
    private Customer globex = null!;

    public async Task InitializeAsync()
    {
        services = await TestServices.CreateAsync();
        await using var db = await services.DbFactory.CreateDbContextAsync();
        tenant = new Tenant { Name = "T", SenderAddress = "t@example.test" };
        anna = User("anna", "Anna Agent");
        ben = User("ben", "Ben Agent");
        acme = new Customer { Tenant = tenant, CustomerNumber = "1", Name = "Acme", CreatedAt = DateTime.UtcNow };
        globex = new Customer { Tenant = tenant, CustomerNumber = "2", Name = "Globex", CreatedAt = DateTime.UtcNow };
        var support = new UserGroup { Name = Groups.TicketSupport, HourlyRate = 90 };
        db.AddRange(tenant, anna, ben, acme, globex, support);
        db.Set<UserGroupMembership>().AddRange(new UserGroupMembership { User = anna, Group = support }, new UserGroupMembership { User = ben, Group = support });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    private static AppUser User(string name, string displayName) => new()
    {
        UserName = $"{name}@example.test", Email = $"{name}@example.test", DisplayName = displayName,
        NormalizedUserName = $"{name.ToUpperInvariant()}@EXAMPLE.TEST", NormalizedEmail = $"{name.ToUpperInvariant()}@EXAMPLE.TEST",
        SecurityStamp = Guid.NewGuid().ToString(),
    };

    private async Task<int> CreateAsync(string? handlerId, int? customerId, (string? Handler, string? Customer)? insertedNames = null)
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var ticket = new Ticket
        {
            Number = Random.Shared.Next(1, 1_000_000), Subject = "s", TenantId = tenant.Id, HandlerId = handlerId, CustomerId = customerId,
            CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
        };
        if (insertedNames is { } names)
        {
            ticket.CopyListNames(names.Handler, names.Customer);
        }
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Id;
    }

    /// <summary>Every ticket's copied names against the joined tables.</summary>
    private async Task ShouldBeInStepAsync()
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var rows = await db.Set<Ticket>().AsNoTracking()
            .Select(t => new { t.Id, t.HandlerName, t.CustomerName, Handler = t.Handler!.DisplayName, Customer = t.Customer!.Name })
            .ToListAsync();
        rows.Should().NotBeEmpty();
        foreach (var row in rows)
        {
            row.HandlerName.Should().Be(row.Handler, $"ticket {row.Id}");
            row.CustomerName.Should().Be(row.Customer, $"ticket {row.Id}");
        }
    }

    [Fact]
    public async Task A_new_ticket_carries_the_names_of_its_handler_and_customer()
    {
        await CreateAsync(anna.Id, acme.Id);
        await CreateAsync(null, null);

        await ShouldBeInStepAsync();
        await using var db = await services.DbFactory.CreateDbContextAsync();
        (await db.Set<Ticket>().CountAsync(t => t.HandlerName == "Anna Agent" && t.CustomerName == "Acme")).Should().Be(1);
    }

    [Fact]
    public async Task Names_a_writer_inserts_are_kept_when_right_and_put_right_when_wrong_or_missing()
    {
        var right = await CreateAsync(anna.Id, acme.Id, ("Anna Agent", "Acme"));
        var wrong = await CreateAsync(anna.Id, acme.Id, ("Ben Agent", "Globex"));
        var stale = await CreateAsync(null, null, ("Anna Agent", "Acme"));
        var half = await CreateAsync(ben.Id, globex.Id, (null, "Globex"));

        await ShouldBeInStepAsync();
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var names = await db.Set<Ticket>().AsNoTracking().ToDictionaryAsync(t => t.Id, t => (t.HandlerName, t.CustomerName));
        names[right].Should().Be(("Anna Agent", "Acme"));
        names[wrong].Should().Be(("Anna Agent", "Acme"));
        names[stale].Should().Be(((string?)null, (string?)null));
        names[half].Should().Be(("Ben Agent", "Globex"));
    }

    [Fact]
    public async Task Names_given_to_a_saved_ticket_are_not_written_the_triggers_alone_keep_them()
    {
        var id = await CreateAsync(anna.Id, acme.Id);
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == id);
            ticket.CopyListNames("Someone", "Else");
            ticket.Subject = "changed";
            await db.SaveChangesAsync();
        }

        await ShouldBeInStepAsync();
    }

    [Fact]
    public async Task Reassigning_through_the_service_and_changing_the_customer_follow()
    {
        var id = await CreateAsync(anna.Id, acme.Id);
        var ticketService = new TicketService(services.DbFactory, services.Get<TimeProvider>());
        var details = await ticketService.GetAsync(id);
        var edited = details!.Edit.Clone();
        edited.HandlerId = ben.Id;
        edited.CustomerId = globex.Id;

        var result = await ticketService.SaveAsync(details.Edit, edited, "test");

        result.Should().BeOfType<SaveTicketResult.Saved>();
        await ShouldBeInStepAsync();
        await using var db = await services.DbFactory.CreateDbContextAsync();
        (await db.Set<Ticket>().SingleAsync(t => t.Id == id)).HandlerName.Should().Be("Ben Agent");
    }

    [Fact]
    public async Task Bulk_updates_in_SQL_follow()
    {
        await CreateAsync(anna.Id, acme.Id);
        await CreateAsync(null, globex.Id);
        await using var db = await services.DbFactory.CreateDbContextAsync();

        await db.Set<Ticket>().ExecuteUpdateAsync(s => s.SetProperty(t => t.HandlerId, ben.Id).SetProperty(t => t.CustomerId, (int?)null));

        await ShouldBeInStepAsync();
        (await db.Set<Ticket>().CountAsync(t => t.HandlerName == "Ben Agent" && t.CustomerName == null)).Should().Be(2);
    }

    [Fact]
    public async Task Renaming_a_user_or_a_customer_renames_them_on_their_tickets()
    {
        await CreateAsync(anna.Id, acme.Id);
        await CreateAsync(anna.Id, globex.Id);
        await using var db = await services.DbFactory.CreateDbContextAsync();

        await db.Users.Where(u => u.Id == anna.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, "Anna Zimmermann"));
        var customer = await db.Set<Customer>().SingleAsync(c => c.Id == acme.Id);
        customer.Name = "Acme Holding";
        await db.SaveChangesAsync();

        await ShouldBeInStepAsync();
        (await db.Set<Ticket>().CountAsync(t => t.HandlerName == "Anna Zimmermann")).Should().Be(2);
    }

    [Fact]
    public async Task Deleting_the_handler_clears_the_name_with_the_handler()
    {
        await CreateAsync(anna.Id, acme.Id);
        await using var db = await services.DbFactory.CreateDbContextAsync();

        await db.Users.Where(u => u.Id == anna.Id).ExecuteDeleteAsync();

        await ShouldBeInStepAsync();
        (await db.Set<Ticket>().CountAsync(t => t.HandlerId == null && t.HandlerName == null)).Should().Be(1);
    }
}
