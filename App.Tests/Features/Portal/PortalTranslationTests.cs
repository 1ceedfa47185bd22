using BlazorTickets.Features.Portal;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>
/// Messages the portal's services return are shown through the localizer but never written as L["…"] in a
/// component, so the general translation test cannot see them.
/// </summary>
public sealed class PortalTranslationTests
{
    [Fact]
    public void Every_message_of_the_portal_services_has_a_German_translation()
    {
        var messages = PortalValidation.AllMessages.Concat(PortalAccessService.AllMessages).ToList();

        messages.Should().HaveCountGreaterThan(10);
        messages.Except(Repository.GermanTranslations()).Should().BeEmpty();
    }
}
