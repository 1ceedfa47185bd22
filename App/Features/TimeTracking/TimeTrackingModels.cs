using BlazorTickets.Shared;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>Who is asking: agents change their own entries, team leads anyone's.</summary>
public sealed record Actor(string UserId, bool IsTeamLead);

public sealed record TimeEntryView(
    int Id,
    int TicketId,
    string UserId,
    string UserName,
    DateTime Start,
    DateTime End,
    int Minutes,
    string Note,
    bool Billable,
    int? QuoteLineId)
{
    public bool IsBilled => QuoteLineId is not null;

    /// <summary>An entry given as a duration only has no times: its start and end are the same instant (the day's start).</summary>
    public bool HasTimes => End > Start;
}

/// <summary>Which entries a search returns; null criteria do not restrict. Times are UTC; <see cref="To"/> is exclusive.</summary>
public sealed record TimeEntryFilter(DateTime? From = null, DateTime? To = null, string? UserId = null, int? TicketId = null, bool? Unbilled = null);

/// <summary>Where a page of entries ended: the next page starts after this entry.</summary>
public sealed record TimeEntryPosition(DateTime Start, int Id);

public sealed record TimeTotals(int AllMinutes, int BillableMinutes, int BilledMinutes, int UnbilledMinutes)
{
    public static TimeTotals Of(IEnumerable<TimeEntryView> entries)
    {
        var list = entries as IReadOnlyCollection<TimeEntryView> ?? entries.ToList();
        return new TimeTotals(
            list.Sum(e => e.Minutes),
            list.Where(e => e.Billable).Sum(e => e.Minutes),
            list.Where(e => e.IsBilled).Sum(e => e.Minutes),
            list.Where(e => e.Billable && !e.IsBilled).Sum(e => e.Minutes));
    }
}

public sealed record TicketTime(int TicketId, int TicketNumber, bool TimeTrackingAllowed, IReadOnlyList<TimeEntryView> Entries, TimeTotals Totals);

/// <summary>What the entry form holds; strings as typed, so bad input can be shown back with a message.</summary>
public sealed class TimeEntryInput
{
    public int Id { get; set; }
    public int TicketId { get; set; }
    /// <summary>yyyy-MM-dd, in the server's time zone.</summary>
    public string Date { get; set; } = "";
    /// <summary>True: start and end; false: a duration.</summary>
    public bool WithTimes { get; set; } = true;
    /// <summary>HH:mm.</summary>
    public string Start { get; set; } = "";
    /// <summary>HH:mm.</summary>
    public string End { get; set; } = "";
    /// <summary>h:mm or decimal hours.</summary>
    public string Duration { get; set; } = "";
    public string Note { get; set; } = "";
    public bool Billable { get; set; }

    public TimeEntryInput Clone() => (TimeEntryInput)MemberwiseClone();
}

public enum RefusalReason
{
    NotFound,
    NotYours,
    Billed,
}

public abstract record TimeEntryResult
{
    public sealed record Saved(int Id) : TimeEntryResult;
    public sealed record Deleted : TimeEntryResult;
    public sealed record Invalid(FieldErrors Errors) : TimeEntryResult;
    /// <summary>Nothing changed; the reason for the page is a form-level error.</summary>
    public sealed record Refused(RefusalReason Reason, FieldErrors Errors) : TimeEntryResult
    {
        public Refused(RefusalReason reason, string message) : this(reason, FieldErrors.OfForm(message)) { }
    }
}

/// <summary>A running timer as every circuit sees it; the elapsed time is always computed from <see cref="StartedAt"/>.</summary>
public sealed record RunningTimerInfo(
    int Id,
    string UserId,
    string UserName,
    int TicketId,
    int TicketNumber,
    string TicketSubject,
    bool TimeTrackingAllowed,
    DateTime StartedAt)
{
    public string TicketTag => Ticket.FormatNumber(TicketNumber);

    public TimeSpan ElapsedAt(DateTimeOffset now)
    {
        var elapsed = now.UtcDateTime - DateTime.SpecifyKind(StartedAt, DateTimeKind.Utc);
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }
}

/// <summary>How to stop a timer. A timer over <see cref="TimerRules.ConfirmAfter"/> needs <see cref="ConfirmLong"/> or a correction.</summary>
public sealed record StopRequest(int? ExpectedTimerId = null, bool ConfirmLong = false, int? CorrectedMinutes = null);

public static class TimerRules
{
    /// <summary>A timer running longer than this is probably forgotten: stopping it asks whether the time is right.</summary>
    public static readonly TimeSpan ConfirmAfter = TimeSpan.FromHours(10);

    /// <summary>The longest single time entry.</summary>
    public static readonly TimeSpan MaxEntry = TimeSpan.FromHours(24);
}

public abstract record StopTimerResult
{
    public sealed record Stopped(TimeEntryView Entry, RunningTimerInfo Timer, TimeSpan Elapsed) : StopTimerResult;

    /// <summary>Ran over 10 hours: ask the agent. Over 24 hours the time must be corrected.</summary>
    public sealed record NeedsConfirmation(RunningTimerInfo Timer, TimeSpan Elapsed, bool MustCorrect) : StopTimerResult;

    /// <summary>The corrected time was refused; the message is on <see cref="StopRequest.CorrectedMinutes"/>.</summary>
    public sealed record Invalid(FieldErrors Errors) : StopTimerResult;
    public sealed record NotRunning : StopTimerResult;
}

public abstract record StartTimerResult
{
    /// <param name="NotBillable">The ticket lacks "time tracking allowed": its time is recorded as not billable.</param>
    /// <param name="StoppedPrevious">The timer that was stopped to start this one, if any.</param>
    public sealed record Started(RunningTimerInfo Timer, bool NotBillable, StopTimerResult.Stopped? StoppedPrevious) : StartTimerResult;

    /// <summary>Another timer of this agent runs: ask first, then start again with a <see cref="StopRequest"/>.</summary>
    public sealed record RunningElsewhere(RunningTimerInfo Current) : StartTimerResult;

    public sealed record AlreadyRunningHere(RunningTimerInfo Current) : StartTimerResult;

    /// <summary>Stopping the running timer did not go through (it needs confirmation, or the correction was invalid).</summary>
    public sealed record StopFailed(StopTimerResult Result) : StartTimerResult;

    public sealed record TicketNotFound : StartTimerResult;
}
