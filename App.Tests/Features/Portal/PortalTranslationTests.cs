using System.Text.RegularExpressions;
using System.Xml.Linq;
using BlazorTickets.Features.Portal;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>
/// The general translation test sees only plain L["…"] literals. The portal also shows messages with arguments
/// (L["…", name, size]) and messages that come from its services; those need German too.
/// </summary>
public sealed partial class PortalTranslationTests
{
    [GeneratedRegex("""L\["((?:[^"\\]|\\.)+)",""")]
    private static partial Regex FormattedLiteral();

    [GeneratedRegex(""""new PortalProblem\("((?:[^"\\]|\\.)+)"""")]
    private static partial Regex ProblemLiteral();

    private static string AppFolder()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "BlazorTickets.sln")))
        {
            folder = folder.Parent;
        }
        return Path.Combine(folder?.FullName ?? throw new InvalidOperationException("BlazorTickets.sln not found."), "App");
    }

    private static HashSet<string> Translated() =>
        XDocument.Load(Path.Combine(AppFolder(), "Features", "Localization", "SharedResource.de.resx"))
            .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();

    [Fact]
    public void Every_message_of_the_portal_services_has_a_German_translation()
    {
        var messages = PortalValidation.AllMessages.Concat(PortalAccessService.AllMessages).ToList();

        messages.Should().HaveCountGreaterThan(10);
        messages.Except(Translated()).Should().BeEmpty();
    }

    [Fact]
    public void Every_formatted_ui_string_and_page_message_has_a_German_translation()
    {
        var used = Directory.EnumerateFiles(AppFolder(), "*.razor", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(AppFolder(), "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText)
            .SelectMany(text => FormattedLiteral().Matches(text).Concat(ProblemLiteral().Matches(text)))
            .Select(m => m.Groups[1].Value)
            .ToHashSet();

        used.Should().Contain(["Up to {0} files, each at most {1}, together at most {2}.", "The two passwords are not the same."]);
        used.Except(Translated()).Should().BeEmpty();
    }
}
