using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.Replies;

/// <summary>A tenant's outgoing mail server, kept next to its IMAP mailbox. The sender is the tenant's own address and name.</summary>
public class SmtpSettings
{
    public const string DefaultSentFolder = "Sent";

    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public MailEncryption Encryption { get; set; } = MailEncryption.StartTls;
    /// <summary>Empty for a relay that accepts mail without signing in.</summary>
    public string UserName { get; set; } = "";
    /// <summary>Protected with ASP.NET Core Data Protection, like the IMAP password; never leaves the server.</summary>
    public string? ProtectedPassword { get; set; }
    /// <summary>Appends a copy of every sent mail to this folder of the tenant's IMAP mailbox.</summary>
    public bool CopyToSentFolder { get; set; }
    public string SentFolder { get; set; } = DefaultSentFolder;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

public enum DeliveryState
{
    Queued = 0,
    Sending = 1,
    Sent = 2,
    Failed = 3,
}

public enum SentCopyState
{
    NotWanted = 0,
    Pending = 1,
    Done = 2,
    Failed = 3,
}

/// <summary>
/// One mail waiting for, or done with, SMTP. The MIME is built once when it is queued, so every attempt sends the same
/// bytes with the same Message-ID: a retry after an unrecorded success is a duplicate the receiving side can recognise.
/// Replies point at their outbound <see cref="TicketMessage"/>; system mails (extranet invitations, password resets) have none.
/// </summary>
public class OutboxMail
{
    public const int MaxAttempts = 8;

    public int Id { get; set; }
    public int TenantId { get; set; }
    public int? TicketId { get; set; }
    public int? TicketMessageId { get; set; }
    public TicketMessage? TicketMessage { get; set; }
    /// <summary>The compose form's id for replies: a second submit of the same form cannot queue a second mail.</summary>
    public string IdempotencyKey { get; set; } = "";
    public string Recipients { get; set; } = "";
    public string Subject { get; set; } = "";
    public byte[] RawMime { get; set; } = [];
    public DeliveryState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? ClaimedAt { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    /// <summary>The ticket status to set once the server accepted the mail; null for system mails.</summary>
    public TicketStatus? StatusAfterSending { get; set; }
    public SentCopyState SentCopy { get; set; }
    public string? SentCopyError { get; set; }
}

/// <summary>An agent's unsent reply on a ticket; one per agent and ticket.</summary>
public class ReplyDraft
{
    public int Id { get; set; }
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public string UserId { get; set; } = "";
    public string ComposeId { get; set; } = "";
    public int? AnsweredMessageId { get; set; }
    public string Subject { get; set; } = "";
    public string To { get; set; } = "";
    public string Cc { get; set; } = "";
    public TicketStatus StatusAfterSending { get; set; } = TicketStatus.Answered;
    public string Body { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
    public List<ReplyDraftAttachment> Attachments { get; set; } = [];
}

public class ReplyDraftAttachment
{
    public int Id { get; set; }
    public int DraftId { get; set; }
    public ReplyDraft Draft { get; set; } = null!;
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "application/octet-stream";
    public byte[] Content { get; set; } = [];
}
