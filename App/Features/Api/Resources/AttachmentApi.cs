using System.Security.Claims;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Api.Resources;

/// <summary>An uploaded file waiting for a reply; pass its id in a reply's attachmentIds.</summary>
public sealed record UploadedAttachment(int Id, string FileName, string ContentType, long Size);

public static class AttachmentApi
{
    public const string Tag = "Attachments";

    public static string Url(int attachmentId) => $"{ApiServiceCollectionExtensions.BasePath}/attachments/{attachmentId}";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/attachments/{id:int}", DownloadAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsRead)
            .WithName("downloadAttachment").WithSummary("An attachment of a message, always as a download (application/octet-stream).")
            .WithTags(Tag)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/tickets/{id:int}/attachments", UploadAsync)
            .RequireScope(Policies.Staff, ApiScopes.TicketsWrite)
            .WithName("uploadAttachment").WithSummary("Uploads a file (multipart field \"file\") for a reply on this ticket, with the reply form's limits.")
            .WithDescription("Up to 10 MB per file, 25 MB and 20 files for one reply. The file waits with your reply draft of this ticket until a reply sends it.")
            .WithTags(Tag)
            // Token sign-in only: no cookie a cross-site form could ride on.
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static Task<IResult> DownloadAsync(int id, IDbContextFactory<AppDbContext> dbFactory, TenantScope tenants, HttpContext http, CancellationToken ct) =>
        TicketsServiceCollectionExtensions.AttachmentDownloadAsync(id, dbFactory, tenants, http, ct);

    private static async Task<Results<Created<UploadedAttachment>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        int id, IFormFile? file, TicketService tickets, ReplyService replies, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await tickets.GetHeaderAsync(id, ct) is null)
        {
            return ApiResults.NotFound("ticket");
        }
        if (file is null || file.Length == 0)
        {
            return ApiResults.Invalid("file", "Send a file in the multipart field \"file\".");
        }
        if (file.Length > ReplyLimits.MaxFileBytes)
        {
            // Refused before it is read into memory; the service says the same for what it is given.
            return ApiResults.Invalid(Shared.FieldErrors.Of("file", "{0} is larger than {1} MB per file.",
                file.FileName, (ReplyLimits.MaxFileBytes / 1048576).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        using var content = new MemoryStream((int)file.Length);
        await file.CopyToAsync(content, ct);
        var upload = new ReplyAttachmentInput(file.FileName, file.ContentType, content.ToArray());
        var (attachmentId, errors) = await replies.AddDraftAttachmentAsync(id, user.UserId()!, upload, ct);
        if (attachmentId is not int created)
        {
            return ApiResults.Invalid(errors.Count == 1 && errors.Has("Attachments") ? Renamed(errors) : errors);
        }
        return TypedResults.Created((string?)null, new UploadedAttachment(created, SafeFileName.From(upload.FileName),
            string.IsNullOrWhiteSpace(upload.ContentType) ? "application/octet-stream" : upload.ContentType, upload.Size));
    }

    private static Shared.FieldErrors Renamed(Shared.FieldErrors errors)
    {
        var renamed = new Shared.FieldErrors();
        foreach (var message in errors.For("Attachments"))
        {
            renamed.Add("file", message);
        }
        return renamed;
    }
}
