namespace BlazorTickets.Tests.Infrastructure;

/// <summary>One demo-seeded database per test class, for tests that only read it or touch rows no other test uses.</summary>
public sealed class SeededDatabaseFixture : IAsyncLifetime
{
    private TestServices? services;

    public TestServices Services => services ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync() => services = await TestServices.CreateAsync(seedDemoData: true);

    public async Task DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }
    }
}
