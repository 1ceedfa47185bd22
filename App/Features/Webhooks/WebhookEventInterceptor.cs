using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.TimeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace BlazorTickets.Features.Webhooks;

/// <summary>
/// Writes a webhook event, and a delivery per subscribed endpoint, for every saved change of a ticket, message, time
/// entry or quote, in the transaction of the change: an event is committed with its change or not at all. New rows
/// get their ids only during the save, so the events are written right after it, before the commit; a save without a
/// transaction of its caller gets one. Changes made with ExecuteUpdate arrive as <see cref="UntrackedChange"/>s.
/// Tenants without an active endpoint for a type cost one dictionary lookup.
/// </summary>
public sealed class WebhookEventInterceptor(WebhookSubscriptions subscriptions, WebhookSignal signal, TimeProvider clock)
    : TransactionAwareInterceptor
{
    private sealed class SaveState
    {
        public List<Draft> Drafts { get; } = [];
        public IDbContextTransaction? OwnTransaction { get; set; }
        public bool Writing { get; set; }
    }

    /// <summary>An event decided before the save; its snapshot is taken after it, when new rows have their ids.</summary>
    private sealed record Draft(string Type, int TenantId, int[] EndpointIds, object? Entity, int Id, Dictionary<string, FieldChange>? Changes)
    {
        public int Rank => Type switch
        {
            WebhookEventTypes.TicketCreated or WebhookEventTypes.QuoteCreated => 0,
            WebhookEventTypes.TicketUpdated or WebhookEventTypes.QuoteStatusChanged => 1,
            _ => 2,
        };
    }

    private static readonly HashSet<string> TicketProperties =
    [
        nameof(Ticket.Subject), nameof(Ticket.Status), nameof(Ticket.HandlerId), nameof(Ticket.CustomerId), nameof(Ticket.CustomerNote),
        nameof(Ticket.InternalNote), nameof(Ticket.ExpectedDate), nameof(Ticket.EstimatedEffortHours), nameof(Ticket.ProcessingStart),
        nameof(Ticket.ProcessingEnd), nameof(Ticket.TenantId), nameof(Ticket.TimeTrackingAllowed), nameof(Ticket.RelatedTicketId),
        nameof(Ticket.MergedIntoTicketId),
    ];

    private static readonly HashSet<string> QuoteProperties = [nameof(Quote.Status)];

    private readonly ConditionalWeakTable<DbContext, SaveState> saving = new();
    private readonly ConditionalWeakTable<DbContext, object> wakeOnCommit = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        CaptureAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await CaptureAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        WriteAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await WriteAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => FailedAsync(eventData.Context).GetAwaiter().GetResult();

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) => FailedAsync(eventData.Context);

    private async Task FailedAsync(DbContext? context)
    {
        if (context is null || !saving.TryGetValue(context, out var state) || state.Writing)
        {
            return;
        }
        saving.Remove(context);
        if (state.OwnTransaction is { } own)
        {
            await own.RollbackAsync(CancellationToken.None);
            await own.DisposeAsync();
        }
    }

    /// <summary>Most saves (users, settings, history) hold nothing an event reports; they need not read the subscriptions.</summary>
    private static bool MayReport(DbContext context) =>
        (context is AppDbContext app && app.UntrackedChanges.Count > 0)
        || context.ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified && e.Entity is Ticket or TicketMessage or TimeEntry or Quote);

    private async Task CaptureAsync(DbContext? context, CancellationToken ct)
    {
        if (context is null || saving.TryGetValue(context, out var current) && current.Writing)
        {
            return;
        }
        saving.Remove(context);
        if (!MayReport(context))
        {
            return;
        }
        var snapshot = await subscriptions.GetAsync(context, ct);
        if (snapshot.IsEmpty)
        {
            return;
        }
        var drafts = new List<Draft>();
        var ticketTenants = new Dictionary<int, int?>();
        async Task<int?> TenantOfTicketAsync(int ticketId, Ticket? loaded)
        {
            if (loaded is not null)
            {
                return loaded.TenantId;
            }
            if (!ticketTenants.TryGetValue(ticketId, out var tenant))
            {
                ticketTenants[ticketId] = tenant = await context.Set<Ticket>().AsNoTracking().Where(t => t.Id == ticketId).Select(t => (int?)t.TenantId).SingleOrDefaultAsync(ct);
            }
            return tenant;
        }
        void Add(string type, int? tenantId, object? entity, int id, Dictionary<string, FieldChange>? changes = null)
        {
            if (tenantId is int tenant && snapshot.For(tenant, type) is { Count: > 0 } endpoints)
            {
                drafts.Add(new Draft(type, tenant, [.. endpoints], entity, id, changes));
            }
        }

        foreach (var entry in context.ChangeTracker.Entries().ToList())
        {
            switch (entry.Entity)
            {
                case Ticket ticket when entry.State == EntityState.Added:
                    Add(WebhookEventTypes.TicketCreated, ticket.TenantId, ticket, 0);
                    break;
                case Ticket ticket when entry.State == EntityState.Modified && ChangesOf(entry, TicketProperties) is { Count: > 0 } changes:
                    Add(WebhookEventTypes.TicketUpdated, ticket.TenantId, ticket, ticket.Id, changes);
                    break;
                case TicketMessage message when entry.State == EntityState.Added && message.Direction == MessageDirection.Inbound:
                    Add(WebhookEventTypes.MessageReceived, await TenantOfTicketAsync(message.TicketId, message.Ticket), message, 0);
                    break;
                case TimeEntry timeEntry when entry.State == EntityState.Added:
                    Add(WebhookEventTypes.TimeEntryCreated, await TenantOfTicketAsync(timeEntry.TicketId, timeEntry.Ticket), timeEntry, 0);
                    break;
                case Quote quote when entry.State == EntityState.Added:
                    Add(WebhookEventTypes.QuoteCreated, quote.TenantId, quote, 0);
                    break;
                case Quote quote when entry.State == EntityState.Modified && ChangesOf(entry, QuoteProperties) is { Count: > 0 } changes:
                    Add(WebhookEventTypes.QuoteStatusChanged, quote.TenantId, quote, quote.Id, changes);
                    break;
            }
        }

        if (context is AppDbContext app && app.UntrackedChanges.Count > 0)
        {
            foreach (var group in app.UntrackedChanges.GroupBy(c => (c.EntityType, c.Id, Sent: c.Property == OutboxWorker.MessageSent)))
            {
                var changes = group.Where(c => !group.Key.Sent).ToDictionary(c => JsonNamingPolicy.CamelCase.ConvertName(c.Property), c => new FieldChange(c.OldValue, c.NewValue));
                var (type, id) = (group.Key.EntityType, group.Key.Id);
                if (type == typeof(Ticket) && changes.Count > 0)
                {
                    Add(WebhookEventTypes.TicketUpdated, await TenantOfTicketAsync(id, null), null, id, changes);
                }
                else if (type == typeof(TicketMessage) && group.Key.Sent)
                {
                    var ticketId = await context.Set<TicketMessage>().Where(m => m.Id == id).Select(m => (int?)m.TicketId).SingleOrDefaultAsync(ct);
                    Add(WebhookEventTypes.MessageSent, ticketId is int t ? await TenantOfTicketAsync(t, null) : null, null, id);
                }
                else if (type == typeof(Quote) && changes.Count > 0)
                {
                    var tenant = await context.Set<Quote>().Where(q => q.Id == id).Select(q => (int?)q.TenantId).SingleOrDefaultAsync(ct);
                    Add(WebhookEventTypes.QuoteStatusChanged, tenant, null, id, changes);
                }
            }
        }
        if (drafts.Count == 0)
        {
            return;
        }
        var state = new SaveState();
        state.Drafts.AddRange(drafts.OrderBy(d => d.Rank));
        if (context.Database.CurrentTransaction is null)
        {
            state.OwnTransaction = await context.Database.BeginTransactionAsync(ct);
        }
        saving.AddOrUpdate(context, state);
    }

    private static Dictionary<string, FieldChange> ChangesOf(EntityEntry entry, IReadOnlySet<string> recorded)
    {
        var changes = new Dictionary<string, FieldChange>();
        foreach (var property in entry.Properties)
        {
            if (property.IsModified && recorded.Contains(property.Metadata.Name) && !Equals(property.OriginalValue, property.CurrentValue))
            {
                changes[JsonNamingPolicy.CamelCase.ConvertName(property.Metadata.Name)] = new FieldChange(property.OriginalValue, property.CurrentValue);
            }
        }
        return changes;
    }

    private async Task WriteAsync(DbContext? context, CancellationToken ct)
    {
        if (context is null || !saving.TryGetValue(context, out var state) || state.Writing)
        {
            return;
        }
        state.Writing = true;
        var own = state.OwnTransaction;
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var written = new List<object>();
            foreach (var draft in state.Drafts)
            {
                var (data, orderKey, ticketId) = await SnapshotAsync(context, draft, ct);
                if (data is null)
                {
                    continue;
                }
                var eventId = "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
                var webhookEvent = new WebhookEvent
                {
                    EventId = eventId, TenantId = draft.TenantId, Type = draft.Type, OrderKey = orderKey, TicketId = ticketId, CreatedAt = now,
                    Payload = new WebhookPayload(eventId, draft.Type, now, draft.TenantId, data).ToJson(),
                };
                written.Add(webhookEvent);
                foreach (var endpointId in draft.EndpointIds)
                {
                    written.Add(new WebhookDelivery
                    {
                        EndpointId = endpointId, Event = webhookEvent, OrderKey = orderKey, State = WebhookDeliveryState.Pending,
                        QueuedAt = now, NextAttemptAt = now,
                    });
                }
            }
            context.AddRange(written);
            await context.SaveChangesAsync(ct);
            foreach (var row in written)
            {
                context.Entry(row).State = EntityState.Detached;
            }
            if (own is not null)
            {
                await own.CommitAsync(ct);
                signal.Wake();
            }
            else
            {
                wakeOnCommit.AddOrUpdate(context, this);
            }
        }
        catch
        {
            if (own is not null)
            {
                await own.RollbackAsync(CancellationToken.None);
            }
            throw;
        }
        finally
        {
            saving.Remove(context);
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    private static async Task<(object? Data, string OrderKey, int? TicketId)> SnapshotAsync(DbContext db, Draft draft, CancellationToken ct)
    {
        switch (draft.Entity)
        {
            case Ticket ticket:
                return (new TicketEventData(TicketSnapshot.Of(ticket), draft.Changes), TicketKey(ticket.Id), ticket.Id);
            case TicketMessage message:
                var messageTicket = message.TicketId != 0 ? message.TicketId : message.Ticket.Id;
                return (new MessageEventData(MessageSnapshot.Of(message, messageTicket)), TicketKey(messageTicket), messageTicket);
            case TimeEntry entry:
                var entryTicket = entry.TicketId != 0 ? entry.TicketId : entry.Ticket.Id;
                return (new TimeEntryEventData(TimeEntrySnapshot.Of(entry, entryTicket)), TicketKey(entryTicket), entryTicket);
            case Quote quote:
                return (new QuoteEventData(QuoteSnapshot.Of(quote), draft.Changes), QuoteKey(quote.Id), null);
        }
        // Written with ExecuteUpdate: the row as it is now, in this transaction.
        switch (draft.Type)
        {
            case WebhookEventTypes.TicketUpdated:
                var ticket = await db.Set<Ticket>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == draft.Id, ct);
                return (ticket is null ? null : new TicketEventData(TicketSnapshot.Of(ticket), draft.Changes), TicketKey(draft.Id), draft.Id);
            case WebhookEventTypes.MessageSent:
                var message = await db.Set<TicketMessage>().AsNoTracking().Include(m => m.Attachments).AsSplitQuery().SingleOrDefaultAsync(m => m.Id == draft.Id, ct);
                return message is null ? (null, "", null)
                    : (new MessageEventData(MessageSnapshot.Of(message, message.TicketId)), TicketKey(message.TicketId), message.TicketId);
            case WebhookEventTypes.QuoteStatusChanged:
                var quote = await db.Set<Quote>().AsNoTracking().SingleOrDefaultAsync(q => q.Id == draft.Id, ct);
                return (quote is null ? null : new QuoteEventData(QuoteSnapshot.Of(quote), draft.Changes), QuoteKey(draft.Id), null);
            default:
                return (null, "", null);
        }
    }

    public static string TicketKey(int ticketId) => $"ticket:{ticketId}";

    public static string QuoteKey(int quoteId) => $"quote:{quoteId}";

    protected override void Committed(DbContext? context)
    {
        if (context is not null && wakeOnCommit.TryGetValue(context, out _))
        {
            wakeOnCommit.Remove(context);
            signal.Wake();
        }
    }

    protected override void RolledBack(DbContext? context)
    {
        if (context is not null)
        {
            wakeOnCommit.Remove(context);
        }
    }
}
