using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Tests.Features.Tickets;

public sealed class CircuitPresenceTests
{
    private readonly PresenceTracker tracker = new();

    [Fact]
    public async Task A_tab_whose_connection_drops_leaves_at_once_and_comes_back_when_it_reconnects()
    {
        var tab = new CircuitPresence(tracker);
        tab.Enter(7, new Viewer("u1", "Carla Senior"));
        tracker.ViewersOf(7).Should().ContainSingle(v => v.Name == "Carla Senior");

        await tab.OnConnectionDownAsync(null!, CancellationToken.None);
        tracker.ViewersOf(7).Should().BeEmpty();

        await tab.OnConnectionUpAsync(null!, CancellationToken.None);
        tracker.ViewersOf(7).Should().ContainSingle(v => v.Name == "Carla Senior");
    }

    [Fact]
    public void Opening_another_ticket_in_the_same_tab_moves_the_viewer()
    {
        var tab = new CircuitPresence(tracker);
        tab.Enter(7, new Viewer("u1", "Carla Senior"));

        tab.Enter(8, new Viewer("u1", "Carla Senior"));

        tracker.ViewersOf(7).Should().BeEmpty();
        tracker.ViewersOf(8).Should().ContainSingle();
    }

    [Fact]
    public async Task A_closed_circuit_leaves_and_a_later_reconnect_does_not_bring_it_back()
    {
        var tab = new CircuitPresence(tracker);
        tab.Enter(7, new Viewer("u1", "Carla Senior"));

        await tab.OnCircuitClosedAsync(null!, CancellationToken.None);
        await tab.OnConnectionUpAsync(null!, CancellationToken.None);

        tracker.ViewersOf(7).Should().BeEmpty();
    }
}
