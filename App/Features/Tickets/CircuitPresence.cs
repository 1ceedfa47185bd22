using Microsoft.AspNetCore.Components.Server.Circuits;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// This circuit's (browser tab's) place in <see cref="PresenceTracker"/>. A tab whose connection drops leaves at
/// once; Blazor would keep the circuit, and with it the page, for minutes in case the tab reconnects.
/// </summary>
public sealed class CircuitPresence(PresenceTracker tracker) : CircuitHandler
{
    private readonly Lock gate = new();
    private (int TicketId, Viewer Viewer)? viewing;
    private IDisposable? registration;
    private bool connected = true;

    public void Enter(int ticketId, Viewer viewer)
    {
        lock (gate)
        {
            registration?.Dispose();
            viewing = (ticketId, viewer);
            registration = connected ? tracker.Enter(ticketId, viewer) : null;
        }
    }

    /// <summary>Tells the others on this ticket whether this tab is writing a reply; nothing happens when that did not change.</summary>
    public void SetReplying(bool replying)
    {
        lock (gate)
        {
            if (viewing is not { } current || current.Viewer.IsReplying == replying)
            {
                return;
            }
            viewing = (current.TicketId, current.Viewer with { IsReplying = replying });
            if (connected)
            {
                registration?.Dispose();
                registration = tracker.Enter(current.TicketId, viewing.Value.Viewer);
            }
        }
    }

    public void Leave()
    {
        lock (gate)
        {
            registration?.Dispose();
            registration = null;
            viewing = null;
        }
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            connected = false;
            registration?.Dispose();
            registration = null;
        }
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            connected = true;
            if (viewing is { } current && registration is null)
            {
                registration = tracker.Enter(current.TicketId, current.Viewer);
            }
        }
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Leave();
        return Task.CompletedTask;
    }
}
