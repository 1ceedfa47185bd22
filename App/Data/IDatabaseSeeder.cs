namespace BlazorTickets.Data;

/// <summary>
/// Fills a freshly migrated database when <see cref="DataOptions.SeedDemoData"/> is on. Data owns the seam and the
/// demo feature fills it, so Data needs to know nothing of the features above it.
/// </summary>
public interface IDatabaseSeeder
{
    /// <summary>Seeds an empty database; returns false and writes nothing when it already holds data.</summary>
    Task<bool> SeedAsync(CancellationToken ct = default);
}
