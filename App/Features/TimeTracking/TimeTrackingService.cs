using System.Globalization;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>
/// Time entries on tickets and the agents' running timers. One context per operation; every write either goes
/// through SaveChanges (the ticket notifier then tells every circuit) or publishes to the notifier itself.
/// </summary>
public sealed class TimeTrackingService(
    IDbContextFactory<AppDbContext> dbFactory,
    TimeProvider clock,
    RunningTimerRegistry registry,
    TicketChangeNotifier notifier,
    TenantScope? tenantScope = null)
{
    private Task<TenantAccess> AccessAsync(CancellationToken ct) => tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All);

    // ---------------------------------------------------------------- entries

    public async Task<TicketTime?> GetTicketTimeAsync(int ticketId, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ticket = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.Id == ticketId)
            .WhereTenantAllowed(access, t => t.TenantId)
            .Select(t => new { t.Id, t.Number, t.TimeTrackingAllowed })
            .SingleOrDefaultAsync(ct);
        if (ticket is null)
        {
            return null;
        }
        var entries = await db.Set<TimeEntry>().AsNoTracking()
            .Where(e => e.TicketId == ticketId)
            .OrderByDescending(e => e.Start).ThenByDescending(e => e.Id)
            .Select(e => new TimeEntryView(e.Id, e.TicketId, e.UserId, e.User.DisplayName, e.Start, e.End, e.Minutes, e.Note, e.Billable, e.QuoteLineId))
            .ToListAsync(ct);
        return new TicketTime(ticket.Id, ticket.Number, ticket.TimeTrackingAllowed, entries, TimeTotals.Of(entries));
    }

    /// <summary>One entry, if its ticket's tenant is one the user may see.</summary>
    public async Task<TimeEntryView?> GetEntryAsync(int entryId, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Views(db.Set<TimeEntry>().AsNoTracking().Where(e => e.Id == entryId).WhereTenantAllowed(access, e => e.Ticket.TenantId))
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Entries of the tickets the user may see that match <paramref name="filter"/>, newest start first, at most
    /// <paramref name="limit"/> of them after <paramref name="after"/> (the last entry of the previous page).
    /// </summary>
    public async Task<IReadOnlyList<TimeEntryView>> FindEntriesAsync(TimeEntryFilter filter, int limit, TimeEntryPosition? after = null, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entries = db.Set<TimeEntry>().AsNoTracking().WhereTenantAllowed(access, e => e.Ticket.TenantId);
        if (filter.From is DateTime from)
        {
            entries = entries.Where(e => e.Start >= from);
        }
        if (filter.To is DateTime to)
        {
            entries = entries.Where(e => e.Start < to);
        }
        if (filter.UserId is { } userId)
        {
            entries = entries.Where(e => e.UserId == userId);
        }
        if (filter.TicketId is int ticketId)
        {
            entries = entries.Where(e => e.TicketId == ticketId);
        }
        if (filter.Unbilled is bool unbilled)
        {
            entries = unbilled ? entries.Where(e => e.QuoteLineId == null) : entries.Where(e => e.QuoteLineId != null);
        }
        if (after is not null)
        {
            entries = entries.Where(e => e.Start < after.Start || (e.Start == after.Start && e.Id < after.Id));
        }
        return await Views(entries.OrderByDescending(e => e.Start).ThenByDescending(e => e.Id).Take(Math.Clamp(limit, 1, MaxPageSize)))
            .ToListAsync(ct);
    }

    public const int MaxPageSize = 200;

    private static IQueryable<TimeEntryView> Views(IQueryable<TimeEntry> entries) =>
        entries.Select(e => new TimeEntryView(e.Id, e.TicketId, e.UserId, e.User.DisplayName, e.Start, e.End, e.Minutes, e.Note, e.Billable, e.QuoteLineId));

    /// <summary>The form's values for an existing entry, in the server's time zone.</summary>
    public TimeEntryInput ToInput(TimeEntryView entry)
    {
        var zone = clock.LocalTimeZone;
        var start = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(entry.Start, DateTimeKind.Utc), zone);
        var end = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(entry.End, DateTimeKind.Utc), zone);
        return new TimeEntryInput
        {
            Id = entry.Id,
            TicketId = entry.TicketId,
            Date = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            WithTimes = entry.HasTimes && start.Date == end.Date && entry.Minutes == (int)Math.Round((entry.End - entry.Start).TotalMinutes),
            Start = entry.HasTimes ? start.ToString("HH:mm", CultureInfo.InvariantCulture) : "",
            End = entry.HasTimes ? end.ToString("HH:mm", CultureInfo.InvariantCulture) : "",
            Duration = TimeFormat.Minutes(entry.Minutes),
            Note = entry.Note,
            Billable = entry.Billable,
        };
    }

    /// <summary>A new entry's form: today, the current hour, billable if the ticket allows time tracking.</summary>
    public TimeEntryInput NewInput(int ticketId, bool timeTrackingAllowed)
    {
        var now = clock.GetLocalNow();
        return new TimeEntryInput
        {
            TicketId = ticketId,
            Date = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Billable = timeTrackingAllowed,
        };
    }

    public async Task<TimeEntryResult> SaveEntryAsync(TimeEntryInput input, Actor actor, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAsUnlessSet(await TicketHistory.SignedInUserAsync(tenantScope) ?? HistoryActor.User(actor.UserId, ""));
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ticket = await db.Set<Ticket>().AsNoTracking().Where(t => t.Id == input.TicketId).WhereTenantAllowed(access, t => t.TenantId).Select(t => new { t.TimeTrackingAllowed }).SingleOrDefaultAsync(ct);
        if (ticket is null)
        {
            return new TimeEntryResult.Refused(RefusalReason.NotFound, TimeMessages.TicketNotFound);
        }
        var (errors, parsed) = TimeEntryValidation.Validate(input, Today(), clock.LocalTimeZone, ticket.TimeTrackingAllowed);
        if (parsed is null)
        {
            return new TimeEntryResult.Invalid(errors);
        }
        var note = (input.Note ?? "").Trim();

        if (input.Id == 0)
        {
            var entry = new TimeEntry
            {
                TicketId = input.TicketId,
                UserId = actor.UserId,
                Start = parsed.StartUtc,
                End = parsed.EndUtc,
                Minutes = parsed.Minutes,
                Note = note,
                Billable = input.Billable,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            };
            db.Set<TimeEntry>().Add(entry);
            await db.SaveChangesAsync(ct);
            return new TimeEntryResult.Saved(entry.Id);
        }

        // One conditional UPDATE: a billed entry, or someone else's for an agent, is never touched, even if billing
        // takes the entry between the form's load and this save.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var before = await db.Set<TimeEntry>().AsNoTracking().Where(e => e.Id == input.Id).Select(e => (int?)e.Minutes).SingleOrDefaultAsync(ct);
        var updated = await Editable(db, input.Id, input.TicketId, actor)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Start, parsed.StartUtc)
                .SetProperty(e => e.End, parsed.EndUtc)
                .SetProperty(e => e.Minutes, parsed.Minutes)
                .SetProperty(e => e.Note, note)
                .SetProperty(e => e.Billable, input.Billable), ct);
        if (updated == 0)
        {
            return await RefusalAsync(db, input.Id, input.TicketId, ct);
        }
        db.Add(TicketHistory.Entry(input.TicketId, HistoryKind.TimeEntry, TimeTrackingHistory.FieldOf(input.Id),
            TimeTrackingHistory.Format(before), TimeTrackingHistory.Format(parsed.Minutes), isInternal: true, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifier.Publish([input.TicketId], TicketFields.TimeEntries);
        return new TimeEntryResult.Saved(input.Id);
    }

    public async Task<TimeEntryResult> DeleteEntryAsync(int entryId, int ticketId, Actor actor, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAsUnlessSet(await TicketHistory.SignedInUserAsync(tenantScope) ?? HistoryActor.User(actor.UserId, ""));
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (access.IsRestricted && !await db.Set<Ticket>().Where(t => t.Id == ticketId).WhereTenantAllowed(access, t => t.TenantId).AnyAsync(ct))
        {
            return new TimeEntryResult.Refused(RefusalReason.NotFound, TimeMessages.EntryNotFound);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var before = await db.Set<TimeEntry>().AsNoTracking().Where(e => e.Id == entryId).Select(e => (int?)e.Minutes).SingleOrDefaultAsync(ct);
        var deleted = await Editable(db, entryId, ticketId, actor).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return await RefusalAsync(db, entryId, ticketId, ct);
        }
        db.Add(TicketHistory.Entry(ticketId, HistoryKind.TimeEntry, TimeTrackingHistory.FieldOf(entryId),
            TimeTrackingHistory.Format(before), null, isInternal: true, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifier.Publish([ticketId], TicketFields.TimeEntries);
        return new TimeEntryResult.Deleted();
    }

    /// <summary>Whether the actor may change the entry at all (the UI hides the buttons otherwise).</summary>
    public static bool CanEdit(TimeEntryView entry, Actor actor) =>
        !entry.IsBilled && (actor.IsTeamLead || entry.UserId == actor.UserId);

    private static IQueryable<TimeEntry> Editable(AppDbContext db, int entryId, int ticketId, Actor actor) =>
        db.Set<TimeEntry>().Where(e => e.Id == entryId && e.TicketId == ticketId && e.QuoteLineId == null && (actor.IsTeamLead || e.UserId == actor.UserId));

    private static async Task<TimeEntryResult> RefusalAsync(AppDbContext db, int entryId, int ticketId, CancellationToken ct)
    {
        var entry = await db.Set<TimeEntry>().AsNoTracking()
            .Where(e => e.Id == entryId && e.TicketId == ticketId)
            .Select(e => new { e.QuoteLineId })
            .SingleOrDefaultAsync(ct);
        return entry switch
        {
            null => new TimeEntryResult.Refused(RefusalReason.NotFound, TimeMessages.EntryNotFound),
            { QuoteLineId: not null } => new TimeEntryResult.Refused(RefusalReason.Billed, TimeMessages.EntryBilled),
            _ => new TimeEntryResult.Refused(RefusalReason.NotYours, TimeMessages.EntryNotYours),
        };
    }

    // ---------------------------------------------------------------- timers

    public async Task<RunningTimerInfo?> GetRunningTimerAsync(string userId, CancellationToken ct = default)
    {
        await registry.EnsureLoadedAsync(ct);
        return registry.Of(userId);
    }

    /// <summary>
    /// Starts the agent's timer on a ticket. If another of their timers runs, nothing changes and the caller gets
    /// <see cref="StartTimerResult.RunningElsewhere"/>: ask the agent, then call again with <paramref name="stopRunning"/>,
    /// which stops and saves the running timer and starts the new one in one save.
    /// </summary>
    public async Task<StartTimerResult> StartAsync(string userId, int ticketId, StopRequest? stopRunning = null, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAsUnlessSet(await TicketHistory.SignedInUserAsync(tenantScope) ?? HistoryActor.User(userId, ""));
        var now = clock.GetUtcNow();
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ticket = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.Id == ticketId)
            .WhereTenantAllowed(access, t => t.TenantId)
            .Select(t => new { t.TimeTrackingAllowed })
            .SingleOrDefaultAsync(ct);
        if (ticket is null)
        {
            return new StartTimerResult.TicketNotFound();
        }

        var running = await db.Set<RunningTimer>().SingleOrDefaultAsync(r => r.UserId == userId, ct);
        StopTimerResult.Stopped? stopped = null;
        TimeEntry? stoppedEntry = null;
        if (running is not null)
        {
            var current = await InfoAsync(db, running, ct);
            if (running.TicketId == ticketId)
            {
                return new StartTimerResult.AlreadyRunningHere(current);
            }
            if (stopRunning is null || (stopRunning.ExpectedTimerId is int expected && expected != running.Id))
            {
                return new StartTimerResult.RunningElsewhere(current);
            }
            var (stop, entry) = await StopCoreAsync(db, running, current, stopRunning, now, ct);
            if (entry is null)
            {
                return new StartTimerResult.StopFailed(stop);
            }
            stoppedEntry = entry;
            stopped = (StopTimerResult.Stopped)stop;
        }

        // Whole seconds: the ticker ticks on the second, so every display is exact between ticks.
        var startedAt = new DateTime(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var timer = new RunningTimer { UserId = userId, TicketId = ticketId, StartedAt = startedAt };
        db.Set<RunningTimer>().Add(timer);
        try
        {
            // One save: the stopped timer's entry, its removal and the new timer, or nothing.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone stopped the running timer in between (another tab): start over from what is stored now.
            return await StartAsync(userId, ticketId, stopRunning: null, ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another tab started a timer in between; the unique index on UserId keeps it at one.
            await registry.RefreshAsync(ct);
            await using var again = await dbFactory.CreateDbContextAsync(ct);
            var winner = await again.Set<RunningTimer>().AsNoTracking().SingleAsync(r => r.UserId == userId, ct);
            var winnerInfo = await InfoAsync(again, winner, ct);
            return winner.TicketId == ticketId
                ? new StartTimerResult.AlreadyRunningHere(winnerInfo)
                : new StartTimerResult.RunningElsewhere(winnerInfo);
        }
        await registry.RefreshAsync(ct);
        var info = await InfoAsync(db, timer, ct);
        if (stopped is not null && stoppedEntry is not null)
        {
            stopped = stopped with { Entry = stopped.Entry with { Id = stoppedEntry.Id } };
        }
        return new StartTimerResult.Started(info, !ticket.TimeTrackingAllowed, stopped);
    }

    /// <summary>
    /// Stops the agent's timer and records its time, rounded up by the tenant's rule. A timer over 10 hours is
    /// only stopped with <see cref="StopRequest.ConfirmLong"/> or a correction; over 24 hours only with a correction.
    /// </summary>
    public async Task<StopTimerResult> StopAsync(string userId, StopRequest request, CancellationToken ct = default)
    {
        using var acting = TicketHistory.ActAsUnlessSet(await TicketHistory.SignedInUserAsync(tenantScope) ?? HistoryActor.User(userId, ""));
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var running = await db.Set<RunningTimer>().SingleOrDefaultAsync(r => r.UserId == userId, ct);
        if (running is null || (request.ExpectedTimerId is int expected && expected != running.Id))
        {
            await registry.RefreshAsync(ct);
            return new StopTimerResult.NotRunning();
        }
        var info = await InfoAsync(db, running, ct);
        var (result, entry) = await StopCoreAsync(db, running, info, request, now, ct);
        if (entry is null)
        {
            return result;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Stopped in another tab at the same moment: its entry stands, this one is not written.
            await registry.RefreshAsync(ct);
            return new StopTimerResult.NotRunning();
        }
        await registry.RefreshAsync(ct);
        var stopped = (StopTimerResult.Stopped)result;
        return stopped with { Entry = stopped.Entry with { Id = entry.Id } };
    }

    /// <summary>Adds the entry and removes the timer in <paramref name="db"/>; the caller saves. No entry: not stopped.</summary>
    private async Task<(StopTimerResult Result, TimeEntry? Entry)> StopCoreAsync(
        AppDbContext db, RunningTimer timer, RunningTimerInfo info, StopRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var elapsed = info.ElapsedAt(now);
        var worked = elapsed;
        if (request.CorrectedMinutes is int corrected)
        {
            if (corrected < 1)
            {
                return (new StopTimerResult.Invalid(FieldErrors.Of(nameof(StopRequest.CorrectedMinutes), TimeMessages.CorrectionTooShort)), null);
            }
            if (corrected > TimerRules.MaxEntry.TotalMinutes)
            {
                return (new StopTimerResult.Invalid(FieldErrors.Of(nameof(StopRequest.CorrectedMinutes), TimeMessages.EntryTooLong)), null);
            }
            if (corrected > Math.Ceiling(elapsed.TotalMinutes))
            {
                return (new StopTimerResult.Invalid(FieldErrors.Of(nameof(StopRequest.CorrectedMinutes), TimeMessages.CorrectionLongerThanTimer)), null);
            }
            worked = TimeSpan.FromMinutes(corrected);
        }
        else if (elapsed > TimerRules.MaxEntry)
        {
            return (new StopTimerResult.NeedsConfirmation(info, elapsed, MustCorrect: true), null);
        }
        else if (elapsed > TimerRules.ConfirmAfter && !request.ConfirmLong)
        {
            return (new StopTimerResult.NeedsConfirmation(info, elapsed, MustCorrect: false), null);
        }

        var ticket = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.Id == timer.TicketId)
            .Select(t => new { t.TimeTrackingAllowed, t.Tenant.TimeRoundingMinutes })
            .SingleAsync(ct);
        var minutes = Math.Min(TimeRounding.RoundUp(worked, ticket.TimeRoundingMinutes), (int)TimerRules.MaxEntry.TotalMinutes);
        var start = DateTime.SpecifyKind(timer.StartedAt, DateTimeKind.Utc);
        var entry = new TimeEntry
        {
            TicketId = timer.TicketId,
            UserId = timer.UserId,
            Start = start,
            End = start + worked,
            Minutes = minutes,
            Note = timer.Note,
            // Consent is judged when the time is recorded: without it the entry is never billable.
            Billable = ticket.TimeTrackingAllowed,
            CreatedAt = now.UtcDateTime,
        };
        db.Set<TimeEntry>().Add(entry);
        db.Set<RunningTimer>().Remove(timer);
        var view = new TimeEntryView(0, entry.TicketId, entry.UserId, info.UserName, entry.Start, entry.End, entry.Minutes, entry.Note, entry.Billable, null);
        return (new StopTimerResult.Stopped(view, info, elapsed), entry);
    }

    private static async Task<RunningTimerInfo> InfoAsync(AppDbContext db, RunningTimer timer, CancellationToken ct)
    {
        var details = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.Id == timer.TicketId)
            .Select(t => new { t.Number, t.Subject, t.TimeTrackingAllowed })
            .SingleAsync(ct);
        var userName = await db.Users.AsNoTracking().Where(u => u.Id == timer.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        return new RunningTimerInfo(timer.Id, timer.UserId, userName, timer.TicketId, details.Number, details.Subject,
            details.TimeTrackingAllowed, DateTime.SpecifyKind(timer.StartedAt, DateTimeKind.Utc));
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
}
