using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>
/// A small billing world on a real database (SQLite file or PostgreSQL): one tenant (EUR, 19 % VAT, prefix Q), groups with rates, agents whose
/// billing groups differ, two customers. Tickets and entries are added per test.
/// </summary>
public sealed class BillingWorld : IAsyncDisposable
{
    private readonly TestServices services;
    private int nextNumber = 5000;

    private BillingWorld(TestServices services, FixedTimeProvider clock)
    {
        this.services = services;
        Clock = clock;
    }

    /// <summary>The server under the world, for a bUnit circuit on it (<see cref="BlazorTicketsTestContext"/>).</summary>
    public TestServices App => services;

    public IDbContextFactory<AppDbContext> DbFactory => services.DbFactory;
    public TicketChangeNotifier Notifier => services.Get<TicketChangeNotifier>();
    public FixedTimeProvider Clock { get; }
    public int TenantId { get; private set; }
    public int SupportGroup { get; private set; }
    public int SeniorGroup { get; private set; }
    public int CustomerA { get; private set; }
    public int CustomerB { get; private set; }
    /// <summary>Billing group Ticket-Support (95.00).</summary>
    public string Anna { get; private set; } = "";
    /// <summary>In Ticket-Support and Senior-Support, billed as Senior-Support (120.00).</summary>
    public string Carla { get; private set; } = "";
    /// <summary>Only in Ticket-Support and no billing group set: billed at that only group's rate.</summary>
    public string Solo { get; private set; } = "";
    /// <summary>In two groups and no billing group: cannot be priced.</summary>
    public string Nobody { get; private set; } = "";

    /// <summary>A fresh service, as each circuit gets one.</summary>
    public BillingService Billing => new(DbFactory, Clock, services.Get<TicketChangeNotifier>(), QuoteNotifier);
    public QuoteService Quotes => new(DbFactory, Clock, services.Get<TicketChangeNotifier>(), QuoteNotifier);
    public QuoteChangeNotifier QuoteNotifier => services.Get<QuoteChangeNotifier>();
    public TicketService Tickets => new(DbFactory, Clock);
    public PickerService Pickers => new(DbFactory);

    public static async Task<BillingWorld> CreateAsync(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        // One clock for the world's services and the app's own, as on a server.
        var clock = new FixedTimeProvider();
        var world = new BillingWorld(await TestServices.CreateAsync(clock: clock, provider: provider), clock);
        await world.SeedAsync();
        return world;
    }

    private async Task SeedAsync()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var tenant = new Tenant { Name = "Billing test", SenderAddress = "support@billing.example", SenderName = "Billing Test Ltd", Currency = "EUR", VatRate = 19m, QuoteNumberPrefix = "Q" };
        var support = new UserGroup { Name = Groups.TicketSupport, HourlyRate = 95m };
        var senior = new UserGroup { Name = Groups.SeniorSupport, HourlyRate = 120m };
        var billing = new UserGroup { Name = Groups.Billing, HourlyRate = 0m };
        var customerA = new Customer { Tenant = tenant, CustomerNumber = "A-1", Name = "Alpha Customer", Company = "Alpha GmbH", Address = "Hauptstraße 1\n10115 Berlin" };
        var customerB = new Customer { Tenant = tenant, CustomerNumber = "B-1", Name = "Beta Customer", Company = "Beta AG", Address = "Ring 2\n80331 München" };
        db.AddRange(tenant, support, senior, billing, customerA, customerB);
        AppUser User(string name, UserGroup? billingGroup, params UserGroup[] groups)
        {
            var user = new AppUser { UserName = $"{name}@billing.example", Email = $"{name}@billing.example", DisplayName = name, BillingGroup = billingGroup };
            db.Users.Add(user);
            db.Set<UserGroupMembership>().AddRange(groups.Select(g => new UserGroupMembership { User = user, Group = g }));
            return user;
        }
        var anna = User("anna", support, support);
        var carla = User("carla", senior, support, senior);
        var solo = User("solo", null, support);
        var nobody = User("nobody", null, support, billing);
        await db.SaveChangesAsync();
        (TenantId, SupportGroup, SeniorGroup, CustomerA, CustomerB) = (tenant.Id, support.Id, senior.Id, customerA.Id, customerB.Id);
        (Anna, Carla, Solo, Nobody) = (anna.Id, carla.Id, solo.Id, nobody.Id);
    }

    public async Task<int> TicketAsync(int? customerId, bool consent = true, string subject = "Printer offline")
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var ticket = new Ticket
        {
            Number = Interlocked.Increment(ref nextNumber),
            Subject = subject,
            Status = TicketStatus.Open,
            CustomerId = customerId,
            TenantId = TenantId,
            TimeTrackingAllowed = consent,
            CreatedAt = Clock.GetUtcNow().UtcDateTime,
            UpdatedAt = Clock.GetUtcNow().UtcDateTime,
        };
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Id;
    }

    public async Task<int> EntryAsync(int ticketId, string userId, int minutes, bool billable = true)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var start = Clock.GetUtcNow().UtcDateTime.AddDays(-1);
        var entry = new TimeEntry { TicketId = ticketId, UserId = userId, Start = start, End = start.AddMinutes(minutes), Minutes = minutes, Billable = billable, CreatedAt = start };
        db.Set<TimeEntry>().Add(entry);
        await db.SaveChangesAsync();
        return entry.Id;
    }

    public async Task TimerAsync(int ticketId, string userId)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        db.Set<RunningTimer>().Add(new RunningTimer { TicketId = ticketId, UserId = userId, StartedAt = Clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync();
    }

    public async Task<int?> LineOfAsync(int entryId)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Set<TimeEntry>().Where(e => e.Id == entryId).Select(e => e.QuoteLineId).SingleAsync();
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
