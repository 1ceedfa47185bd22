using System.Text.Json;
using BlazorTickets.Data.Postgres;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// Presence between app nodes. Comings and goings travel as they happen; besides, every node repeats the whole list of
/// its tabs now and then, so a node that started later learns them and a node that died (and never said goodbye) is
/// forgotten after a while. A node that was cut off asks the others to repeat their lists at once.
/// </summary>
public sealed class PresenceChannel(PresenceTracker tracker, ILogger<PresenceChannel> logger) : ICrossNodeChannel, IDisposable
{
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan ForgetAfter = RepeatEvery * 2.5;

    private readonly CancellationTokenSource stopping = new();
    private Action<IReadOnlyList<string>>? send;

    public string Kind => "presence";

    public void Connect(Action<IReadOnlyList<string>> send)
    {
        this.send = send;
        tracker.SendToOtherNodes(moves => send(moves.Select(Write).ToList()));
        Ask();
        _ = RepeatAsync(stopping.Token);
    }

    public void Receive(IReadOnlyList<JsonElement> items)
    {
        var moves = new List<PresenceMove>();
        foreach (var item in items)
        {
            if (item.TryGetProperty("ask", out _))
            {
                SendViewersHere();
                continue;
            }
            var key = item.GetProperty("k").GetGuid();
            var ticketId = item.GetProperty("t").GetInt32();
            moves.Add(item.TryGetProperty("u", out var userId)
                ? new PresenceMove(ticketId, key, new Viewer(userId.GetString()!, item.GetProperty("n").GetString()!, item.GetProperty("r").GetBoolean()))
                : new PresenceMove(ticketId, key, null));
        }
        tracker.FromOtherNode(moves, Environment.TickCount64);
    }

    public Task ResyncAsync(DateTime since, CancellationToken ct)
    {
        Ask();
        return Task.CompletedTask;
    }

    private void Ask() => send?.Invoke(["{\"ask\":true}"]);

    private void SendViewersHere()
    {
        var here = tracker.ViewersHere();
        if (here.Count > 0)
        {
            send?.Invoke(here.Select(Write).ToList());
        }
    }

    private async Task RepeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RepeatEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    SendViewersHere();
                    tracker.ForgetOtherNodesViewers(Environment.TickCount64 - (long)ForgetAfter.TotalMilliseconds);
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Could not repeat this node's presence to the others");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Write(PresenceMove move) => move.Viewer is { } viewer
        ? JsonSerializer.Serialize(new { t = move.TicketId, k = move.Key, u = viewer.UserId, n = viewer.Name, r = viewer.IsReplying })
        : JsonSerializer.Serialize(new { t = move.TicketId, k = move.Key });

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }
}
