using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.TimeTracking;

public sealed class TimeTrackingTranslationTests
{
    [Fact]
    public void Every_message_the_time_tracking_services_return_has_a_German_translation()
    {
        var messages = TimeMessages.All().ToList();

        messages.Should().HaveCountGreaterThan(10);
        messages.Except(Repository.GermanTranslations()).Should().BeEmpty("the components show these through the localizer");
    }
}
