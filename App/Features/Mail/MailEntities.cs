using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Features.Mail;

public enum MailEncryption
{
    None = 0,
    SslTls = 1,
    StartTls = 2,
}

public enum AfterImportAction
{
    KeepAndFlagSeen = 0,
    MoveToFolder = 1,
    Delete = 2,
}

/// <summary>A tenant's own IMAP mailbox, used by BlazorTickets alone.</summary>
public class MailboxSettings
{
    public const long DefaultMaxMessageBytes = 25L * 1024 * 1024;
    public const string DefaultCron = "0 0/2 * * * ?";

    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public string Host { get; set; } = "";
    public int Port { get; set; } = 993;
    public MailEncryption Encryption { get; set; } = MailEncryption.SslTls;
    public string UserName { get; set; } = "";
    /// <summary>Protected with ASP.NET Core Data Protection; never leaves the server.</summary>
    public string? ProtectedPassword { get; set; }
    public string Folder { get; set; } = "INBOX";
    public AfterImportAction AfterImport { get; set; } = AfterImportAction.KeepAndFlagSeen;
    public string? MoveToFolder { get; set; }
    public long MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    public bool ScheduleEnabled { get; set; } = true;
    public string CronSchedule { get; set; } = DefaultCron;
    public bool PushEnabled { get; set; } = true;

    public DateTime? LastRunAt { get; set; }
    public double? LastRunSeconds { get; set; }
    public string? LastRunSummary { get; set; }
    public string? LastRunError { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(UserName);
}

/// <summary>How far a folder has been imported: every UID up to <see cref="HighestUid"/> is committed.</summary>
public class MailFolderState
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public string Folder { get; set; } = "";
    public long UidValidity { get; set; }
    public long HighestUid { get; set; }
}

/// <summary>
/// One row per mailbox message we took responsibility for. Its unique keys are what make a second import
/// impossible: by position (tenant, folder, UIDVALIDITY, UID) and by identity (tenant, message key).
/// </summary>
public class ImportedMail
{
    public long Id { get; set; }
    public int TenantId { get; set; }
    public string Folder { get; set; } = "";
    public long UidValidity { get; set; }
    public long Uid { get; set; }
    /// <summary>The Message-ID, or "sha256:…" of the header block when a message has none.</summary>
    public string MessageKey { get; set; } = "";
    public int? TicketMessageId { get; set; }
    public TicketMessage? TicketMessage { get; set; }
    public int? QuarantinedMailId { get; set; }
    public QuarantinedMail? Quarantine { get; set; }
    public DateTime ImportedAt { get; set; }
    /// <summary>False until the after-import action (seen flag, move, delete) was applied on the server.</summary>
    public bool AfterImportApplied { get; set; }
}

public class QuarantinedMail
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public string Folder { get; set; } = "";
    public long UidValidity { get; set; }
    public long Uid { get; set; }
    public string Reason { get; set; } = "";
    public string From { get; set; } = "";
    public string Subject { get; set; } = "";
    public long Size { get; set; }
    /// <summary>The message as the server gave it; only headers when it was over the size limit.</summary>
    public byte[] Raw { get; set; } = [];
    public bool RawIsComplete { get; set; }
    public DateTime CreatedAt { get; set; }
}
