using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Features.TimeTracking;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Merging;

public abstract record MergeResult
{
    public sealed record Merged(int TargetId, int MessagesMoved, int TimeEntriesMoved) : MergeResult;
    public sealed record Refused(string Reason) : MergeResult;
}

public abstract record SplitResult
{
    public sealed record Split(int NewTicketId, int NewTicketNumber, int MessagesMoved) : SplitResult;
    public sealed record Refused(string Reason) : SplitResult;
}

/// <summary>
/// Merges duplicate tickets into one. Everything moves to the target in one transaction: messages with their
/// attachments and notes, time entries (billed ones stay on their quote lines), running timers, queued replies, watchers
/// and customers. The sources are closed and point at the target, so opening one or mail naming it leads there.
/// </summary>
public sealed class TicketMergeService(
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TicketChangeNotifier notifier, TenantScope? tenantScope = null)
{
    private Task<TenantAccess> AccessAsync(CancellationToken ct) => tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All);

    /// <summary>The ticket id of a number, for the merge form; null when there is none the user may see.</summary>
    public async Task<int?> FindByNumberAsync(int number, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Ticket>().WhereTenantAllowed(access, t => t.TenantId).Where(t => t.Number == number).Select(t => (int?)t.Id).SingleOrDefaultAsync(ct);
    }

    /// <param name="expectedVersions">The versions the user saw, per ticket; a ticket saved since is a conflict, not merged.</param>
    public async Task<MergeResult> MergeAsync(int targetId, IReadOnlyCollection<int> sourceIds, string changedBy,
        IReadOnlyDictionary<int, int>? expectedVersions = null, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAsUnlessSet(await TicketHistory.SignedInUserAsync(tenantScope));
        var sources = sourceIds.Distinct().ToList();
        if (sources.Count == 0)
        {
            return new MergeResult.Refused(Text.Of("Choose at least one ticket to merge."));
        }
        if (sources.Contains(targetId))
        {
            return new MergeResult.Refused(Text.Of("A ticket cannot be merged into itself."));
        }
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Two merges of the same tickets run one after the other (Microsoft.Data.Sqlite begins IMMEDIATE, PostgreSQL takes
        // the lock), so the second reads the first's result and is refused with its reason, not a version conflict.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockAsync(WriterLock.TicketMerge, ct: ct);
        var ids = sources.Append(targetId).ToList();
        var tickets = await db.Set<Ticket>().WhereTenantAllowed(access, t => t.TenantId)
            .Include(t => t.Watchers).Include(t => t.AssignedCustomers)
            .Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        if (ids.FirstOrDefault(id => !tickets.ContainsKey(id)) is int missing and not 0)
        {
            return new MergeResult.Refused(Text.Of("Ticket {0} does not exist or is not yours to change.", missing));
        }
        var target = tickets[targetId];
        if (expectedVersions is not null && ids.FirstOrDefault(id => expectedVersions.TryGetValue(id, out var v) && v != tickets[id].Version) is int changed and not 0)
        {
            return new MergeResult.Refused(Text.Of("{0} was changed meanwhile. Look at it again before merging.", tickets[changed].Tag));
        }
        if (target.MergedIntoTicketId is not null)
        {
            return new MergeResult.Refused(Text.Of("{0} was itself merged into another ticket; merge into that one.", target.Tag));
        }
        foreach (var source in sources.Select(id => tickets[id]))
        {
            if (source.TenantId != target.TenantId)
            {
                return new MergeResult.Refused(Text.Of("{0} belongs to another tenant than {1}; tickets of different tenants cannot be merged.", source.Tag, target.Tag));
            }
            if (source.MergedIntoTicketId is not null)
            {
                return new MergeResult.Refused(Text.Of("{0} was already merged into another ticket.", source.Tag));
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var messagesMoved = await db.Set<TicketMessage>().Where(m => sources.Contains(m.TicketId))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.TicketId, targetId), ct);
        var entriesMoved = await db.Set<TimeEntry>().Where(e => sources.Contains(e.TicketId))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.TicketId, targetId), ct);
        await db.Set<RunningTimer>().Where(r => sources.Contains(r.TicketId)).ExecuteUpdateAsync(s => s.SetProperty(r => r.TicketId, targetId), ct);
        await db.Set<OutboxMail>().Where(o => o.TicketId != null && sources.Contains(o.TicketId.Value))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.TicketId, targetId), ct);
        // One draft per agent and ticket: a draft moves unless the agent already has one on the target.
        var draftAuthorsOnTarget = db.Set<ReplyDraft>().Where(d => d.TicketId == targetId).Select(d => d.UserId);
        await db.Set<ReplyDraft>().Where(d => sources.Contains(d.TicketId) && !draftAuthorsOnTarget.Contains(d.UserId))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.TicketId, targetId), ct);

        foreach (var source in sources.Select(id => tickets[id]))
        {
            foreach (var watcher in source.Watchers.Where(w => target.Watchers.All(t => t.UserId != w.UserId)).ToList())
            {
                target.Watchers.Add(new TicketWatcher { TicketId = targetId, UserId = watcher.UserId });
            }
            var customers = source.AssignedCustomers.Select(c => c.CustomerId).Append(source.CustomerId ?? 0).Where(id => id != 0);
            foreach (var customerId in customers.Where(id => id != target.CustomerId && target.AssignedCustomers.All(c => c.CustomerId != id)).Distinct().ToList())
            {
                target.AssignedCustomers.Add(new TicketAssignedCustomer { TicketId = targetId, CustomerId = customerId });
            }
            source.Status = TicketStatus.Closed;
            source.MergedIntoTicketId = targetId;
            source.UpdatedAt = now;
            source.UpdatedBy = changedBy;
            db.Add(TicketHistory.Entry(source.Id, HistoryKind.Merge, "MergedInto", null, target.Tag, isInternal: false, now));
            db.Add(TicketHistory.Entry(targetId, HistoryKind.Merge, "MergedFrom", null, source.Tag, isInternal: false, now));
        }
        target.UpdatedAt = now;
        target.UpdatedBy = changedBy;
        target.LastMessageAt = await db.Set<TicketMessage>().Where(m => m.TicketId == targetId && m.Direction != MessageDirection.InternalNote)
            .MaxAsync(m => (DateTime?)m.Date, ct) ?? target.LastMessageAt;
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new MergeResult.Refused(Text.Of("One of the tickets was changed meanwhile. Look at them again before merging."));
        }
        // The moves above went past the change tracker: the lists and pages hear of them here.
        notifier.Publish(ids, TicketFields.Messages | TicketFields.InternalMessages | TicketFields.TimeEntries | TicketFields.Billing);
        return new MergeResult.Merged(targetId, messagesMoved, entriesMoved);
    }

    /// <summary>
    /// Moves one message, or it and every later one, into a new ticket of the same customer and tenant that mentions
    /// this one. Time entries stay: they were booked on this ticket's work.
    /// </summary>
    public async Task<SplitResult> SplitAsync(int ticketId, int messageId, bool withLaterMessages, string changedBy,
        int? expectedVersion = null, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAsUnlessSet(await TicketHistory.SignedInUserAsync(tenantScope));
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.LockAsync(WriterLock.TicketMerge, ct: ct);
        var ticket = await db.Set<Ticket>().WhereTenantAllowed(access, t => t.TenantId).SingleOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null)
        {
            return new SplitResult.Refused(Text.Of("Ticket {0} does not exist or is not yours to change.", ticketId));
        }
        if (expectedVersion is int version && version != ticket.Version)
        {
            return new SplitResult.Refused(Text.Of("{0} was changed meanwhile. Look at it again before splitting.", ticket.Tag));
        }
        if (ticket.MergedIntoTicketId is not null)
        {
            return new SplitResult.Refused(Text.Of("{0} was already merged into another ticket.", ticket.Tag));
        }
        var messages = await db.Set<TicketMessage>().Where(m => m.TicketId == ticketId)
            .OrderBy(m => m.Date).ThenBy(m => m.Id)
            .Select(m => new { m.Id, m.Subject, m.Direction, m.Date })
            .ToListAsync(ct);
        var index = messages.FindIndex(m => m.Id == messageId);
        if (index < 0)
        {
            return new SplitResult.Refused(Text.Of("This message is not part of {0}.", ticket.Tag));
        }
        var moving = withLaterMessages ? messages.Skip(index).ToList() : [messages[index]];
        if (moving.Count == messages.Count)
        {
            return new SplitResult.Refused(Text.Of("That would move every message and leave {0} empty.", ticket.Tag));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var subject = messages[index].Subject.Trim();
        var split = new Ticket
        {
            Number = (int)await db.NextAsync(Sequences.TicketNumber, 1001, ct),
            Subject = subject.Length == 0 ? ticket.Subject : subject.Length > 500 ? subject[..500] : subject,
            Status = TicketStatus.Open,
            TenantId = ticket.TenantId,
            CustomerId = ticket.CustomerId,
            TimeTrackingAllowed = ticket.TimeTrackingAllowed,
            CreatedAt = now,
            UpdatedAt = now,
            UpdatedBy = changedBy,
            RelatedTicketId = ticket.Id,
            LastMessageAt = moving.Where(m => m.Direction != MessageDirection.InternalNote).Max(m => (DateTime?)m.Date),
        };
        db.Add(split);
        await db.SaveChangesAsync(ct);
        var movingIds = moving.Select(m => m.Id).ToList();
        await db.Set<TicketMessage>().Where(m => movingIds.Contains(m.Id)).ExecuteUpdateAsync(s => s.SetProperty(m => m.TicketId, split.Id), ct);
        ticket.UpdatedAt = now;
        ticket.UpdatedBy = changedBy;
        ticket.LastMessageAt = messages.Where(m => !movingIds.Contains(m.Id) && m.Direction != MessageDirection.InternalNote).Max(m => (DateTime?)m.Date);
        db.Add(TicketHistory.Entry(ticket.Id, HistoryKind.Split, "SplitInto", null, split.Tag, isInternal: false, now));
        db.Add(TicketHistory.Entry(split.Id, HistoryKind.Split, "SplitFrom", null, ticket.Tag, isInternal: false, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifier.Publish([ticket.Id, split.Id], TicketFields.Messages | TicketFields.InternalMessages);
        return new SplitResult.Split(split.Id, split.Number, movingIds.Count);
    }
}
