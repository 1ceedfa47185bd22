using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BlazorTickets.Features.Api.Resources;

public sealed record TicketListItem(
    int Id, int Number, string Tag, string Subject, TicketStatus Status, string? HandlerName, string? CustomerName, string TenantName,
    DateOnly? ExpectedDate, bool IsOverdue, DateTime UpdatedAt, DateTime? LastMessageAt, DateTime? SlaDueAt, SlaState SlaState, string? Snippet);

public sealed record TicketPage(IReadOnlyList<TicketListItem> Items, string? NextCursor, int TotalCount, bool TotalIsCapped);

public sealed record TicketResource(
    int Id, int Number, string Tag, string Subject, TicketStatus Status,
    int TenantId, string TenantName,
    int? CustomerId, string? CustomerName, IReadOnlyCollection<int> AssignedCustomerIds,
    string? HandlerId, string? HandlerName, IReadOnlyCollection<string> WatcherIds,
    string CustomerNote, string InternalNote,
    DateOnly? ExpectedDate, decimal? EstimatedEffortHours,
    // Wall-clock time of the desk, as the information panel shows it (no time zone).
    DateTime? ProcessingStart, DateTime? ProcessingEnd,
    bool TimeTrackingAllowed,
    DateTime CreatedAt, DateTime UpdatedAt, string? UpdatedBy,
    int? MergedIntoTicketId, int Version);

/// <summary>A new ticket; <c>text</c> becomes the customer's first message on it.</summary>
public sealed record CreateTicketRequest(
    int TenantId, string? Subject, int? CustomerId, string? HandlerId, IReadOnlyList<string>? WatcherIds, TicketStatus? Status, string? Text);

/// <summary>The fields a PATCH may send; only the ones present change, and null clears an optional one.</summary>
public sealed record TicketPatchRequest(
    string? Subject, TicketStatus? Status, string? HandlerId, IReadOnlyList<string>? WatcherIds, int? CustomerId, IReadOnlyList<int>? AssignedCustomerIds,
    string? CustomerNote, string? InternalNote, DateOnly? ExpectedDate, decimal? EstimatedEffortHours, DateTime? ProcessingStart, DateTime? ProcessingEnd,
    int? TenantId, bool? TimeTrackingAllowed);

/// <summary>The handler (null: nobody) and, when sent, the complete list of watchers (assigned users).</summary>
public sealed record AssignTicketRequest(string? HandlerId, IReadOnlyList<string>? WatcherIds);

public static class TicketApi
{
    public const int DefaultLimit = 50;
    public const string Tag = "Tickets";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tickets", ListAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsRead)
            .WithName("listTickets").WithSummary("Lists tickets with the desk's filters, search and sorts, a page at a time.")
            .WithDescription("Filters: status (comma list), handler (a user id or \"me\"), mine (handled or watched by me), unassigned, customer, tenant, "
                + "overdue, unbilled, slaAtRisk, slaBreached; q searches subject, messages and customers (\"#123\" finds a ticket number). "
                + "sort: number, subject, status, handler, customer, expectedDate, updatedAt (default), lastMessageAt, slaDueAt; dir: asc or desc (default). "
                + "limit 1–200 (default 50). Pass nextCursor back as cursor, with the same filters and sort, for the next page.")
            .WithTags(Tag)
            .ProducesValidationProblem();

        api.MapGet("/tickets/{id:int}", GetAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsRead)
            .WithName("getTicket").WithSummary("A ticket's fields, people and dates; the ETag is its version, for If-Match on changes.")
            .WithTags(Tag)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/tickets", CreateAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsWrite)
            .WithName("createTicket").WithSummary("Opens a ticket for a customer; the text becomes the customer's first message (a web form, a shop).")
            .WithTags(Tag);

        api.MapPatch("/tickets/{id:int}", PatchAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsWrite)
            .WithName("updateTicket").WithSummary("Changes the fields present in the body; needs If-Match with the ETag read last.")
            .WithTags(Tag)
            .Accepts<TicketPatchRequest>("application/json", "application/merge-patch+json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        api.MapPost("/tickets/{id:int}/assign", AssignAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsWrite)
            .WithName("assignTicket").WithSummary("Sets the handler and, when sent, the watchers; needs If-Match like any change of the ticket.")
            .WithTags(Tag)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }

    private static async Task<Results<Ok<TicketPage>, ValidationProblem>> ListAsync(
        TicketService tickets, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct,
        string? status = null, string? handler = null, bool? mine = null, bool? unassigned = null, int? customer = null, int? tenant = null,
        bool? overdue = null, bool? unbilled = null, bool? slaAtRisk = null, bool? slaBreached = null, string? q = null,
        string? sort = null, string? dir = null, int? limit = null, string? cursor = null)
    {
        var errors = new FieldErrors();
        var statuses = new HashSet<TicketStatus>();
        foreach (var name in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ApiEnums.TryParse<TicketStatus>(name, out var parsed))
            {
                statuses.Add(parsed);
            }
            else
            {
                errors.AddIfFirst("status", "Not a valid value: {0}", name);
            }
        }
        var sortBy = TicketSort.Default;
        if (!string.IsNullOrWhiteSpace(sort))
        {
            if (ApiEnums.TryParse<TicketSortField>(sort, out var field))
            {
                sortBy = new TicketSort(field, Descending: true);
            }
            else
            {
                errors.Add("sort", "Not a valid value: {0}", sort);
            }
        }
        if (!string.IsNullOrWhiteSpace(dir))
        {
            if (dir.Equals("asc", StringComparison.OrdinalIgnoreCase) || dir.Equals("desc", StringComparison.OrdinalIgnoreCase))
            {
                sortBy = sortBy with { Descending = dir.Equals("desc", StringComparison.OrdinalIgnoreCase) };
            }
            else
            {
                errors.Add("dir", "Not a valid value: {0}", dir);
            }
        }
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > TicketService.MaxPageSize)
        {
            errors.Add("limit", "Between 1 and {0}.", TicketService.MaxPageSize);
        }
        var position = TicketListCursor.None;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (TicketListCursor.Read(cursor) is { } read && read.Sort == sortBy && read.Text == (q ?? ""))
            {
                position = read;
            }
            else
            {
                errors.Add("cursor", "Not a cursor of this list; pass nextCursor back with the same filters and sort.");
            }
        }
        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        var userId = user.UserId();
        var me = string.Equals(handler, "me", StringComparison.OrdinalIgnoreCase);
        var filter = new TicketListFilter
        {
            Statuses = statuses,
            HandlerId = me ? userId : string.IsNullOrWhiteSpace(handler) ? null : handler,
            MineOnly = mine == true,
            UnassignedOnly = unassigned == true,
            CustomerId = customer,
            TenantId = tenant,
            OverdueOnly = overdue == true,
            UnbilledOnly = unbilled == true,
            SlaAtRisk = slaAtRisk == true,
            SlaBreached = slaBreached == true,
            Text = string.IsNullOrWhiteSpace(q) ? null : q,
        };
        // A search is paged by offset as the desk pages it (its best matches first have no key to seek by); any other list by keyset.
        var bySearch = filter.Text is not null;
        var result = await tickets.QueryAsync(filter, userId, sortBy, bySearch ? position.Page : 0, size, ct, bySearch ? null : position.After);
        var now = clock.GetUtcNow().UtcDateTime;
        var items = result.Items.Select(r => new TicketListItem(
            r.Id, r.Number, r.Tag, r.Subject, r.Status, r.HandlerName, r.CustomerName, r.TenantName, r.ExpectedDate, r.IsOverdue,
            ApiTime.Utc(r.UpdatedAt), ApiTime.Utc(r.LastMessageAt), r.SlaDueAt == Ticket.NoDue ? null : ApiTime.Utc(r.SlaDueAt), r.SlaStateAt(now), r.Snippet)).ToList();
        // Keyset paging knows no remaining count: a full page may be followed by an empty one.
        var hasMore = result.Items.Count == size && (!bySearch || (position.Page + 1) * size < result.TotalCount || result.TotalIsCapped);
        var next = !hasMore ? null
            : bySearch ? new TicketListCursor(sortBy, q ?? "", position.Page + 1, null).Write()
            : new TicketListCursor(sortBy, "", 0, result.Items[^1]).Write();
        return TypedResults.Ok(new TicketPage(items, next, result.TotalCount, result.TotalIsCapped));
    }

    private static async Task<Results<Ok<TicketResource>, ProblemHttpResult>> GetAsync(int id, TicketService tickets, HttpResponse response, CancellationToken ct)
    {
        var details = await tickets.GetHeaderAsync(id, ct);
        if (details is null)
        {
            return ApiResults.NotFound("ticket");
        }
        response.Headers.ETag = ApiResults.ETag(details.Edit.Version);
        return TypedResults.Ok(ToResource(details));
    }

    private static async Task<Results<Created<TicketResource>, ValidationProblem>> CreateAsync(
        CreateTicketRequest request, TicketService tickets, ClaimsPrincipal user, HttpResponse response, CancellationToken ct)
    {
        var result = await tickets.CreateAsync(new NewTicket
        {
            TenantId = request.TenantId,
            Subject = request.Subject ?? "",
            CustomerId = request.CustomerId,
            HandlerId = request.HandlerId,
            WatcherIds = request.WatcherIds ?? [],
            Status = request.Status ?? TicketStatus.New,
            Text = request.Text ?? "",
        }, user.DisplayName(), ct);
        if (result is CreateTicketResult.Invalid invalid)
        {
            return ApiResults.Invalid(invalid.Errors);
        }
        var created = (CreateTicketResult.Created)result;
        var details = (await tickets.GetHeaderAsync(created.Id, ct))!;
        response.Headers.ETag = ApiResults.ETag(details.Edit.Version);
        return TypedResults.Created($"{ApiServiceCollectionExtensions.BasePath}/tickets/{created.Id}", ToResource(details));
    }

    private static async Task<Results<Ok<TicketResource>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        int id, HttpRequest request, TicketService tickets, ClaimsPrincipal user, CancellationToken ct)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            return ApiResults.Invalid(FieldErrors.OfForm("Send a JSON object with the fields to change."));
        }
        return await ChangeAsync(id, request, tickets, user, edit => TicketPatch.Apply(body, edit), ct);
    }

    private static Task<Results<Ok<TicketResource>, ValidationProblem, ProblemHttpResult>> AssignAsync(
        int id, AssignTicketRequest assignment, HttpRequest request, TicketService tickets, ClaimsPrincipal user, CancellationToken ct) =>
        ChangeAsync(id, request, tickets, user, edit =>
        {
            edit.HandlerId = string.IsNullOrWhiteSpace(assignment.HandlerId) ? null : assignment.HandlerId;
            if (assignment.WatcherIds is { } watchers)
            {
                edit.WatcherIds = watchers.Distinct().ToList();
            }
            else if (edit.HandlerId is not null)
            {
                // The new handler was a watcher: as handler they are on the ticket already.
                edit.WatcherIds = edit.WatcherIds.Where(w => w != edit.HandlerId).ToList();
            }
            return FieldErrors.None;
        }, ct);

    /// <summary>
    /// Applies a change to the version the client names in If-Match and saves it through the information panel's save,
    /// with its validation and its concurrency token.
    /// </summary>
    private static async Task<Results<Ok<TicketResource>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        int id, HttpRequest request, TicketService tickets, ClaimsPrincipal user, Func<TicketEdit, FieldErrors> change, CancellationToken ct)
    {
        var current = await tickets.GetHeaderAsync(id, ct);
        if (current is null)
        {
            return ApiResults.NotFound("ticket");
        }
        switch (ApiResults.IfMatchVersion(request))
        {
            case null:
                return ApiResults.PreconditionRequired();
            case long version when version != current.Edit.Version:
                return ApiResults.PreconditionFailed(current.Edit.Version);
        }
        var edited = current.Edit.Clone();
        var refused = change(edited);
        if (refused.Count > 0)
        {
            return ApiResults.Invalid(refused);
        }
        switch (await tickets.SaveAsync(current.Edit, edited, user.DisplayName(), ct))
        {
            case SaveTicketResult.Invalid invalid:
                return ApiResults.Invalid(invalid.Errors);
            case SaveTicketResult.Conflict conflict:
                return ApiResults.PreconditionFailed(conflict.Current.Version);
            case SaveTicketResult.NotFound:
                return ApiResults.NotFound("ticket");
        }
        var saved = (await tickets.GetHeaderAsync(id, ct))!;
        request.HttpContext.Response.Headers.ETag = ApiResults.ETag(saved.Edit.Version);
        return TypedResults.Ok(ToResource(saved));
    }

    internal static TicketResource ToResource(TicketDetails d)
    {
        var e = d.Edit;
        return new TicketResource(
            d.Id, d.Number, d.Tag, e.Subject, e.Status, e.TenantId, d.TenantName,
            e.CustomerId, d.CustomerName, e.AssignedCustomerIds.Order().ToList(),
            e.HandlerId, d.HandlerName, e.WatcherIds.Order(StringComparer.Ordinal).ToList(),
            e.CustomerNote, e.InternalNote,
            e.ExpectedDate is DateTime expected ? DateOnly.FromDateTime(expected) : null, e.EstimatedEffortHours,
            e.ProcessingStart, e.ProcessingEnd, e.TimeTrackingAllowed,
            ApiTime.Utc(d.CreatedAt), ApiTime.Utc(d.UpdatedAt), d.UpdatedBy, d.MergedIntoTicketId, e.Version);
    }
}

/// <summary>Where the next page of a ticket list starts, opaque to clients: the last row (keyset) or, for a search, the page.</summary>
internal sealed record TicketListCursor(TicketSort Sort, string Text, int Page, TicketListRow? After)
{
    public static readonly TicketListCursor None = new(TicketSort.Default, "", 0, null);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Write() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this, Json));

    public static TicketListCursor? Read(string cursor)
    {
        try
        {
            return JsonSerializer.Deserialize<TicketListCursor>(Base64Url.DecodeFromChars(cursor), Json);
        }
        catch (Exception e) when (e is FormatException or JsonException or NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>A JSON merge patch of a ticket: each field present replaces the edit's value; a value of the wrong type is a field error.</summary>
internal static class TicketPatch
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static FieldErrors Apply(JsonObject body, TicketEdit edit)
    {
        var errors = new FieldErrors();
        foreach (var (name, value) in body)
        {
            bool Read<T>(out T? result)
            {
                try
                {
                    result = value is null ? default : value.Deserialize<T>(Json);
                    return true;
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                {
                    result = default;
                    errors.Add(name, "Not a valid value.");
                    return false;
                }
            }
            switch (name)
            {
                case "subject" when Read<string>(out var subject):
                    edit.Subject = subject ?? "";
                    break;
                case "status" when Read<TicketStatus?>(out var status):
                    if (status is null || !Enum.IsDefined(status.Value))
                    {
                        errors.Add(name, "Not a valid value.");
                    }
                    else
                    {
                        edit.Status = status.Value;
                    }
                    break;
                case "handlerId" when Read<string>(out var handler):
                    edit.HandlerId = string.IsNullOrWhiteSpace(handler) ? null : handler;
                    break;
                case "watcherIds" when Read<List<string>>(out var watchers):
                    edit.WatcherIds = watchers?.Distinct().ToList() ?? [];
                    break;
                case "customerId" when Read<int?>(out var customer):
                    edit.CustomerId = customer;
                    break;
                case "assignedCustomerIds" when Read<List<int>>(out var assigned):
                    edit.AssignedCustomerIds = assigned?.Distinct().ToList() ?? [];
                    break;
                case "customerNote" when Read<string>(out var customerNote):
                    edit.CustomerNote = customerNote ?? "";
                    break;
                case "internalNote" when Read<string>(out var internalNote):
                    edit.InternalNote = internalNote ?? "";
                    break;
                case "expectedDate" when Read<DateOnly?>(out var expected):
                    edit.ExpectedDate = expected?.ToDateTime(TimeOnly.MinValue);
                    break;
                case "estimatedEffortHours" when Read<decimal?>(out var effort):
                    edit.EstimatedEffortHours = effort;
                    break;
                case "processingStart" when Read<DateTime?>(out var start):
                    edit.ProcessingStart = ApiTime.WallClock(start);
                    break;
                case "processingEnd" when Read<DateTime?>(out var end):
                    edit.ProcessingEnd = ApiTime.WallClock(end);
                    break;
                case "tenantId" when Read<int?>(out var tenant):
                    if (tenant is null)
                    {
                        errors.Add(name, "Not a valid value.");
                    }
                    else
                    {
                        edit.TenantId = tenant.Value;
                    }
                    break;
                case "timeTrackingAllowed" when Read<bool?>(out var allowed):
                    if (allowed is null)
                    {
                        errors.Add(name, "Not a valid value.");
                    }
                    else
                    {
                        edit.TimeTrackingAllowed = allowed.Value;
                    }
                    break;
                case "subject" or "status" or "handlerId" or "watcherIds" or "customerId" or "assignedCustomerIds" or "customerNote" or "internalNote"
                    or "expectedDate" or "estimatedEffortHours" or "processingStart" or "processingEnd" or "tenantId" or "timeTrackingAllowed":
                    break;
                default:
                    errors.Add(name, "This field cannot be changed.");
                    break;
            }
        }
        return errors;
    }
}
