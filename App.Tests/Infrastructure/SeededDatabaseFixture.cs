using BlazorTickets.Data;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>One demo-seeded database per test class, for tests that only read it or touch rows no other test uses.</summary>
public class SeededDatabaseFixture : IAsyncLifetime
{
    private TestServices? services;

    public TestServices Services => services ?? throw new InvalidOperationException("The fixture is not initialized.");

    public virtual DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public async Task InitializeAsync() => services = await TestServices.CreateAsync(seedDemoData: true, provider: Provider);

    public async Task DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }
    }
}

/// <summary>The same on PostgreSQL, for test classes that run on both providers.</summary>
public sealed class PostgresSeededDatabaseFixture : SeededDatabaseFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
