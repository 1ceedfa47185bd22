using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>Who is writing a reply to a ticket, across the tabs (circuits) of this server.</summary>
public sealed class ReplyingPresenceTests
{
    [Fact]
    public void A_tab_that_starts_and_stops_writing_tells_the_others_and_one_person_in_two_tabs_counts_once()
    {
        var tracker = new PresenceTracker();
        var heard = new List<int>();
        tracker.Changed += heard.Add;
        var annaFirstTab = new CircuitPresence(tracker);
        var annaSecondTab = new CircuitPresence(tracker);
        var ben = new CircuitPresence(tracker);
        annaFirstTab.Enter(7, new Viewer("anna", "Anna Agent"));
        annaSecondTab.Enter(7, new Viewer("anna", "Anna Agent"));
        ben.Enter(7, new Viewer("ben", "Ben Berger"));
        heard.Clear();

        annaSecondTab.SetReplying(true);

        heard.Should().NotBeEmpty().And.OnlyContain(ticket => ticket == 7);
        tracker.ViewersOf(7).Should().Equal(new Viewer("anna", "Anna Agent", IsReplying: true), new Viewer("ben", "Ben Berger"));

        heard.Clear();
        annaSecondTab.SetReplying(true);
        heard.Should().BeEmpty("nothing changed");

        annaSecondTab.SetReplying(false);
        tracker.ViewersOf(7).Should().OnlyContain(v => !v.IsReplying);

        annaFirstTab.SetReplying(true);
        annaFirstTab.Leave();
        tracker.ViewersOf(7).Should().Equal(new Viewer("anna", "Anna Agent"), new Viewer("ben", "Ben Berger"));
    }
}
