using BlazorTickets.Shared;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.Portal;

/// <summary>
/// What a customer may see of a ticket. Deliberately its own type: internal fields (internal note, handler, time
/// entries, processing times) have no property here, so no page can show them by mistake.
/// </summary>
public sealed record PortalTicketRow(
    int Id,
    int Number,
    string Subject,
    TicketStatus Status,
    DateTime LastActivity,
    string CustomerNote,
    DateOnly? ExpectedDate,
    decimal? EstimatedEffortHours)
{
    public string Tag => Ticket.FormatNumber(Number);
}

public sealed record PortalTicketView(
    int Id,
    int Number,
    string Subject,
    TicketStatus Status,
    DateTime CreatedAt,
    DateTime LastActivity,
    string CustomerNote,
    DateOnly? ExpectedDate,
    decimal? EstimatedEffortHours,
    bool TimeTrackingAllowed,
    IReadOnlyList<PortalMessage> Messages,
    IReadOnlyList<ConsentChangeView> ConsentChanges)
{
    public string Tag => Ticket.FormatNumber(Number);
}

/// <summary>An inbound or outbound message; internal notes never become one.</summary>
public sealed record PortalMessage(
    int Id,
    MessageDirection Direction,
    string From,
    string Subject,
    DateTime Date,
    string TextBody,
    IReadOnlyList<AttachmentView> Attachments);

public sealed record ConsentChangeView(bool Allowed, string ChangedBy, DateTime ChangedAt);

public sealed record PortalAttachmentFile(string FileName, byte[] Content);

/// <summary>A file the customer picked, already read into memory within the limits of <see cref="PortalLimits"/>.</summary>
public sealed record UploadedFile(string FileName, string ContentType, byte[] Content)
{
    public long Size => Content.LongLength;
}


public abstract record PortalResult
{
    public sealed record Done(int TicketId) : PortalResult;
    public sealed record Invalid(FieldErrors Errors) : PortalResult;
    /// <summary>No such ticket, or not this customer's: the two are never told apart.</summary>
    public sealed record NotFound : PortalResult;
}

public static class PortalLimits
{
    public const int MaxFiles = 10;
    public const long MaxFileBytes = 10 * 1024 * 1024;
    public const long MaxTotalBytes = 25 * 1024 * 1024;
    public const int MaxTextLength = 50_000;
    public const int MaxSubjectLength = TicketValidation.MaxSubjectLength;
    public const int MaxFileNameLength = 255;
    public const int PageSize = 20;

    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
