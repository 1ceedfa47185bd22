using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>
/// The app's own registrations, time tracking included, over a data folder that outlives the host: disposing the
/// host and starting a new one over the same folder is a server restart. The clock is the test's.
/// </summary>
public sealed class TimeTrackingHost : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private TimeTrackingHost(ServiceProvider provider, ManualClock clock)
    {
        this.provider = provider;
        Clock = clock;
    }

    public ManualClock Clock { get; }
    public IServiceProvider Services => provider;
    public IDbContextFactory<AppDbContext> DbFactory => provider.GetRequiredService<IDbContextFactory<AppDbContext>>();
    public RunningTimerRegistry Registry => provider.GetRequiredService<RunningTimerRegistry>();
    public TimerTicker Ticker => provider.GetRequiredService<TimerTicker>();
    public TicketChangeNotifier Notifier => provider.GetRequiredService<TicketChangeNotifier>();

    /// <summary>A fresh service, as each circuit or request gets one.</summary>
    public TimeTrackingService TimeTracking => new(DbFactory, Clock, Registry, Notifier);

    public WorkloadService Workload => new(DbFactory, Clock, Registry);

    /// <summary>Builds the services over <paramref name="dataFolder"/>, migrates, and seeds the demo data if the database is empty.</summary>
    public static async Task<TimeTrackingHost> StartAsync(string dataFolder, ManualClock clock)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DataOptions.Section}:{nameof(DataOptions.DataFolder)}"] = dataFolder,
                [$"{DataOptions.Section}:{nameof(DataOptions.SeedDemoData)}"] = "true",
            })
            .Build();
        var environment = new HostEnvironment(dataFolder);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(environment);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddData(configuration, environment);
        services.AddAccount();
        services.AddDemo();
        services.AddTickets();
        services.AddTimeTracking();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var host = new TimeTrackingHost(provider, clock);
        try
        {
            await using var scope = provider.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public async Task<int> TicketIdAsync(int number)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Tickets.Where(t => t.Number == number).Select(t => t.Id).SingleAsync();
    }

    /// <summary>A demo ticket with or without the customer's consent to time tracking, the n-th of its kind.</summary>
    public async Task<int> TicketAsync(bool timeTrackingAllowed, int skip = 0)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Tickets.Where(t => t.TimeTrackingAllowed == timeTrackingAllowed).OrderBy(t => t.Number)
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
        var groupId = await db.UserGroups.Where(g => g.Name == group).Select(g => g.Id).SingleAsync();
        db.UserGroupMemberships.Add(new UserGroupMembership { UserId = user.Id, GroupId = groupId });
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
        await db.Tenants.ExecuteUpdateAsync(s => s.SetProperty(t => t.TimeRoundingMinutes, minutes));
    }

    /// <summary>Puts the entry on a quote line, as billing does.</summary>
    public async Task BillAsync(int entryId)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var entry = await db.TimeEntries.Include(e => e.Ticket).SingleAsync(e => e.Id == entryId);
        var groupId = await db.UserGroups.Where(g => g.Name == Groups.TicketSupport).Select(g => g.Id).SingleAsync();
        var quote = new Quote
        {
            Number = $"Q-{Guid.NewGuid():N}"[..20],
            TenantId = entry.Ticket.TenantId,
            CustomerId = entry.Ticket.CustomerId ?? await db.Customers.Select(c => c.Id).FirstAsync(),
            CreatedAt = Clock.GetUtcNow().UtcDateTime,
            Lines = [new QuoteLine { TicketId = entry.TicketId, UserGroupId = groupId, Text = "Support", Hours = entry.Minutes / 60m, Rate = 95m }],
        };
        db.Quotes.Add(quote);
        await db.SaveChangesAsync();
        entry.QuoteLineId = quote.Lines[0].Id;
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private sealed class HostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Development;
        public string ApplicationName { get; set; } = typeof(Program).Assembly.GetName().Name!;
        public string ContentRootPath { get; set; } = contentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(contentRoot);
    }
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
