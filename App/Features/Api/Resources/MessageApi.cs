using System.Security.Claims;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Shared;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorTickets.Features.Api.Resources;

public sealed record AttachmentMetadata(int Id, string FileName, string ContentType, long Size, string? ContentId, string Url);

/// <summary>How far an outbound message is: queued, sending, sent or failed (after its last attempt).</summary>
public sealed record DeliveryResource(DeliveryState State, int Attempts, DateTime? NextAttemptAt, string? LastError);

public sealed record MessageResource(
    int Id, int TicketId, MessageDirection Direction, string From, string To, string Cc, string Subject, DateTime Date,
    // The text body, or the text of the HTML body when the message has no text.
    string Text, bool HasHtml, string? AuthorName, IReadOnlyList<AttachmentMetadata> Attachments, DeliveryResource? Delivery);

public sealed record NoteRequest(string? Text);

/// <summary>
/// A reply as the compose form sends it. Left out: to = the sender of the newest customer message, subject = "Re: …" with
/// the ticket's tag, statusAfterSending = Answered. A template's text is appended to the text as the form's "Insert template" does.
/// </summary>
public sealed record ReplyRequest(
    string? Text, string? To, string? Cc, string? Subject, TicketStatus? StatusAfterSending, int? TemplateId, int? AnsweredMessageId,
    IReadOnlyList<int>? AttachmentIds, bool ConfirmEmptyPlaceholders = false, int? SeenUpToMessageId = null, string? ComposeId = null);

public sealed record ReplyAccepted(int MessageId, DeliveryResource Delivery, bool WasAlreadyQueued);

public static class MessageApi
{
    public const string Tag = "Messages";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tickets/{id:int}/messages", ListAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsRead)
            .WithName("listMessages").WithSummary("The ticket's conversation, oldest first: mail in and out, portal messages and internal notes.")
            .WithTags(Tag)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/tickets/{id:int}/messages/{messageId:int}", GetAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsRead)
            .WithName("getMessage").WithSummary("One message of the ticket; for a reply also its delivery state.")
            .WithTags(Tag)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/tickets/{id:int}/notes", AddNoteAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsWrite)
            .WithName("addNote").WithSummary("Adds an internal note, which customers never see.")
            .WithTags(Tag)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/tickets/{id:int}/replies", ReplyAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsWrite)
            .WithName("sendReply").WithSummary("Queues a reply to the customer through the tenant's outbox, as the reply form does; 202 with its delivery state.")
            .WithDescription("Send the same composeId again (after a lost answer) and the first reply is returned, nothing is queued twice. "
                + "attachmentIds are ids from POST /tickets/{id}/attachments. With seenUpToMessageId, a customer message newer than it stops the send with 409.")
            .WithTags(Tag)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<IReadOnlyList<MessageResource>>, ProblemHttpResult>> ListAsync(
        int id, TicketService tickets, ReplyService replies, CancellationToken ct)
    {
        var details = await tickets.GetAsync(id, ct);
        if (details is null)
        {
            return ApiResults.NotFound("ticket");
        }
        var delivery = await replies.GetDeliveryAsync(id, ct);
        return TypedResults.Ok<IReadOnlyList<MessageResource>>(details.Messages.Select(m => ToResource(id, m, delivery)).ToList());
    }

    private static async Task<Results<Ok<MessageResource>, ProblemHttpResult>> GetAsync(
        int id, int messageId, TicketService tickets, ReplyService replies, CancellationToken ct)
    {
        var message = (await tickets.GetAsync(id, ct))?.Messages.FirstOrDefault(m => m.Id == messageId);
        if (message is null)
        {
            return ApiResults.NotFound("message");
        }
        return TypedResults.Ok(ToResource(id, message, await replies.GetDeliveryAsync(id, ct)));
    }

    private static async Task<Results<Created<MessageResource>, ValidationProblem, ProblemHttpResult>> AddNoteAsync(
        int id, NoteRequest request, TicketService tickets, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await tickets.GetHeaderAsync(id, ct) is null)
        {
            return ApiResults.NotFound("ticket");
        }
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return ApiResults.Invalid("text", "Write the note first.");
        }
        var noteId = await tickets.AddInternalNoteAsync(id, request.Text, user.UserId()!, user.DisplayName(), ct);
        var note = (await tickets.GetAsync(id, ct))!.Messages.Single(m => m.Id == noteId);
        return TypedResults.Created(MessageUrl(id, noteId), ToResource(id, note, new Dictionary<int, OutboxStatus>()));
    }

    private static async Task<Results<Accepted<ReplyAccepted>, ValidationProblem, ProblemHttpResult>> ReplyAsync(
        int id, ReplyRequest request, TicketService tickets, ReplyService replies, ClaimsPrincipal user, CancellationToken ct)
    {
        // The reply service trusts its caller with the ticket, as the ticket page has read it through the tenant's scope first.
        if (await tickets.GetHeaderAsync(id, ct) is null)
        {
            return ApiResults.NotFound("ticket");
        }
        var userId = user.UserId()!;
        var context = (await replies.GetContextAsync(id, userId, ct))!;
        var errors = new FieldErrors();
        var answered = request.AnsweredMessageId is int answeredId
            ? context.Messages.FirstOrDefault(m => m.Id == answeredId)
            : ReplyService.DefaultAnswered(context);
        if (request.AnsweredMessageId is not null && answered is null)
        {
            errors.Add("answeredMessageId", "Not a message of this ticket.");
        }
        var input = new ReplyInput();
        ReplyService.Prefill(input, context, answered);
        if (!string.IsNullOrWhiteSpace(request.ComposeId))
        {
            // The client's key, kept apart from other users' and tickets' keys and from the form's ids.
            input.ComposeId = "api-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(userId + "\n" + id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" + request.ComposeId.Trim())));
        }
        input.To = request.To ?? input.To;
        input.Cc = request.Cc ?? "";
        input.Subject = request.Subject ?? input.Subject;
        input.StatusAfterSending = request.StatusAfterSending ?? TicketStatus.Answered;
        input.Body = request.Text ?? "";
        input.SeenUpToMessageId = request.SeenUpToMessageId;
        if (request.TemplateId is int templateId)
        {
            if (context.Templates.FirstOrDefault(t => t.Id == templateId) is { } template)
            {
                var filled = ReplyService.FillTemplate(context, template, answered);
                input.EmptyPlaceholders = [.. filled.Empty];
                var body = input.Body.TrimEnd();
                input.Body = body.Length == 0 ? filled.Text : $"{body}\n\n{filled.Text}";
            }
            else
            {
                errors.Add("templateId", "Not a reply template of this ticket's tenant.");
            }
        }
        input.EmptyPlaceholdersConfirmed = request.ConfirmEmptyPlaceholders;
        if (request.AttachmentIds is { Count: > 0 } attachmentIds)
        {
            var files = await replies.DraftAttachmentsAsync(id, userId, attachmentIds, ct);
            if (files is null)
            {
                errors.Add("attachmentIds", "Upload the files to this ticket first; an id is used by one reply only.");
            }
            else
            {
                input.Attachments = files;
            }
        }
        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        switch (await replies.SendAsync(input, userId, ct))
        {
            case SendReplyResult.Queued queued:
                var delivery = (await replies.GetDeliveryAsync(id, ct)).GetValueOrDefault(queued.TicketMessageId);
                return TypedResults.Accepted(MessageUrl(id, queued.TicketMessageId),
                    new ReplyAccepted(queued.TicketMessageId, ToDelivery(delivery) ?? new DeliveryResource(DeliveryState.Queued, 0, null, null), queued.WasAlreadyQueued));
            case SendReplyResult.CustomerWroteMeanwhile meanwhile:
                return ApiResults.Conflict("The customer wrote since the message you saw: " + string.Join(", ", meanwhile.Messages.Select(m => m.Id))
                    + ". Read them, then send again with a newer seenUpToMessageId.");
            case SendReplyResult.Invalid invalid:
                return ApiResults.Invalid(Renamed(invalid.Errors));
            default:
                throw new InvalidOperationException("Unknown reply result.");
        }
    }

    /// <summary>The reply form's field names as this API's: the body is "text", the files "attachmentIds".</summary>
    private static FieldErrors Renamed(FieldErrors errors)
    {
        var renamed = new FieldErrors();
        foreach (var (field, messages) in errors)
        {
            var name = field switch
            {
                nameof(ReplyInput.Body) => "text",
                nameof(ReplyInput.Attachments) => "attachmentIds",
                ReplyInput.EmptyPlaceholdersKey => "confirmEmptyPlaceholders",
                _ => field,
            };
            foreach (var message in messages)
            {
                renamed.Add(name, message);
            }
        }
        return renamed;
    }

    private static string MessageUrl(int ticketId, int messageId) => $"{ApiServiceCollectionExtensions.BasePath}/tickets/{ticketId}/messages/{messageId}";

    private static DeliveryResource? ToDelivery(OutboxStatus? status) =>
        status is null ? null : new DeliveryResource(status.State, status.Attempts, status.State is DeliveryState.Queued ? ApiTime.Utc(status.NextAttemptAt) : null, status.LastError);

    private static MessageResource ToResource(int ticketId, MessageView m, IReadOnlyDictionary<int, OutboxStatus> delivery) => new(
        m.Id, ticketId, m.Direction, m.From, m.To, m.Cc, m.Subject, ApiTime.Utc(m.Date),
        TicketSearchText.MessageText(m.TextBody, m.HtmlBody), m.HasHtml, m.AuthorName,
        m.Attachments.Select(a => new AttachmentMetadata(a.Id, a.FileName, a.ContentType, a.Size, a.ContentId, AttachmentApi.Url(a.Id))).ToList(),
        ToDelivery(delivery.GetValueOrDefault(m.Id)));
}
