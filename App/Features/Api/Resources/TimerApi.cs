using System.Security.Claims;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.TimeTracking;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorTickets.Features.Api.Resources;

/// <summary>A running timer; <see cref="StartedAt"/> is UTC and the elapsed time is counted from it.</summary>
public sealed record TimerResponse(int Id, int TicketId, int TicketNumber, string TicketSubject, bool TimeTrackingAllowed, DateTime StartedAt, int ElapsedSeconds)
{
    public static TimerResponse Of(RunningTimerInfo timer, DateTimeOffset now) => new(
        timer.Id, timer.TicketId, timer.TicketNumber, timer.TicketSubject, timer.TimeTrackingAllowed,
        ApiTime.Utc(timer.StartedAt), (int)timer.ElapsedAt(now).TotalSeconds);
}

/// <param name="NotBillable">The ticket has no consent to time tracking: its time is recorded as not billable.</param>
/// <param name="StoppedEntry">The entry recorded for the timer that was stopped to start this one.</param>
public sealed record TimerStartResponse(TimerResponse Timer, bool NotBillable, TimeEntryResponse? StoppedEntry);

/// <summary>How to stop a running timer (all optional).</summary>
/// <param name="ConfirmLong">Stops a timer that ran over 10 hours with its full time.</param>
/// <param name="CorrectedMinutes">Records this many minutes instead of the elapsed time (required over 24 hours).</param>
/// <param name="ExpectedTimerId">Stops only if this timer still runs.</param>
public sealed record TimerStopRequest(bool ConfirmLong = false, int? CorrectedMinutes = null, int? ExpectedTimerId = null);

/// <param name="StopRunning">Your timer runs on another ticket: stop it (recording its time) and start this one.</param>
public sealed record TimerStartRequest(bool StopRunning = false, bool ConfirmLong = false, int? CorrectedMinutes = null);

/// <summary>The caller's own timer, through the same service as the app bar's and the ticket page's timer, so every open screen follows.</summary>
public static class TimerApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var tags = new[] { "Timer" };

        api.MapGet("/timer", GetAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeRead)
            .WithName("getTimer").WithSummary("Your running timer; 204 when none runs.").WithTags(tags);

        api.MapPost("/tickets/{ticketId:int}/timer/start", StartAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeWrite)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("startTimer")
            .WithSummary("Starts your timer on the ticket. If it runs on another ticket you get 409 unless you send stopRunning: true.")
            .WithTags(tags);

        api.MapPost("/timer/stop", StopAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeWrite)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("stopTimer")
            .WithSummary("Stops your timer and records its time as an entry, rounded up by the tenant's rule. Over 10 hours send confirmLong or correctedMinutes.")
            .WithTags(tags);
    }

    private static async Task<Results<Ok<TimerResponse>, NoContent>> GetAsync(TimeTrackingService time, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        await time.GetRunningTimerAsync(user.UserId() ?? "", ct) is { } timer
            ? TypedResults.Ok(TimerResponse.Of(timer, clock.GetUtcNow()))
            : TypedResults.NoContent();

    private static async Task<Results<Created<TimerStartResponse>, Ok<TimerStartResponse>, ValidationProblem, ProblemHttpResult>> StartAsync(
        int ticketId, TimerStartRequest? request, TimeTrackingService time, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        request ??= new TimerStartRequest();
        var userId = user.UserId() ?? "";
        var stopRunning = request.StopRunning ? new StopRequest(null, request.ConfirmLong, request.CorrectedMinutes) : null;
        var result = await time.StartAsync(userId, ticketId, stopRunning, ct);
        if (result is StartTimerResult.StopFailed { Result: StopTimerResult.NotRunning })
        {
            // The running timer was stopped elsewhere meanwhile, as the ticket page then does: just start.
            result = await time.StartAsync(userId, ticketId, null, ct);
        }
        var now = clock.GetUtcNow();
        return result switch
        {
            StartTimerResult.Started started => TypedResults.Created(
                $"{ApiServiceCollectionExtensions.BasePath}/timer",
                new TimerStartResponse(TimerResponse.Of(started.Timer, now), started.NotBillable,
                    started.StoppedPrevious is { } previous ? TimeEntryResponse.Of(previous.Entry) : null)),
            StartTimerResult.AlreadyRunningHere here =>
                TypedResults.Ok(new TimerStartResponse(TimerResponse.Of(here.Current, now), !here.Current.TimeTrackingAllowed, null)),
            StartTimerResult.RunningElsewhere elsewhere => ApiResults.Conflict(
                $"Your timer runs on {elsewhere.Current.TicketTag}. Send stopRunning: true to stop it, record its time and start this one."),
            StartTimerResult.StopFailed { Result: StopTimerResult.NeedsConfirmation confirm } => NeedsConfirmation(confirm),
            StartTimerResult.StopFailed { Result: StopTimerResult.Invalid invalid } => ApiResults.Invalid(invalid.Errors),
            StartTimerResult.StopFailed => ApiResults.Conflict(TimeMessages.TimerNotRunning),
            _ => ApiResults.NotFound("ticket"),
        };
    }

    private static async Task<Results<Ok<TimeEntryResponse>, ValidationProblem, ProblemHttpResult>> StopAsync(
        TimerStopRequest? request, TimeTrackingService time, ClaimsPrincipal user, CancellationToken ct)
    {
        request ??= new TimerStopRequest();
        var result = await time.StopAsync(user.UserId() ?? "", new StopRequest(request.ExpectedTimerId, request.ConfirmLong, request.CorrectedMinutes), ct);
        return result switch
        {
            StopTimerResult.Stopped stopped => TypedResults.Ok(TimeEntryResponse.Of(stopped.Entry)),
            StopTimerResult.NeedsConfirmation confirm => NeedsConfirmation(confirm),
            StopTimerResult.Invalid invalid => ApiResults.Invalid(invalid.Errors),
            _ => ApiResults.Conflict(TimeMessages.TimerNotRunning),
        };
    }

    private static ProblemHttpResult NeedsConfirmation(StopTimerResult.NeedsConfirmation confirm) =>
        ApiResults.Conflict(confirm.MustCorrect
            ? $"The timer on {confirm.Timer.TicketTag} ran {(int)confirm.Elapsed.TotalHours} hours, over 24: send correctedMinutes with the time you worked."
            : $"The timer on {confirm.Timer.TicketTag} ran {(int)confirm.Elapsed.TotalHours} hours, over 10: send confirmLong: true to record it all, or correctedMinutes.");
}
