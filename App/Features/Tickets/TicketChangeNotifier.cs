using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Features.Tickets;

/// <summary>What about a ticket changed; a page redraws only what depends on it.</summary>
[Flags]
public enum TicketFields
{
    None = 0,
    Subject = 1 << 0,
    Status = 1 << 1,
    Handler = 1 << 2,
    Watchers = 1 << 3,
    /// <summary>The ticket's customer or its assigned customers.</summary>
    Customer = 1 << 4,
    ExpectedDate = 1 << 5,
    /// <summary>The ticket's internal note field.</summary>
    InternalNote = 1 << 6,
    CustomerNote = 1 << 7,
    /// <summary>A message the customer can see (inbound or outbound) was added, changed or removed.</summary>
    Messages = 1 << 8,
    /// <summary>An internal-note message: agents only.</summary>
    InternalMessages = 1 << 9,
    TimeEntries = 1 << 10,
    /// <summary>Time entries were billed or released from a quote.</summary>
    Billing = 1 << 11,
    Tenant = 1 << 12,
    Created = 1 << 13,
    Deleted = 1 << 14,
    /// <summary>UpdatedAt and UpdatedBy.</summary>
    Updated = 1 << 15,
    LastMessageAt = 1 << 16,
    /// <summary>Estimated effort and processing dates.</summary>
    Planning = 1 << 17,
    /// <summary>The customer's consent to time tracking.</summary>
    TimeTrackingConsent = 1 << 18,
    /// <summary>A running timer on the ticket started or stopped.</summary>
    Timer = 1 << 19,
    /// <summary>An outgoing mail's delivery state.</summary>
    Delivery = 1 << 20,
    RelatedTicket = 1 << 21,
    /// <summary>The service-level due time, or a target turned at risk or breached as time passed.</summary>
    Sla = 1 << 22,
    /// <summary>Anything not named above; treat as "may have changed everything".</summary>
    Other = 1 << 30,

    /// <summary>What the customer portal shows of a ticket.</summary>
    PortalVisible = Subject | Status | Customer | ExpectedDate | CustomerNote | Messages | Planning | TimeTrackingConsent | Tenant | Created | Deleted | Other,
    /// <summary>What the desk's information panel and header show.</summary>
    Header = Subject | Status | Handler | Watchers | Customer | ExpectedDate | InternalNote | CustomerNote | Tenant | Updated | Planning
        | TimeTrackingConsent | Sla | Deleted | Other,
    /// <summary>What the conversation shows.</summary>
    Conversation = Messages | InternalMessages | Delivery | Deleted | Other,
}

/// <summary>One ticket's change: its tenant (after the change) and version (0 if the ticket is gone).</summary>
public sealed record TicketChange(int TicketId, int TenantId, TicketFields Fields, int Version)
{
    public bool Touches(TicketFields fields) => (Fields & fields) != 0;
}

/// <summary>Changes committed together. <see cref="Sequence"/> is unique per publication, for sharing reads of it.</summary>
public sealed record TicketsChanged(IReadOnlyList<TicketChange> Changes, long Sequence = 0)
{
    public IReadOnlyCollection<int> TicketIds => Changes.Select(c => c.TicketId).ToArray();

    public TicketChange? Of(int ticketId) => Changes.FirstOrDefault(c => c.TicketId == ticketId);
}

/// <summary>Ticket changes, from any page, background job or service, to every open circuit.</summary>
public sealed class TicketChangeNotifier(ILogger<TicketChangeNotifier> logger, IServiceProvider? services = null)
    : ChangeNotifier<TicketsChanged>(logger)
{
    private long sequence;

    /// <summary>For writes the change tracker does not see (ExecuteUpdate, ExecuteDelete): the caller names the fields.</summary>
    public void Publish(IReadOnlyCollection<int> ticketIds, TicketFields fields) =>
        Publish(ticketIds.Distinct().Select(id => new TicketChange(id, 0, fields, 0)).ToList());

    /// <summary>Changes with an unknown tenant (0) get tenant and version from the database first, in one query.</summary>
    public void Publish(IReadOnlyList<TicketChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }
        if (changes.All(c => c.TenantId != 0 || c.Touches(TicketFields.Deleted)) || services is null)
        {
            PublishChange(new TicketsChanged(changes, Interlocked.Increment(ref sequence)));
            return;
        }
        _ = CompleteAndPublishAsync(changes);
    }

    /// <summary>
    /// Ticket changes between nodes, each as [id, tenant, fields, version]. After the listener was cut off, the tickets
    /// updated since then are reported as changed in unknown ways (<see cref="TicketFields.Other"/>), each by its id,
    /// so a list reads just those rows again.
    /// </summary>
    public static ICrossNodeChannel CrossNodeChannel(IServiceProvider services)
    {
        var notifier = services.GetRequiredService<TicketChangeNotifier>();
        return new CrossNodeChannel<TicketsChanged, TicketChange>("tickets", notifier,
            change => change.Changes,
            changes => new TicketsChanged(changes),
            c => $"[{c.TicketId},{c.TenantId},{(int)c.Fields},{c.Version}]",
            item => new TicketChange(item[0].GetInt32(), item[1].GetInt32(), (TicketFields)item[2].GetInt32(), item[3].GetInt32()),
            async (since, ct) =>
            {
                var dbFactory = services.GetRequiredService<IDbContextFactory<AppDbContext>>();
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var changed = await db.Set<Ticket>().AsNoTracking()
                    .Where(t => t.UpdatedAt >= since || t.LastMessageAt >= since)
                    .Select(t => new TicketChange(t.Id, t.TenantId, TicketFields.Other, t.Version))
                    .ToListAsync(ct);
                if (changed.Count > 0)
                {
                    notifier.PublishFromOtherNode(new TicketsChanged(changed));
                }
            });
    }

    protected override TicketsChanged FromOtherNode(TicketsChanged change) =>
        change with { Sequence = Interlocked.Increment(ref sequence) };

    private async Task CompleteAndPublishAsync(IReadOnlyList<TicketChange> changes)
    {
        try
        {
            var unknown = changes.Where(c => c.TenantId == 0).Select(c => c.TicketId).ToList();
            var dbFactory = services!.GetRequiredService<IDbContextFactory<AppDbContext>>();
            await using var db = await dbFactory.CreateDbContextAsync();
            var known = await db.Set<Ticket>().AsNoTracking().Where(t => unknown.Contains(t.Id))
                .Select(t => new { t.Id, t.TenantId, t.Version })
                .ToDictionaryAsync(t => t.Id);
            changes = changes.Select(c => c.TenantId != 0 ? c
                : known.TryGetValue(c.TicketId, out var t) ? c with { TenantId = t.TenantId, Version = t.Version }
                : c with { Fields = c.Fields | TicketFields.Deleted }).ToList();
        }
        catch (Exception ex)
        {
            // Better a change without its tenant than none: subscribers treat tenant 0 as "could be any".
            logger.LogWarning(ex, "Could not look up the tenants of changed tickets");
        }
        PublishChange(new TicketsChanged(changes, Interlocked.Increment(ref sequence)));
    }
}

/// <summary>
/// Publishes every saved change that touches a ticket, whoever made it (a page, a background job, a service),
/// so no caller can forget to notify; what changed is read from the change tracker. Inside an explicit transaction
/// it waits for the commit: a list that reloads on the news must find the rows.
/// </summary>
public sealed class TicketChangeInterceptor(TicketChangeNotifier notifier, IEnumerable<ITicketTouches> otherFeatures) : BlazorTickets.Data.TransactionAwareInterceptor
{
    private readonly ITicketTouches[] features = otherFeatures.ToArray();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<Touch>> saving = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<TicketChange>> uncommitted = new();

    /// <summary>A ticket touched by one tracked entity; the ticket itself if tracked, to read tenant and version after the save.</summary>
    private sealed record Touch(int TicketId, TicketFields Fields, Ticket? Ticket);

    private static readonly Dictionary<string, TicketFields> TicketProperties = new()
    {
        [nameof(Ticket.Subject)] = TicketFields.Subject,
        [nameof(Ticket.Status)] = TicketFields.Status,
        [nameof(Ticket.HandlerId)] = TicketFields.Handler,
        [nameof(Ticket.CustomerId)] = TicketFields.Customer,
        [nameof(Ticket.CustomerNote)] = TicketFields.CustomerNote,
        [nameof(Ticket.InternalNote)] = TicketFields.InternalNote,
        [nameof(Ticket.ExpectedDate)] = TicketFields.ExpectedDate,
        [nameof(Ticket.EstimatedEffortHours)] = TicketFields.Planning,
        [nameof(Ticket.ProcessingStart)] = TicketFields.Planning,
        [nameof(Ticket.ProcessingEnd)] = TicketFields.Planning,
        [nameof(Ticket.TenantId)] = TicketFields.Tenant,
        [nameof(Ticket.TimeTrackingAllowed)] = TicketFields.TimeTrackingConsent,
        [nameof(Ticket.UpdatedAt)] = TicketFields.Updated,
        [nameof(Ticket.UpdatedBy)] = TicketFields.Updated,
        [nameof(Ticket.LastMessageAt)] = TicketFields.LastMessageAt,
        [nameof(Ticket.RelatedTicketId)] = TicketFields.RelatedTicket,
        [nameof(Ticket.SlaDueAt)] = TicketFields.Sla,
        [nameof(Ticket.SlaAtRiskAt)] = TicketFields.Sla,
        [nameof(Ticket.Version)] = TicketFields.None,
    };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            saving.Remove(context);
        }
    }

    private void Capture(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var touches = new List<Touch>();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            var touch = entry.Entity switch
            {
                Ticket t => new Touch(t.Id, TicketFieldsOf(entry), t),
                TicketMessage m => new Touch(m.TicketId,
                    m.Direction == MessageDirection.InternalNote ? TicketFields.InternalMessages : TicketFields.Messages, null),
                TicketWatcher w => new Touch(w.TicketId, TicketFields.Watchers, null),
                TicketAssignedCustomer c => new Touch(c.TicketId, TicketFields.Customer, null),
                _ => OtherFeatureTouch(entry),
            };
            if (touch is not null)
            {
                touches.Add(touch);
            }
        }
        if (touches.Count > 0)
        {
            saving.AddOrUpdate(context, touches);
        }
    }

    private static TicketFields TicketFieldsOf(EntityEntry entry)
    {
        if (entry.State == EntityState.Added)
        {
            return TicketFields.Created;
        }
        if (entry.State == EntityState.Deleted)
        {
            return TicketFields.Deleted;
        }
        var fields = TicketFields.None;
        foreach (var property in entry.Properties)
        {
            if (property.IsModified)
            {
                fields |= TicketProperties.GetValueOrDefault(property.Metadata.Name, TicketFields.Other);
            }
        }
        return fields;
    }

    private Touch? OtherFeatureTouch(EntityEntry entry)
    {
        foreach (var feature in features)
        {
            if (feature.Of(entry) is { } touch)
            {
                return new Touch(touch.TicketId, touch.Fields, null);
            }
        }
        return null;
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !saving.TryGetValue(context, out var touches))
        {
            return;
        }
        saving.Remove(context);
        // After the save: new tickets have their ids, and versions are the ones written.
        var changes = touches
            .Select(t => t.Ticket is { } ticket ? t with { TicketId = ticket.Id } : t)
            .Where(t => t.TicketId > 0)
            .GroupBy(t => t.TicketId)
            .Select(group =>
            {
                var fields = group.Aggregate(TicketFields.None, (all, t) => all | t.Fields);
                return group.Select(t => t.Ticket).FirstOrDefault(t => t is not null) is { } ticket
                    ? new TicketChange(group.Key, ticket.TenantId, fields, fields.HasFlag(TicketFields.Deleted) ? 0 : ticket.Version)
                    : new TicketChange(group.Key, 0, fields, 0);
            })
            .ToList();
        if (context.Database.CurrentTransaction is null)
        {
            notifier.Publish(changes);
            return;
        }
        uncommitted.GetOrCreateValue(context).AddRange(changes);
    }

    protected override void Committed(DbContext? context)
    {
        if (context is not null && uncommitted.TryGetValue(context, out var changes))
        {
            uncommitted.Remove(context);
            // Several saves in one transaction: one change per ticket, the latest tenant and version.
            notifier.Publish(changes
                .GroupBy(c => c.TicketId)
                .Select(g => g.Last() with { Fields = g.Aggregate(TicketFields.None, (all, c) => all | c.Fields), TenantId = g.LastOrDefault(c => c.TenantId != 0)?.TenantId ?? 0, Version = g.Max(c => c.Version) })
                .ToList());
        }
    }

    protected override void RolledBack(DbContext? context)
    {
        if (context is not null)
        {
            uncommitted.Remove(context);
        }
    }
}
