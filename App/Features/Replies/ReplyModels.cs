using BlazorTickets.Shared;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.Replies;

public static class ReplyLimits
{
    public const long MaxFileBytes = 10L * 1024 * 1024;
    public const long MaxTotalBytes = 25L * 1024 * 1024;
    public const int MaxFiles = 20;
}

public sealed record ReplyAttachmentInput(string FileName, string ContentType, byte[] Content)
{
    public long Size => Content.LongLength;
}

/// <summary>The compose form. <see cref="ComposeId"/> names this one reply: sending it twice queues it once.</summary>
public sealed class ReplyInput
{
    public string ComposeId { get; set; } = Guid.NewGuid().ToString("N");
    public int TicketId { get; set; }
    public int? AnsweredMessageId { get; set; }
    public string Subject { get; set; } = "";
    public string To { get; set; } = "";
    public string Cc { get; set; } = "";
    public TicketStatus StatusAfterSending { get; set; } = TicketStatus.Answered;
    public string Body { get; set; } = "";
    public List<ReplyAttachmentInput> Attachments { get; set; } = [];

    /// <summary>Placeholders of inserted templates that filled to nothing; the reply is only sent once the agent confirmed.</summary>
    public List<string> EmptyPlaceholders { get; set; } = [];
    public bool EmptyPlaceholdersConfirmed { get; set; }

    /// <summary>
    /// The newest message the agent had in front of them when they began (or last confirmed): a customer message after it
    /// stops the send until the agent has seen it. Null: no such check (a caller that shows no conversation).
    /// </summary>
    public int? SeenUpToMessageId { get; set; }

    public const string EmptyPlaceholdersKey = "EmptyPlaceholders";
}

/// <summary>A message that can be answered, with what the form takes from it.</summary>
public sealed record AnswerableMessage(int Id, MessageDirection Direction, string From, string FromAddress, string To, string Subject, DateTime Date, string TextBody);

public sealed record ReplyTemplate(int Id, string Name, string Body);

/// <summary>What the compose area needs of a ticket and of the agent writing.</summary>
public sealed record ReplyContext(
    int TicketId,
    int TicketNumber,
    string TicketSubject,
    int TenantId,
    string? CustomerName,
    DateOnly? ExpectedDate,
    string AgentName,
    string AgentSignature,
    bool SmtpConfigured,
    IReadOnlyList<AnswerableMessage> Messages,
    IReadOnlyList<ReplyTemplate> Templates,
    string? MailboxAddress = null)
{
    public string Tag => Ticket.FormatNumber(TicketNumber);
}

public abstract record SendReplyResult
{
    public sealed record Queued(int TicketMessageId, int OutboxMailId, bool WasAlreadyQueued) : SendReplyResult;
    public sealed record Invalid(FieldErrors Errors) : SendReplyResult;
    /// <summary>Nothing was sent: the customer wrote these since the agent began; the agent reads them and sends again or edits.</summary>
    public sealed record CustomerWroteMeanwhile(IReadOnlyList<AnswerableMessage> Messages) : SendReplyResult;
}

public sealed record OutboxStatus(int OutboxMailId, DeliveryState State, int Attempts, DateTime NextAttemptAt, string? LastError, SentCopyState SentCopy, string? SentCopyError);

