using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BlazorTickets.Bench;

/// <summary>The app's services over a fresh data folder, optionally with its hosted services (Quartz, IDLE push) running.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly TempFolder folder = new("blazortickets-bench");
    private readonly IHost host;

    private BenchHost(bool seedDemoData)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BlazorTickets:DataFolder"] = folder.Path,
            ["BlazorTickets:SeedDemoData"] = seedDemoData ? "true" : "false",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddBlazorTickets(builder.Configuration, builder.Environment);
        host = builder.Build();
    }

    public IServiceProvider Services => host.Services;
    public IDbContextFactory<AppDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
    public string DataFolder => folder.Path;

    public static async Task<BenchHost> CreateAsync(bool seedDemoData = false)
    {
        var bench = new BenchHost(seedDemoData);
        await using var scope = bench.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        return bench;
    }

    public Task StartAsync() => host.StartAsync();

    public async Task<int> CreateTenantWithMailboxAsync(DovecotServer dovecot, string user, bool push)
    {
        int tenantId;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            var tenant = new Tenant { Name = "Bench tenant", SenderAddress = "support@bench.example", SenderName = "Bench" };
            db.Set<Tenant>().Add(tenant);
            await db.SaveChangesAsync();
            tenantId = tenant.Id;
        }
        await Services.GetRequiredService<MailboxSettingsService>().PointAtAsync(tenantId, dovecot, user, input =>
        {
            input.ScheduleEnabled = false;
            input.PushEnabled = push;
        });
        return tenantId;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync();
        }
        catch (OperationCanceledException)
        {
        }
        host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        folder.Dispose();
    }
}
