using System.Text.Json;

namespace BlazorTickets.Data.Postgres;

/// <summary>One kind of live change that travels between app nodes (tickets, quotes, notifications, presence).</summary>
public interface ICrossNodeChannel
{
    /// <summary>Short and unique: names the kind in every message.</summary>
    string Kind { get; }

    /// <summary>From now on every change published on this node goes to <paramref name="send"/> as its items' JSON.</summary>
    void Connect(Action<IReadOnlyList<string>> send);

    /// <summary>A change another node published (all its items, reassembled): to this node's subscribers.</summary>
    void Receive(IReadOnlyList<JsonElement> items);

    /// <summary>
    /// The listening connection was down since about <paramref name="since"/>: changes of other nodes may have been
    /// missed. Tells this node's screens about what could have changed in that time, as cheaply as the kind allows.
    /// </summary>
    Task ResyncAsync(DateTime since, CancellationToken ct);
}

/// <summary>
/// A notifier's changes as lists of items, so a big change can be split over several notifications (each at most
/// 8,000 bytes) and put together again on the other side.
/// </summary>
public sealed class CrossNodeChannel<TChange, TItem>(
    string kind,
    ChangeNotifier<TChange> notifier,
    Func<TChange, IReadOnlyList<TItem>> itemsOf,
    Func<IReadOnlyList<TItem>, TChange> changeOf,
    Func<TItem, string>? write = null,
    Func<JsonElement, TItem>? read = null,
    Func<DateTime, CancellationToken, Task>? resync = null) : ICrossNodeChannel
{
    public string Kind => kind;

    public void Connect(Action<IReadOnlyList<string>> send) =>
        notifier.SendToOtherNodes(change => send(itemsOf(change).Select(Write).ToList()));

    public void Receive(IReadOnlyList<JsonElement> items) =>
        notifier.PublishFromOtherNode(changeOf(items.Select(Read).ToList()));

    public Task ResyncAsync(DateTime since, CancellationToken ct) => resync?.Invoke(since, ct) ?? Task.CompletedTask;

    private string Write(TItem item) => write is null ? JsonSerializer.Serialize(item) : write(item);

    private TItem Read(JsonElement item) => read is null ? item.Deserialize<TItem>()! : read(item);
}

public static class CrossNodeChannelServiceCollectionExtensions
{
    /// <summary>
    /// Lets a notifier's changes travel to the other nodes when the app runs on PostgreSQL; on SQLite (one process) the
    /// registration is never used.
    /// </summary>
    public static IServiceCollection AddCrossNodeChannel(this IServiceCollection services, Func<IServiceProvider, ICrossNodeChannel> channel) =>
        services.AddSingleton(channel);
}
