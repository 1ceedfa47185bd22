using BlazorTickets.Features.Localization;

namespace BlazorTickets.Features.Tickets;

/// <param name="IsReplying">Writing a reply to the ticket right now (text in the reply area).</param>
public sealed record Viewer(string UserId, string Name, bool IsReplying = false);

/// <summary>Who has which ticket open right now, across all circuits of this server.</summary>
public sealed class PresenceTracker
{
    private readonly Lock gate = new();
    private readonly Dictionary<int, Dictionary<Guid, Viewer>> viewersByTicket = [];

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
        return new Presence(this, ticketId, key);
    }

    /// <summary>Distinct people viewing the ticket; one person in two tabs counts once, replying if in either.</summary>
    public IReadOnlyList<Viewer> ViewersOf(int ticketId)
    {
        lock (gate)
        {
            return viewersByTicket.TryGetValue(ticketId, out var viewers)
                ? viewers.Values.GroupBy(v => v.UserId).Select(g => g.First() with { IsReplying = g.Any(v => v.IsReplying) }).OrderBy(v => v.Name).ToList()
                : [];
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
