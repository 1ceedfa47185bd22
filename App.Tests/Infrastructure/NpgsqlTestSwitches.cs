using System.Runtime.CompilerServices;
using BlazorTickets.Data.Postgres;

namespace BlazorTickets.Tests.Infrastructure;

internal static class NpgsqlTestSwitches
{
    /// <summary>The test fixture talks to PostgreSQL before any app code runs; Npgsql must see the app's switch from the start.</summary>
    [ModuleInitializer]
    internal static void Set() => PostgresAppDbContext.UseUtcTimestampsAsStored();
}
