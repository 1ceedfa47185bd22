using BlazorTickets.Features.Localization;

namespace BlazorTickets.Features.Tickets;

/// <param name="IsReplying">Writing a reply to the ticket right now (text in the reply area).</param>
public sealed record Viewer(string UserId, string Name, bool IsReplying = false);

/// <summary>One tab opening (<paramref name="Viewer"/> set) or leaving (null) a ticket; <paramref name="Key"/> is the tab's visit.</summary>
public sealed record PresenceMove(int TicketId, Guid Key, Viewer? Viewer);

/// <summary>
/// Who has which ticket open right now, across all circuits of this server and, on PostgreSQL, of the other app nodes:
/// each node sends its tabs' comings and goings to the others and keeps theirs beside its own.
/// </summary>
public sealed class PresenceTracker
{
    private readonly Lock gate = new();
    private readonly Dictionary<int, Dictionary<Guid, Viewer>> viewersByTicket = [];
    private readonly Dictionary<int, Dictionary<Guid, (Viewer Viewer, long SeenAt)>> otherNodesViewers = [];
    private readonly Dictionary<Guid, int> otherNodesTickets = [];
    private Action<IReadOnlyList<PresenceMove>>? otherNodes;

    private readonly CultureBoundHandlers<int> changed = new();

    public event Action<int>? Changed
    {
        add => changed.Add(value);
        remove => changed.Remove(value);
    }

    public IDisposable Enter(int ticketId, Viewer viewer)
    {
        var key = Guid.NewGuid();
        lock (gate)
        {
            if (!viewersByTicket.TryGetValue(ticketId, out var viewers))
            {
                viewersByTicket[ticketId] = viewers = [];
            }
            viewers[key] = viewer;
        }
        changed.Invoke(ticketId);
        otherNodes?.Invoke([new PresenceMove(ticketId, key, viewer)]);
        return new Presence(this, ticketId, key);
    }

    /// <summary>Distinct people viewing the ticket; one person in two tabs counts once, replying if in either.</summary>
    public IReadOnlyList<Viewer> ViewersOf(int ticketId)
    {
        lock (gate)
        {
            var here = viewersByTicket.TryGetValue(ticketId, out var viewers) ? viewers.Values : Enumerable.Empty<Viewer>();
            var elsewhere = otherNodesViewers.TryGetValue(ticketId, out var remote) ? remote.Values.Select(v => v.Viewer) : [];
            return here.Concat(elsewhere)
                .GroupBy(v => v.UserId).Select(g => g.First() with { IsReplying = g.Any(v => v.IsReplying) }).OrderBy(v => v.Name).ToList();
        }
    }

    private void Leave(int ticketId, Guid key)
    {
        lock (gate)
        {
            if (viewersByTicket.TryGetValue(ticketId, out var viewers) && viewers.Remove(key) && viewers.Count == 0)
            {
                viewersByTicket.Remove(ticketId);
            }
        }
        changed.Invoke(ticketId);
        otherNodes?.Invoke([new PresenceMove(ticketId, key, null)]);
    }

    /// <summary>From now on every tab's coming and going here is also sent to <paramref name="send"/> (the other nodes).</summary>
    public void SendToOtherNodes(Action<IReadOnlyList<PresenceMove>> send) => otherNodes = send;

    /// <summary>Every tab on this node that has a ticket open, for the other nodes to refresh what they know.</summary>
    public IReadOnlyList<PresenceMove> ViewersHere()
    {
        lock (gate)
        {
            return viewersByTicket.SelectMany(t => t.Value.Select(v => new PresenceMove(t.Key, v.Key, v.Value))).ToList();
        }
    }

    /// <summary>Comings and goings on other nodes; <paramref name="now"/> marks the ones that came as last seen.</summary>
    public void FromOtherNode(IReadOnlyList<PresenceMove> moves, long now)
    {
        var tickets = new HashSet<int>();
        lock (gate)
        {
            foreach (var move in moves)
            {
                if (otherNodesTickets.TryGetValue(move.Key, out var before) && (move.Viewer is null || before != move.TicketId))
                {
                    RemoveOtherNodesViewer(move.Key, before);
                    tickets.Add(before);
                }
                if (move.Viewer is { } viewer)
                {
                    if (!otherNodesViewers.TryGetValue(move.TicketId, out var viewers))
                    {
                        otherNodesViewers[move.TicketId] = viewers = [];
                    }
                    if (!viewers.TryGetValue(move.Key, out var known) || known.Viewer != viewer)
                    {
                        tickets.Add(move.TicketId);
                    }
                    viewers[move.Key] = (viewer, now);
                    otherNodesTickets[move.Key] = move.TicketId;
                }
            }
        }
        foreach (var ticketId in tickets)
        {
            changed.Invoke(ticketId);
        }
    }

    /// <summary>Forgets other nodes' tabs not heard of since <paramref name="seenBefore"/>: their node stopped or its goodbye was lost.</summary>
    public void ForgetOtherNodesViewers(long seenBefore)
    {
        var tickets = new List<int>();
        lock (gate)
        {
            foreach (var (ticketId, viewers) in otherNodesViewers.ToList())
            {
                foreach (var (key, _) in viewers.Where(v => v.Value.SeenAt < seenBefore).ToList())
                {
                    RemoveOtherNodesViewer(key, ticketId);
                    tickets.Add(ticketId);
                }
            }
        }
        foreach (var ticketId in tickets.Distinct())
        {
            changed.Invoke(ticketId);
        }
    }

    private void RemoveOtherNodesViewer(Guid key, int ticketId)
    {
        otherNodesTickets.Remove(key);
        if (otherNodesViewers.TryGetValue(ticketId, out var viewers) && viewers.Remove(key) && viewers.Count == 0)
        {
            otherNodesViewers.Remove(ticketId);
        }
    }

    private sealed class Presence(PresenceTracker owner, int ticketId, Guid key) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Leave(ticketId, key);
            }
        }
    }
}
