using System.Globalization;
using System.Text.RegularExpressions;
using BlazorTickets.Features.Localization;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Tests.Features.Localization;

public sealed partial class GermanTranslationTests
{
    // L["text"], L["text {0}", value], and the portal's new PortalProblem("text") shown through the localizer.
    [GeneratedRegex("""(?:L\[|new PortalProblem\()"((?:[^"\\]|\\.)+)"[\],)]""")]
    private static partial Regex LocalizedLiteral();

    [Fact]
    public void Every_ui_string_used_in_a_component_has_a_German_translation()
    {
        var app = Repository.AppFolder;
        var used = Directory.EnumerateFiles(app, "*.razor", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(app, "*.cs", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(path => LocalizedLiteral().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value))
            .ToHashSet();
        var translated = Repository.GermanTranslations();

        used.Should().Contain(["Up to {0} files, each at most {1}, together at most {2}.", "The two passwords are not the same."],
            "the scan sees formatted keys and the portal's problem messages, not only plain L[\"…\"]");
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
