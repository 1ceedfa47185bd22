using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Features.Tickets.History;

/// <summary>
/// A history entry that another feature derives from one of its saved entities; <see cref="Ticket"/> is the entity's
/// navigation, for a ticket saved in the same batch that has no id yet.
/// </summary>
public sealed record HistoryDraft(int TicketId, Ticket? Ticket, HistoryKind Kind, string? Field, string? OldValue, string? NewValue, bool IsInternal);

/// <summary>Turns a saved entity of another feature into history entries of its ticket; each feature registers its own.</summary>
public interface ITicketHistorySource
{
    IEnumerable<HistoryDraft> Of(EntityEntry entry);
}

/// <summary>
/// Writes the history of every tracked change to a ticket into the same save, hence the same transaction: history and
/// state cannot disagree. Writers that bypass the change tracker (ExecuteUpdate) add their entries themselves.
/// </summary>
public sealed class TicketHistoryInterceptor(IEnumerable<ITicketHistorySource> otherFeatures, TimeProvider clock) : SaveChangesInterceptor
{
    private readonly ITicketHistorySource[] features = otherFeatures.ToArray();

    private static readonly Dictionary<string, (HistoryKind Kind, bool IsInternal)> RecordedProperties = new()
    {
        [nameof(Ticket.Subject)] = (HistoryKind.Field, false),
        [nameof(Ticket.Status)] = (HistoryKind.Status, false),
        [nameof(Ticket.HandlerId)] = (HistoryKind.Handler, true),
        [nameof(Ticket.CustomerId)] = (HistoryKind.Customers, true),
        [nameof(Ticket.CustomerNote)] = (HistoryKind.Field, false),
        [nameof(Ticket.InternalNote)] = (HistoryKind.Field, true),
        [nameof(Ticket.ExpectedDate)] = (HistoryKind.Field, false),
        [nameof(Ticket.EstimatedEffortHours)] = (HistoryKind.Field, false),
        [nameof(Ticket.ProcessingStart)] = (HistoryKind.Field, true),
        [nameof(Ticket.ProcessingEnd)] = (HistoryKind.Field, true),
        [nameof(Ticket.TenantId)] = (HistoryKind.Field, true),
        [nameof(Ticket.TimeTrackingAllowed)] = (HistoryKind.Consent, false),
        [nameof(Ticket.RelatedTicketId)] = (HistoryKind.Field, true),
    };

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Record(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Record(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var entries = new List<TicketHistoryEntry>();
        var created = new Dictionary<Ticket, TicketHistoryEntry>(ReferenceEqualityComparer.Instance);
        var addedMessages = new List<TicketMessage>();
        string? updatedBy = null;
        foreach (var entry in context.ChangeTracker.Entries().ToList())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            switch (entry.Entity)
            {
                case TicketHistoryEntry:
                    break;
                case Ticket ticket:
                    updatedBy ??= ticket.UpdatedBy;
                    foreach (var history in OfTicket(entry, ticket))
                    {
                        entries.Add(history);
                        if (history.Kind == HistoryKind.Created)
                        {
                            created[ticket] = history;
                        }
                    }
                    break;
                case TicketMessage message:
                    if (entry.State == EntityState.Added)
                    {
                        addedMessages.Add(message);
                    }
                    break;
                case TicketWatcher watcher when entry.State is EntityState.Added or EntityState.Deleted:
                    entries.Add(Linked(watcher.TicketId, watcher.Ticket, HistoryKind.Watchers, nameof(TicketWatcher), entry.State, watcher.UserId));
                    break;
                case TicketAssignedCustomer assigned when entry.State is EntityState.Added or EntityState.Deleted:
                    entries.Add(Linked(assigned.TicketId, assigned.Ticket, HistoryKind.Customers, nameof(TicketAssignedCustomer), entry.State,
                        assigned.CustomerId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                default:
                    foreach (var feature in features)
                    {
                        entries.AddRange(feature.Of(entry).Select(d => WithTicket(new TicketHistoryEntry
                        {
                            Kind = d.Kind, Field = TicketHistory.Clip(d.Field, TicketHistory.MaxFieldLength), OldValue = TicketHistory.Clip(d.OldValue),
                            NewValue = TicketHistory.Clip(d.NewValue), IsInternal = d.IsInternal,
                        }, d.TicketId, d.Ticket)));
                    }
                    break;
            }
        }
        foreach (var message in addedMessages)
        {
            // The mail that opens a ticket is its creation: one entry (with the sender) instead of two, which the import writes for every new ticket.
            if (message.Direction == MessageDirection.Inbound && message.Ticket is { } opened
                && created.TryGetValue(opened, out var creation) && creation.Field is null)
            {
                creation.Field = TicketHistory.Clip(message.From, TicketHistory.MaxFieldLength);
                continue;
            }
            entries.Add(OfMessage(message));
        }
        if (entries.Count == 0)
        {
            return;
        }
        var actor = TicketHistory.Actor ?? new HistoryActor(ActorKind.System, updatedBy ?? "System");
        foreach (var history in entries)
        {
            history.At = now;
            history.ActorKind = actor.Kind;
            history.ActorId = actor.Id;
            history.ActorName = TicketHistory.Clip(actor.Name)!;
        }
        context.AddRange(entries);
    }

    private static IEnumerable<TicketHistoryEntry> OfTicket(EntityEntry entry, Ticket ticket)
    {
        if (entry.State == EntityState.Added)
        {
            yield return new TicketHistoryEntry { Ticket = ticket, Kind = HistoryKind.Created, NewValue = TicketHistory.Clip(ticket.Subject) };
            yield break;
        }
        if (entry.State != EntityState.Modified)
        {
            yield break;
        }
        foreach (var property in entry.Properties)
        {
            if (!property.IsModified || !RecordedProperties.TryGetValue(property.Metadata.Name, out var recorded)
                || Equals(property.OriginalValue, property.CurrentValue))
            {
                continue;
            }
            yield return new TicketHistoryEntry
            {
                TicketId = ticket.Id,
                Kind = recorded.Kind,
                Field = property.Metadata.Name,
                OldValue = TicketHistory.Clip(TicketHistoryValues.Format(property.OriginalValue)),
                NewValue = TicketHistory.Clip(TicketHistoryValues.Format(property.CurrentValue)),
                IsInternal = recorded.IsInternal,
            };
        }
    }

    private static TicketHistoryEntry OfMessage(TicketMessage message)
    {
        var kind = message.Direction switch
        {
            MessageDirection.Inbound => HistoryKind.MessageIn,
            MessageDirection.Outbound => HistoryKind.MessageOut,
            _ => HistoryKind.Note,
        };
        var summary = kind == HistoryKind.Note ? message.TextBody : message.Subject;
        var history = new TicketHistoryEntry
        {
            Kind = kind,
            Field = TicketHistory.Clip(message.From, TicketHistory.MaxFieldLength),
            NewValue = TicketHistory.Clip(summary is { Length: > 200 } ? summary[..199] + "…" : summary),
            IsInternal = kind == HistoryKind.Note,
        };
        return WithTicket(history, message.TicketId, message.Ticket);
    }

    private static TicketHistoryEntry Linked(int ticketId, Ticket? ticket, HistoryKind kind, string field, EntityState state, string value) =>
        WithTicket(new TicketHistoryEntry
        {
            Kind = kind,
            Field = field,
            OldValue = state == EntityState.Deleted ? value : null,
            NewValue = state == EntityState.Added ? value : null,
            IsInternal = true,
        }, ticketId, ticket);

    // A ticket saved in the same batch has no id yet: the navigation lets EF fill it in.
    private static TicketHistoryEntry WithTicket(TicketHistoryEntry history, int ticketId, Ticket? ticket)
    {
        if (ticketId == 0 && ticket is not null)
        {
            history.Ticket = ticket;
        }
        else
        {
            history.TicketId = ticketId;
        }
        return history;
    }
}
