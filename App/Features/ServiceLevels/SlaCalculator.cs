using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.ServiceLevels;

/// <summary>What a policy promises, as the calculator needs it.</summary>
public sealed record SlaTargets(TimeSpan? FirstResponse, TimeSpan? NextResponse, TimeSpan? Resolution, int AtRiskPercent, IReadOnlySet<TicketStatus> PauseStatuses)
{
    public static SlaTargets Of(SlaPolicy policy) => new(
        Minutes(policy.FirstResponseMinutes), Minutes(policy.NextResponseMinutes), Minutes(policy.ResolutionMinutes),
        policy.AtRiskPercent, policy.PauseStatuses.ToHashSet());

    private static TimeSpan? Minutes(int? minutes) => minutes is int m ? TimeSpan.FromMinutes(m) : null;
}

public enum SlaEventKind
{
    CustomerMessage,
    AgentReply,
    StatusChanged,
}

public readonly record struct SlaEvent(DateTime At, SlaEventKind Kind, TicketStatus Status = default);

/// <summary>What happened to a ticket that its service levels depend on, in order.</summary>
public sealed record SlaTimeline(DateTime CreatedAt, TicketStatus InitialStatus, IReadOnlyList<SlaEvent> Events);

public sealed record SlaStageResult(SlaTarget Target, DateTime StartedAt, TimeSpan TargetTime, DateTime? DueAt, DateTime? AtRiskAt, DateTime? CompletedAt);

/// <summary>
/// Replays a ticket's timeline against a policy:
/// first response runs from the first customer message to the first reply;
/// next response from a customer message that follows a reply (or a close) to the next reply;
/// resolution from the ticket's creation until it is closed.
/// Closing meets the responses still running. All clocks count business hours and stand still in the pause statuses
/// and while closed.
/// </summary>
public static class SlaCalculator
{
    public static IReadOnlyList<SlaStageResult> Stages(SlaTargets targets, BusinessHours hours, SlaTimeline timeline)
    {
        var events = timeline.Events.OrderBy(e => e.At).ToList();
        var pauses = Pauses(targets, timeline.CreatedAt, timeline.InitialStatus, events);
        var stages = new List<SlaStageResult>();

        DateTime? responseStart = null;
        var responseTarget = SlaTarget.FirstResponse;
        var firstResponseSeen = false;
        var status = timeline.InitialStatus;
        DateTime? closedAt = status == TicketStatus.Closed ? timeline.CreatedAt : null;

        void Complete(DateTime? completedAt)
        {
            if (responseStart is { } start && (responseTarget == SlaTarget.FirstResponse ? targets.FirstResponse : targets.NextResponse) is { } target)
            {
                stages.Add(Stage(responseTarget, start, target, completedAt));
            }
            responseStart = null;
        }

        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case SlaEventKind.CustomerMessage when responseStart is null:
                    // A message while an answer is still owed is part of the same question.
                    responseTarget = firstResponseSeen ? SlaTarget.NextResponse : SlaTarget.FirstResponse;
                    responseStart = e.At;
                    firstResponseSeen = true;
                    break;
                case SlaEventKind.AgentReply:
                    Complete(e.At);
                    break;
                case SlaEventKind.StatusChanged:
                    status = e.Status;
                    if (status == TicketStatus.Closed)
                    {
                        closedAt = e.At;
                        Complete(e.At);
                    }
                    else
                    {
                        closedAt = null;
                    }
                    break;
            }
        }
        Complete(null);
        if (targets.Resolution is { } resolution)
        {
            stages.Add(Stage(SlaTarget.Resolution, timeline.CreatedAt, resolution, closedAt));
        }
        return stages;

        SlaStageResult Stage(SlaTarget kind, DateTime start, TimeSpan target, DateTime? completedAt)
        {
            // A finished stage is judged by the pauses before it ended, so it always has a due time; only a running one
            // in a pause that lasts has none yet.
            var counted = completedAt is { } end
                ? pauses.Where(p => p.From < end).Select(p => p.Until is { } until && until <= end ? p : p with { Until = end }).ToList()
                : pauses;
            var due = hours.Add(start, target, counted);
            var atRisk = hours.Add(start, target * targets.AtRiskPercent / 100, counted);
            return new SlaStageResult(kind, start, target, due, atRisk, completedAt);
        }
    }

    /// <summary>The intervals in which the clocks stand still: a pause status or closed; the last one open if it still lasts.</summary>
    public static IReadOnlyList<Pause> Pauses(SlaTargets targets, DateTime createdAt, TicketStatus initialStatus, IEnumerable<SlaEvent> events)
    {
        bool Pausing(TicketStatus s) => s == TicketStatus.Closed || targets.PauseStatuses.Contains(s);
        var pauses = new List<Pause>();
        DateTime? pausedSince = Pausing(initialStatus) ? createdAt : null;
        foreach (var e in events.Where(e => e.Kind == SlaEventKind.StatusChanged).OrderBy(e => e.At))
        {
            if (Pausing(e.Status))
            {
                pausedSince ??= e.At;
            }
            else if (pausedSince is { } since)
            {
                pauses.Add(new Pause(since, e.At));
                pausedSince = null;
            }
        }
        if (pausedSince is { } open)
        {
            pauses.Add(new Pause(open, null));
        }
        return pauses;
    }
}
