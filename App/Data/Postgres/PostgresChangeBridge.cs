using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;

namespace BlazorTickets.Data.Postgres;

/// <summary>What the bridge between the nodes needs to know; registered only on PostgreSQL.</summary>
public sealed record CrossNodeSettings(string ConnectionString)
{
    /// <summary>The LISTEN/NOTIFY channel; NOTIFY is per database, so all nodes of one database meet here.</summary>
    public const string Channel = "blazortickets_changes";

    /// <summary>How long the listener waits for a notification before it checks that its connection still lives.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan LongestRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After a reconnect, changes from this long before the last sign of life are reported again (clock skew between nodes).</summary>
    public TimeSpan ResyncMargin { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Carries live changes between app nodes on one PostgreSQL database. Every change a notifier publishes on this node
/// is sent with pg_notify (compact JSON, split into parts below the 8,000-byte limit, all parts in one transaction);
/// a connection of its own LISTENs and hands what the other nodes sent to this node's notifiers, which do not send
/// it on. A node skips its own messages by the node id in each one. When the listening connection drops it comes
/// back with growing pauses, and each channel then tells its screens what may have changed meanwhile.
/// </summary>
public sealed class PostgresChangeBridge(
    CrossNodeSettings settings, IEnumerable<ICrossNodeChannel> channels, TimeProvider clock, ILogger<PostgresChangeBridge> logger)
    : BackgroundService
{
    /// <summary>pg_notify refuses payloads of 8,000 bytes and more.</summary>
    public const int MaxPayloadBytes = 7999;

    private readonly Dictionary<string, ICrossNodeChannel> byKind = channels.ToDictionary(c => c.Kind);
    private readonly Channel<string[]> outgoing = Channel.CreateUnbounded<string[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<(string Node, long Sequence), JsonElement[]?[]> partial = [];
    private readonly NpgsqlDataSource sender = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(settings.ConnectionString) { ApplicationName = "BlazorTickets notify" }.ConnectionString);
    private long sequence;
    private volatile int listenerProcessId;
    private long received;

    /// <summary>This process's id in every message it sends.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The server process of the listening connection while it listens (0 otherwise).</summary>
    public int ListenerProcessId => listenerProcessId;

    /// <summary>Messages from other nodes handed to this node's notifiers.</summary>
    public long Received => Interlocked.Read(ref received);

    /// <summary>Times the listening connection was re-established after it was lost.</summary>
    public int Reconnects { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in byKind.Values)
        {
            channel.Connect(items => Send(channel.Kind, items));
        }
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(() => ListenAsync(stoppingToken), CancellationToken.None), Task.Run(() => SendAsync(stoppingToken), CancellationToken.None));

    private void Send(string kind, IReadOnlyList<string> items)
    {
        if (items.Count > 0)
        {
            outgoing.Writer.TryWrite(Payloads(kind, items, Interlocked.Increment(ref sequence)));
        }
    }

    /// <summary>The message's items in parts that each fit into one notification.</summary>
    private string[] Payloads(string kind, IReadOnlyList<string> items, long messageSequence)
    {
        const int envelopeReserve = 160;
        var budget = MaxPayloadBytes - envelopeReserve - Encoding.UTF8.GetByteCount(kind);
        var parts = new List<List<string>>();
        var current = new List<string>();
        var size = 0;
        foreach (var item in items)
        {
            var itemSize = Encoding.UTF8.GetByteCount(item) + 1;
            if (itemSize > budget)
            {
                logger.LogWarning("A {Kind} change item of {Bytes} bytes is too big for another node; it is not sent", kind, itemSize);
                continue;
            }
            if (size + itemSize > budget && current.Count > 0)
            {
                parts.Add(current);
                current = [];
                size = 0;
            }
            current.Add(item);
            size += itemSize;
        }
        if (current.Count > 0)
        {
            parts.Add(current);
        }
        return parts.Select((part, index) =>
            $"{{\"n\":\"{NodeId}\",\"s\":{messageSequence},\"p\":{index},\"c\":{parts.Count},\"k\":{JsonSerializer.Serialize(kind)},\"i\":[{string.Join(',', part)}]}}")
            .ToArray();
    }

    private async Task SendAsync(CancellationToken ct)
    {
        try
        {
            await SendAllAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task SendAllAsync(CancellationToken ct)
    {
        var batch = new List<string[]>();
        while (await outgoing.Reader.WaitToReadAsync(ct))
        {
            batch.Clear();
            var notifications = 0;
            while (notifications < 500 && outgoing.Reader.TryRead(out var message))
            {
                batch.Add(message);
                notifications += message.Length;
            }
            try
            {
                await NotifyAsync(batch, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Once more on a new connection; a database that is down has lost the changes themselves too.
                logger.LogWarning(ex, "Sending {Count} changes to the other nodes failed; trying once more", batch.Count);
                try
                {
                    await NotifyAsync(batch, ct);
                }
                catch (Exception again) when (!ct.IsCancellationRequested)
                {
                    logger.LogError(again, "{Count} changes did not reach the other nodes", batch.Count);
                }
            }
        }
    }

    /// <summary>One transaction: the parts of a message arrive together and in order.</summary>
    private async Task NotifyAsync(List<string[]> messages, CancellationToken ct)
    {
        await using var connection = await sender.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var payload in messages.SelectMany(m => m))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_notify($1, $2)")
            {
                Parameters = { new() { Value = CrossNodeSettings.Channel }, new() { Value = payload } },
            });
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        var listen = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            Pooling = false,
            ApplicationName = "BlazorTickets listener",
        }.ConnectionString;
        var retry = settings.FirstRetry;
        DateTime? lostSince = null;
        var lastAlive = clock.GetUtcNow().UtcDateTime;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listen);
                await connection.OpenAsync(ct);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var command = new NpgsqlCommand($"LISTEN {CrossNodeSettings.Channel}", connection))
                {
                    await command.ExecuteNonQueryAsync(ct);
                }
                listenerProcessId = connection.ProcessID;
                if (lostSince is { } since)
                {
                    Reconnects++;
                    logger.LogInformation("Listening for other nodes' changes again; reporting what changed since {Since:O}", since);
                    await ResyncAsync(since, ct);
                    lostSince = null;
                }
                retry = settings.FirstRetry;
                while (true)
                {
                    lastAlive = clock.GetUtcNow().UtcDateTime;
                    if (!await connection.WaitAsync(settings.PingInterval, ct))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                listenerProcessId = 0;
                lostSince ??= lastAlive - settings.ResyncMargin;
                logger.LogWarning(ex, "Listening for other nodes' changes failed; trying again in {Retry}", retry);
                try
                {
                    await Task.Delay(retry, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, settings.LongestRetry.Ticks));
            }
        }
        listenerProcessId = 0;
    }

    private async Task ResyncAsync(DateTime since, CancellationToken ct)
    {
        foreach (var channel in byKind.Values)
        {
            try
            {
                await channel.ResyncAsync(since, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not report the {Kind} changes missed while not listening", channel.Kind);
            }
        }
    }

    private void OnNotification(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            var node = root.GetProperty("n").GetString()!;
            if (node == NodeId)
            {
                return;
            }
            var kind = root.GetProperty("k").GetString()!;
            if (!byKind.TryGetValue(kind, out var channel))
            {
                return;
            }
            var items = root.GetProperty("i").EnumerateArray().Select(i => i.Clone()).ToArray();
            var count = root.GetProperty("c").GetInt32();
            if (count > 1)
            {
                if (Assemble((node, root.GetProperty("s").GetInt64()), root.GetProperty("p").GetInt32(), count, items) is not { } whole)
                {
                    return;
                }
                items = whole;
            }
            Interlocked.Increment(ref received);
            channel.Receive(items);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A change from another node could not be read");
        }
    }

    /// <summary>Collects a message's parts; the whole message once its last part came.</summary>
    private JsonElement[]? Assemble((string Node, long Sequence) key, int part, int count, JsonElement[] items)
    {
        if (!partial.TryGetValue(key, out var parts))
        {
            // Parts of one message arrive together; a few leftovers of broken messages are all that can pile up.
            if (partial.Count > 100)
            {
                partial.Clear();
            }
            partial[key] = parts = new JsonElement[]?[count];
        }
        parts[part] = items;
        if (parts.Any(p => p is null))
        {
            return null;
        }
        partial.Remove(key);
        return parts.SelectMany(p => p!).ToArray();
    }

    public override void Dispose()
    {
        base.Dispose();
        sender.Dispose();
    }
}
