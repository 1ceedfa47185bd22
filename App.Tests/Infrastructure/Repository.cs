using System.Xml.Linq;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>The source checkout the tests run from, for tests that read the app's own files.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string AppFolder => Path.Combine(Root, "App");

    private static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "BlazorTickets.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("BlazorTickets.sln was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The keys of SharedResource.de.resx: every English text that has a German translation.</summary>
    public static HashSet<string> GermanTranslations() =>
        XDocument.Load(Path.Combine(AppFolder, "Features", "Localization", "SharedResource.de.resx"))
            .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
}
