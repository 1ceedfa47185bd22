using BlazorTickets.Shared;
namespace BlazorTickets.Features.Portal;

public sealed record CustomerAccessView(
    int CustomerId,
    string Name,
    string Company,
    string TenantName,
    IReadOnlyList<string> Emails,
    IReadOnlyList<ExtranetLoginView> Logins,
    IReadOnlyList<CustomerConsentChangeView> ConsentChanges);

public sealed record ExtranetLoginView(
    string UserId,
    string Email,
    string DisplayName,
    bool HasPassword,
    DateTimeOffset? LockedUntil,
    DateTime? ResetRequestedAt,
    IReadOnlyList<AccessLinkView> OpenLinks);

public sealed record AccessLinkView(int Id, PortalLinkPurpose Purpose, DateTime CreatedAt, string CreatedBy, DateTime ExpiresAt);

public sealed record CustomerConsentChangeView(int TicketId, int TicketNumber, string Subject, bool Allowed, string ChangedBy, DateTime ChangedAt);

public abstract record AccessLinkResult
{
    /// <summary>The token appears here once and is never stored; <see cref="PortalAccessService.LinkPath"/> makes the link.</summary>
    /// <param name="Mailed">True when the link also went to <paramref name="Email"/> through the mail outbox.</param>
    /// <param name="Token">Null when the caller may not see the link; it then went only to <paramref name="Email"/>.</param>
    public sealed record Created(string? Token, string Email, PortalLinkPurpose Purpose, DateTime ExpiresAt, bool Mailed = false) : AccessLinkResult;
    public sealed record Invalid(FieldErrors Errors) : AccessLinkResult;
    public sealed record NotFound : AccessLinkResult;
}

public enum LinkState
{
    Unknown,
    Expired,
    Used,
    Revoked,
}

public abstract record LinkCheck
{
    public sealed record Valid(string Email, string DisplayName, PortalLinkPurpose Purpose, DateTime ExpiresAt) : LinkCheck;
    public sealed record Unusable(LinkState State) : LinkCheck;
}

public abstract record SetPasswordResult
{
    public sealed record Done(string UserId) : SetPasswordResult;
    public sealed record Invalid(FieldErrors Errors) : SetPasswordResult;
    public sealed record Unusable(LinkState State) : SetPasswordResult;
}

/// <summary>Who asks for a link: only an administrator may see an invitation link; nobody sees a reset link.</summary>
public enum LinkViewer
{
    Staff,
    Admin,
}
