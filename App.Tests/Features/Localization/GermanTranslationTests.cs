using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BlazorTickets.Features.Localization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Tests.Features.Localization;

public sealed partial class GermanTranslationTests
{
    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "BlazorTickets.sln")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("BlazorTickets.sln not found above the test output folder.");
    }

    [GeneratedRegex("""L\["((?:[^"\\]|\\.)+)"[\],]""")]
    private static partial Regex LocalizedLiteral();

    [Fact]
    public void Every_ui_string_used_in_a_component_has_a_German_translation()
    {
        var app = Path.Combine(RepositoryRoot(), "App");
        var used = Directory.EnumerateFiles(app, "*.razor", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(app, "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(path => LocalizedLiteral().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        var translated = XDocument.Load(Path.Combine(app, "Features", "Localization", "SharedResource.de.resx"))
            .Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();

        used.Should().NotBeEmpty();
        used.Except(translated).Should().BeEmpty("every L[\"…\"] key needs an entry in SharedResource.de.resx");
    }

    [Fact]
    public void The_localizer_answers_in_German_for_a_German_ui_culture_and_in_English_otherwise()
    {
        var services = new ServiceCollection().AddLogging().AddLocalization().BuildServiceProvider();
        var localizer = services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
            localizer["My tickets"].Value.Should().Be("Meine Tickets");
            localizer["Waiting for customer"].Value.Should().Be("Wartet auf Kunde");

            CultureInfo.CurrentUICulture = new CultureInfo("en-US");
            localizer["My tickets"].Value.Should().Be("My tickets");
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
