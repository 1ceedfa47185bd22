using BlazorTickets.Data;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Admin;

/// <summary>
/// <see cref="TestServices"/> seen through one long-lived scope, because the admin services are scoped.
/// </summary>
public sealed class AdminTestHost : IAsyncDisposable
{
    private readonly TestServices app;
    private readonly AsyncServiceScope scope;

    private AdminTestHost(TestServices app)
    {
        this.app = app;
        scope = app.CreateScope();
    }

    public IServiceProvider Services => scope.ServiceProvider;

    public static async Task<AdminTestHost> StartAsync(bool seedDemoData = false) =>
        new(await TestServices.CreateAsync(seedDemoData, TimeProvider.System));

    /// <summary>The server under the scope, for a bUnit circuit on the same database (<see cref="BlazorTicketsTestContext"/>).</summary>
    public TestServices App => app;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public AppDbContext CreateDbContext() => app.DbFactory.CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await scope.DisposeAsync();
        await app.DisposeAsync();
    }
}
