namespace BlazorTickets.Data;

public class DataOptions
{
    public const string Section = "BlazorTickets";

    /// <summary>Folder for the SQLite database and the data-protection key ring; relative paths are under the content root.</summary>
    public string DataFolder { get; set; } = "data";
    /// <summary>Off unless the environment (appsettings.Development.json) or the operator turns it on: demo users have a published password.</summary>
    public bool SeedDemoData { get; set; }
    /// <summary>Overrides the SQLite file in the data folder.</summary>
    public string? ConnectionString { get; set; }

    public string ResolveDataFolder(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataFolder) ? DataFolder : Path.Combine(contentRoot, DataFolder));
}
