namespace BlazorTickets.Tests.Infrastructure;

/// <summary>A fresh folder under the system temp path or a given parent folder, removed again on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "blazortickets-tests", string? parent = null)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a file still held open (e.g. by a late SQLite handle) must not fail the test run.
        }
    }
}
