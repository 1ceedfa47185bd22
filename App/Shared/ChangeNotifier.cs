
namespace BlazorTickets.Shared;

/// <summary>
/// Singleton fan-out of changes to every open circuit. Components subscribe after the first render,
/// redraw with InvokeAsync(StateHasChanged) and dispose the subscription. Each handler runs in its subscriber's
/// culture, not the publisher's.
/// </summary>
public abstract class ChangeNotifier<TChange>(ILogger logger)
{
    private readonly Lock gate = new();
    private Func<TChange, Task>[] handlers = [];
    private Action<TChange>? otherNodes;

    public IDisposable Subscribe(Func<TChange, Task> handler)
    {
        handler = CircuitCulture.Bind(handler);
        lock (gate)
        {
            handlers = [.. handlers, handler];
        }
        return new Subscription(this, handler);
    }

    public int SubscriberCount => handlers.Length;

    /// <summary>
    /// Where every change published here also goes: the other app nodes (set once by the cross-node bridge on
    /// PostgreSQL; never set on SQLite). Publishers need not know.
    /// </summary>
    public void SendToOtherNodes(Action<TChange> send) => otherNodes = send;

    protected void PublishChange(TChange change)
    {
        otherNodes?.Invoke(change);
        PublishLocally(change);
    }

    /// <summary>A change that another node published: to this node's subscribers only, never sent back out.</summary>
    public void PublishFromOtherNode(TChange change) => PublishLocally(FromOtherNode(change));

    /// <summary>What a change from another node becomes here (e.g. gets a local sequence number).</summary>
    protected virtual TChange FromOtherNode(TChange change) => change;

    private void PublishLocally(TChange change)
    {
        foreach (var handler in handlers)
        {
            // Fire and forget per subscriber: a slow or broken circuit must not hold up the saver or the others.
            _ = InvokeSafely(handler, change);
        }
    }

    private async Task InvokeSafely(Func<TChange, Task> handler, TChange change)
    {
        try
        {
            await handler(change);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A change subscriber failed");
        }
    }

    private void Unsubscribe(Func<TChange, Task> handler)
    {
        lock (gate)
        {
            handlers = handlers.Where(h => h != handler).ToArray();
        }
    }

    private sealed class Subscription(ChangeNotifier<TChange> owner, Func<TChange, Task> handler) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }
}
