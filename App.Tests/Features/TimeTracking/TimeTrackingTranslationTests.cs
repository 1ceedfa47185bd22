using System.Xml.Linq;
using BlazorTickets.Features.TimeTracking;

namespace BlazorTickets.Tests.Features.TimeTracking;

public sealed class TimeTrackingTranslationTests
{
    [Fact]
    public void Every_message_the_time_tracking_services_return_has_a_German_translation()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "BlazorTickets.sln")))
        {
            folder = folder.Parent;
        }
        var resx = Path.Combine(folder!.FullName, "App", "Features", "Localization", "SharedResource.de.resx");
        var translated = XDocument.Load(resx).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();

        var messages = TimeMessages.All().ToList();

        messages.Should().HaveCountGreaterThan(10);
        messages.Except(translated).Should().BeEmpty("the components show these through the localizer");
    }
}
