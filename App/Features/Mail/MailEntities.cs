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

public enum MailAuthMethod
{
    Password = 0,
    OAuth2 = 1,
}

public enum OAuthProviderKind
{
    Microsoft365 = 1,
    Google = 2,
    Other = 3,
}

/// <summary>
/// One of a tenant's IMAP mailboxes (support@, billing@, a second brand), used by BlazorTickets alone. Each has its
/// own folders, schedule, IDLE connection, lock, health and SMTP identity for the replies to its tickets.
/// </summary>
public class Mailbox
{
    public const long DefaultMaxMessageBytes = 25L * 1024 * 1024;
    public const string DefaultCron = "0 0/2 * * * ?";

    public int Id { get; set; }
    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public string Name { get; set; } = "";
    /// <summary>The address customers write to; replies to its tickets are sent from it. Empty: the tenant's sender.</summary>
    public string Address { get; set; } = "";

    public string Host { get; set; } = "";
    public int Port { get; set; } = 993;
    public MailEncryption Encryption { get; set; } = MailEncryption.SslTls;
    public string UserName { get; set; } = "";
    public MailAuthMethod AuthMethod { get; set; } = MailAuthMethod.Password;
    /// <summary>Protected with ASP.NET Core Data Protection; never leaves the server.</summary>
    public string? ProtectedPassword { get; set; }

    /// <summary>The folders to fetch, one per line; IMAP IDLE watches the first.</summary>
    public string Folders { get; set; } = "INBOX";
    public AfterImportAction AfterImport { get; set; } = AfterImportAction.KeepAndFlagSeen;
    public string? MoveToFolder { get; set; }
    public long MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    public bool ScheduleEnabled { get; set; } = true;
    public string CronSchedule { get; set; } = DefaultCron;
    public bool PushEnabled { get; set; } = true;

    /// <summary>New tickets of this mailbox go to this handler (a user of Ticket-Support).</summary>
    public string? DefaultHandlerId { get; set; }
    /// <summary>The Ticket-Support members of this group watch the mailbox's new tickets.</summary>
    public int? DefaultWatcherGroupId { get; set; }

    /// <summary>Its own SMTP server for replies; empty: the tenant's SMTP settings, with this mailbox's address as sender.</summary>
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public MailEncryption SmtpEncryption { get; set; } = MailEncryption.StartTls;
    /// <summary>Empty: the IMAP user name; with OAuth2 the same token signs in to SMTP.</summary>
    public string? SmtpUserName { get; set; }
    public string? SmtpProtectedPassword { get; set; }

    public OAuthProviderKind? OAuthProvider { get; set; }
    /// <summary>For "Other OAuth2 provider" only; Microsoft 365 and Google come from the installation's settings.</summary>
    public string? OAuthAuthorizationEndpoint { get; set; }
    public string? OAuthTokenEndpoint { get; set; }
    public string? OAuthScopes { get; set; }
    public string? OAuthClientId { get; set; }
    public string? OAuthProtectedClientSecret { get; set; }
    public string? OAuthProtectedRefreshToken { get; set; }
    public string? OAuthProtectedAccessToken { get; set; }
    public DateTime? OAuthAccessTokenExpiresAt { get; set; }
    /// <summary>Set when a token refresh was refused: the mailbox needs to be connected again.</summary>
    public string? OAuthError { get; set; }
    /// <summary>When the admins were told that the mailbox needs to be connected again; cleared once it is.</summary>
    public DateTime? OAuthErrorAlertedAt { get; set; }

    public DateTime? LastRunAt { get; set; }
    public double? LastRunSeconds { get; set; }
    public string? LastRunSummary { get; set; }
    public string? LastRunError { get; set; }
    public DateTime? LastSuccessAt { get; set; }
    /// <summary>When the current run of failed fetches began; null while fetching works.</summary>
    public DateTime? FailingSince { get; set; }
    /// <summary>When the admins were told of the current outage; cleared, with a recovery notice, by the next success.</summary>
    public DateTime? OutageAlertedAt { get; set; }
    /// <summary>Since when a node holds the mailbox's IDLE connection; null while none does.</summary>
    public DateTime? PushConnectedSince { get; set; }
    /// <summary>The lowest UID on the server not imported yet, when a fetch stopped before the end.</summary>
    public long? OldestUnfetchedUid { get; set; }

    public IReadOnlyList<string> FolderList => SplitFolders(Folders);

    public static IReadOnlyList<string> SplitFolders(string? folders) =>
        (folders ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(UserName);

    public override string ToString() => Name.Length > 0 ? Name : Address.Length > 0 ? Address : UserName;
}

/// <summary>How far a folder has been imported: every UID up to <see cref="HighestUid"/> is committed.</summary>
public class MailFolderState
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public int MailboxId { get; set; }
    public string Folder { get; set; } = "";
    public long UidValidity { get; set; }
    public long HighestUid { get; set; }
}

/// <summary>
/// One row per mailbox message we took responsibility for. Its unique keys are what make a second import
/// impossible: by position (mailbox, folder, UIDVALIDITY, UID) and by identity (tenant, message key), so a message
/// that reached two of a tenant's mailboxes is imported once.
/// </summary>
public class ImportedMail
{
    public long Id { get; set; }
    public int TenantId { get; set; }
    /// <summary>0 when the message did not come from a mailbox (an import by API or test).</summary>
    public int MailboxId { get; set; }
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
    public int MailboxId { get; set; }
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
