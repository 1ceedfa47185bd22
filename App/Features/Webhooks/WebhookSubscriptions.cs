using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Webhooks;

/// <summary>
/// Which active endpoints each tenant has for each event type, held in memory so that a save in an installation
/// without webhooks costs nothing. Read through the saving context (same connection and transaction); dropped on
/// every change of an endpoint.
/// </summary>
public sealed class WebhookSubscriptions
{
    public sealed record Snapshot(IReadOnlyDictionary<(int TenantId, string Type), int[]> Endpoints)
    {
        public bool IsEmpty => Endpoints.Count == 0;

        public IReadOnlyList<int> For(int tenantId, string type) => Endpoints.TryGetValue((tenantId, type), out var ids) ? ids : [];
    }

    private Snapshot? current;
    private long generation;

    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        Volatile.Write(ref current, null);
    }

    public async Task<Snapshot> GetAsync(DbContext db, CancellationToken ct)
    {
        if (Volatile.Read(ref current) is { } known)
        {
            return known;
        }
        var started = Interlocked.Read(ref generation);
        var endpoints = await db.Set<WebhookEndpoint>().AsNoTracking().Where(e => e.IsActive)
            .Select(e => new { e.Id, e.TenantId, e.EventTypes }).ToListAsync(ct);
        var snapshot = new Snapshot(endpoints
            .SelectMany(e => WebhookEndpoint.SubscribedIn(e.EventTypes).Select(type => (e.TenantId, Type: type, e.Id)))
            .GroupBy(s => (s.TenantId, s.Type))
            .ToDictionary(g => g.Key, g => g.Select(s => s.Id).Order().ToArray()));
        // An endpoint changed while this was read: keep the result for this save only.
        if (Interlocked.Read(ref generation) == started)
        {
            Interlocked.CompareExchange(ref current, snapshot, null);
        }
        return snapshot;
    }
}
