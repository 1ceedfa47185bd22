using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>
/// The app's own registrations (<see cref="TestServices"/>) over a data folder that outlives the host: disposing the
/// host and starting a new one over the same folder is a server restart. The clock is the test's.
/// </summary>
public sealed class TimeTrackingHost : IAsyncDisposable
{
    private TimeTrackingHost(TestServices app, ManualClock clock)
    {
        App = app;
        Clock = clock;
    }

    /// <summary>The app's services (AddBlazorTickets) over the data folder; a bUnit circuit runs on it too.</summary>
    public TestServices App { get; }
    public ManualClock Clock { get; }
    public IServiceProvider Services => App.Services;
    public IDbContextFactory<AppDbContext> DbFactory => App.DbFactory;
    public RunningTimerRegistry Registry => App.Get<RunningTimerRegistry>();
    public TimerTicker Ticker => App.Get<TimerTicker>();
    public TicketChangeNotifier Notifier => App.Get<TicketChangeNotifier>();

    /// <summary>A fresh service, as each circuit or request gets one.</summary>
    public TimeTrackingService TimeTracking => new(DbFactory, Clock, Registry, Notifier);

    public WorkloadService Workload => new(DbFactory, Clock, Registry);

    /// <summary>Builds the services over <paramref name="dataFolder"/>, migrates, and seeds the demo data if the database is empty.</summary>
    public static async Task<TimeTrackingHost> StartAsync(string dataFolder, ManualClock clock) =>
        new(await TestServices.CreateAsync(seedDemoData: true, clock: clock, dataFolder: dataFolder), clock);

    public async Task<int> TicketIdAsync(int number)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.Id).SingleAsync();
    }

    /// <summary>A demo ticket with or without the customer's consent to time tracking, the n-th of its kind.</summary>
    public async Task<int> TicketAsync(bool timeTrackingAllowed, int skip = 0)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.TimeTrackingAllowed == timeTrackingAllowed).OrderBy(t => t.Number)
            .Skip(skip).Select(t => t.Id).FirstAsync();
    }

    /// <summary>A new agent of its own (group Ticket-Support, no password), so tests sharing a database never share timers.</summary>
    public async Task<string> NewAgentAsync(string name, string group = Groups.TicketSupport)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var email = $"{Guid.NewGuid():N}@agents.example";
        var user = new AppUser
        {
            UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(),
            DisplayName = name, SecurityStamp = Guid.NewGuid().ToString(),
        };
        db.Users.Add(user);
        var groupId = await db.Set<UserGroup>().Where(g => g.Name == group).Select(g => g.Id).SingleAsync();
        db.Set<UserGroupMembership>().Add(new UserGroupMembership { UserId = user.Id, GroupId = groupId });
        await db.SaveChangesAsync();
        return user.Id;
    }

    public async Task<string> UserIdAsync(string email)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    public async Task SetRoundingAsync(int minutes)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        await db.Set<Tenant>().ExecuteUpdateAsync(s => s.SetProperty(t => t.TimeRoundingMinutes, minutes));
    }

    /// <summary>Puts the entry on a quote line, as billing does.</summary>
    public async Task BillAsync(int entryId)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var entry = await db.Set<TimeEntry>().Include(e => e.Ticket).SingleAsync(e => e.Id == entryId);
        var groupId = await db.Set<UserGroup>().Where(g => g.Name == Groups.TicketSupport).Select(g => g.Id).SingleAsync();
        var quote = new Quote
        {
            Number = $"Q-{Guid.NewGuid():N}"[..20],
            TenantId = entry.Ticket.TenantId,
            CustomerId = entry.Ticket.CustomerId ?? await db.Set<Customer>().Select(c => c.Id).FirstAsync(),
            CreatedAt = Clock.GetUtcNow().UtcDateTime,
            Lines = [new QuoteLine { TicketId = entry.TicketId, UserGroupId = groupId, Text = "Support", Hours = entry.Minutes / 60m, Rate = 95m }],
        };
        db.Set<Quote>().Add(quote);
        await db.SaveChangesAsync();
        entry.QuoteLineId = quote.Lines[0].Id;
        await db.SaveChangesAsync();
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>One demo-seeded database and host per test class; tests use agents of their own.</summary>
public sealed class TimeTrackingFixture : IAsyncLifetime
{
    private readonly TempFolder folder = new("blazortickets-time");
    private TimeTrackingHost? host;

    public string DataFolder => folder.Path;

    public TimeTrackingHost Host => host ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync() => host = await TimeTrackingHost.StartAsync(folder.Path, new ManualClock());

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
        folder.Dispose();
    }
}
