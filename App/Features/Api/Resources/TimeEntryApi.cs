using System.Globalization;
using System.Security.Claims;
using System.Text;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.TimeTracking;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorTickets.Features.Api.Resources;

/// <summary>A time entry. Times are UTC; an entry given as a duration has no times (start equals end, the day's start).</summary>
public sealed record TimeEntryResponse(
    int Id, int TicketId, string UserId, string UserName, DateTime Start, DateTime End, bool HasTimes, int Minutes, string Note,
    bool Billable, bool Billed, int? QuoteLineId)
{
    public static TimeEntryResponse Of(TimeEntryView e) => new(
        e.Id, e.TicketId, e.UserId, e.UserName, ApiTime.Utc(e.Start), ApiTime.Utc(e.End),
        e.HasTimes, e.Minutes, e.Note, e.Billable, e.IsBilled, e.QuoteLineId);
}

public sealed record TicketTimeResponse(int TicketId, int TicketNumber, bool TimeTrackingAllowed, IReadOnlyList<TimeEntryResponse> Entries, TimeTotals Totals);

public sealed record TimeEntryPage(IReadOnlyList<TimeEntryResponse> Items, string? NextCursor);

/// <summary>
/// A time entry as the ticket page's form takes it, in the server's time zone: either <see cref="Start"/> and
/// <see cref="End"/> or a <see cref="Duration"/>. On PATCH every field left out keeps its value.
/// </summary>
/// <param name="Date">yyyy-MM-dd; a new entry defaults to today.</param>
/// <param name="Start">HH:mm.</param>
/// <param name="End">HH:mm.</param>
/// <param name="Duration">"1:30", "1.5" (hours) or "90 min".</param>
/// <param name="Billable">A new entry defaults to the ticket's consent to time tracking; without it the entry cannot be billable.</param>
public sealed record TimeEntryRequest(string? Date = null, string? Start = null, string? End = null, string? Duration = null, string? Note = null, bool? Billable = null);

/// <summary>Time entries through the same service and rules as the ticket page's time section.</summary>
public static class TimeEntryApi
{
    public const string TimesOrDuration = "Send either a start and an end or a duration, not both.";
    public const int DefaultLimit = 50;

    public static void Map(RouteGroupBuilder api)
    {
        var tags = new[] { "Time entries" };

        api.MapGet("/tickets/{ticketId:int}/time-entries", ListOfTicketAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeRead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("listTicketTimeEntries").WithSummary("The ticket's time entries with their totals.").WithTags(tags);

        api.MapGet("/time-entries", FindAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeRead)
            .WithName("findTimeEntries")
            .WithSummary("Time entries of the tickets you may see, newest first; filter by start (from inclusive, to exclusive, UTC), user, ticket and billing. Pass nextCursor back as cursor for the next page.")
            .WithTags(tags);

        api.MapGet("/time-entries/{id:int}", GetAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeRead)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("getTimeEntry").WithSummary("One time entry.").WithTags(tags);

        api.MapPost("/tickets/{ticketId:int}/time-entries", CreateAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeWrite)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("createTimeEntry").WithSummary("Records time on the ticket as yourself.").WithTags(tags);

        api.MapPatch("/time-entries/{id:int}", UpdateAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeWrite)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("updateTimeEntry")
            .WithSummary("Changes an entry: your own, or anyone's as a team lead. A billed entry cannot change (409).")
            .WithTags(tags);

        api.MapDelete("/time-entries/{id:int}", DeleteAsync)
            .RequireScope(Policies.Staff, ApiScopes.TimeWrite)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("deleteTimeEntry")
            .WithSummary("Deletes an entry: your own, or anyone's as a team lead. A billed entry cannot be deleted (409).")
            .WithTags(tags);
    }

    private static async Task<Results<Ok<TicketTimeResponse>, ProblemHttpResult>> ListOfTicketAsync(int ticketId, TimeTrackingService time, CancellationToken ct)
    {
        if (await time.GetTicketTimeAsync(ticketId, ct) is not { } ticketTime)
        {
            return ApiResults.NotFound("ticket");
        }
        return TypedResults.Ok(new TicketTimeResponse(ticketTime.TicketId, ticketTime.TicketNumber, ticketTime.TimeTrackingAllowed,
            ticketTime.Entries.Select(TimeEntryResponse.Of).ToList(), ticketTime.Totals));
    }

    private static async Task<Results<Ok<TimeEntryPage>, ValidationProblem>> FindAsync(
        TimeTrackingService time, CancellationToken ct,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? userId = null, int? ticketId = null, bool? unbilled = null,
        int? limit = null, string? cursor = null)
    {
        TimeEntryPosition? after = null;
        if (cursor is not null && (after = DecodeCursor(cursor)) is null)
        {
            return ApiResults.Invalid(nameof(cursor), Text.Of("This cursor is not valid; pass the nextCursor of the previous page."));
        }
        var take = Math.Clamp(limit ?? DefaultLimit, 1, TimeTrackingService.MaxPageSize);
        var filter = new TimeEntryFilter(from?.UtcDateTime, to?.UtcDateTime, string.IsNullOrWhiteSpace(userId) ? null : userId, ticketId, unbilled);
        var entries = await time.FindEntriesAsync(filter, take, after, ct);
        var next = entries.Count == take ? EncodeCursor(new TimeEntryPosition(entries[^1].Start, entries[^1].Id)) : null;
        return TypedResults.Ok(new TimeEntryPage(entries.Select(TimeEntryResponse.Of).ToList(), next));
    }

    private static async Task<Results<Ok<TimeEntryResponse>, ProblemHttpResult>> GetAsync(int id, TimeTrackingService time, CancellationToken ct) =>
        await time.GetEntryAsync(id, ct) is { } entry ? TypedResults.Ok(TimeEntryResponse.Of(entry)) : ApiResults.NotFound("time entry");

    private static async Task<Results<Created<TimeEntryResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        int ticketId, TimeEntryRequest request, TimeTrackingService time, ClaimsPrincipal user, IAuthorizationService authorization, CancellationToken ct)
    {
        if (await time.GetTicketTimeAsync(ticketId, ct) is not { } ticketTime)
        {
            return ApiResults.NotFound("ticket");
        }
        var input = time.NewInput(ticketId, ticketTime.TimeTrackingAllowed);
        if (Apply(request, input) is { } shapeError)
        {
            return shapeError;
        }
        var result = await time.SaveEntryAsync(input, await ActorAsync(user, authorization), ct);
        if (result is TimeEntryResult.Saved saved && await time.GetEntryAsync(saved.Id, ct) is { } entry)
        {
            return TypedResults.Created($"{ApiServiceCollectionExtensions.BasePath}/time-entries/{entry.Id}", TimeEntryResponse.Of(entry));
        }
        return Refusal<Created<TimeEntryResponse>>(result);
    }

    private static async Task<Results<Ok<TimeEntryResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        int id, TimeEntryRequest request, TimeTrackingService time, ClaimsPrincipal user, IAuthorizationService authorization, CancellationToken ct)
    {
        if (await time.GetEntryAsync(id, ct) is not { } existing)
        {
            return ApiResults.NotFound("time entry");
        }
        var input = time.ToInput(existing);
        if (Apply(request, input) is { } shapeError)
        {
            return shapeError;
        }
        var result = await time.SaveEntryAsync(input, await ActorAsync(user, authorization), ct);
        if (result is TimeEntryResult.Saved && await time.GetEntryAsync(id, ct) is { } entry)
        {
            return TypedResults.Ok(TimeEntryResponse.Of(entry));
        }
        return Refusal<Ok<TimeEntryResponse>>(result);
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        int id, TimeTrackingService time, ClaimsPrincipal user, IAuthorizationService authorization, CancellationToken ct)
    {
        if (await time.GetEntryAsync(id, ct) is not { } existing)
        {
            return ApiResults.NotFound("time entry");
        }
        var result = await time.DeleteEntryAsync(id, existing.TicketId, await ActorAsync(user, authorization), ct);
        return result is TimeEntryResult.Deleted ? TypedResults.NoContent() : Refusal<NoContent>(result);
    }

    /// <summary>Who is asking, as the ticket page works it out: team leads (and admins) change anyone's entries.</summary>
    public static async Task<Actor> ActorAsync(ClaimsPrincipal user, IAuthorizationService authorization) =>
        new(user.UserId() ?? "", (await authorization.AuthorizeAsync(user, Policies.TeamLead)).Succeeded);

    /// <summary>Puts what the request names into the form; null if the request is well formed.</summary>
    private static ValidationProblem? Apply(TimeEntryRequest request, TimeEntryInput input)
    {
        var withTimes = request.Start is not null || request.End is not null;
        if (withTimes && request.Duration is not null)
        {
            return ApiResults.Invalid(nameof(TimeEntryInput.Duration), TimesOrDuration);
        }
        if (withTimes)
        {
            input.WithTimes = true;
            input.Start = request.Start ?? input.Start;
            input.End = request.End ?? input.End;
        }
        else if (request.Duration is not null)
        {
            input.WithTimes = false;
            input.Duration = request.Duration;
        }
        input.Date = request.Date ?? input.Date;
        input.Note = request.Note ?? input.Note;
        input.Billable = request.Billable ?? input.Billable;
        return null;
    }

    /// <summary>The service's refusal as the API says it: billed → 409, someone else's entry → 403, gone → 404.</summary>
    private static Results<TOk, ValidationProblem, ProblemHttpResult> Refusal<TOk>(TimeEntryResult result) where TOk : IResult => result switch
    {
        TimeEntryResult.Invalid invalid => ApiResults.Invalid(invalid.Errors),
        TimeEntryResult.Refused { Reason: RefusalReason.Billed } refused => ApiResults.Conflict(FormText(refused)),
        TimeEntryResult.Refused { Reason: RefusalReason.NotYours } refused =>
            TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your time entry.", detail: FormText(refused)),
        _ => ApiResults.NotFound("time entry"),
    };

    private static string FormText(TimeEntryResult.Refused refused) => string.Join(" ", refused.Errors.All.Select(m => m.ToString()));

    private static string EncodeCursor(TimeEntryPosition position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{position.Start.Ticks}:{position.Id}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static TimeEntryPosition? DecodeCursor(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=')));
            var parts = text.Split(':');
            return parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? new TimeEntryPosition(new DateTime(ticks, DateTimeKind.Utc), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
