using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;

namespace BlazorTickets.Features.Portal;

/// <summary>One change of a ticket's "time tracking allowed" consent, made by a customer in the portal.</summary>
public class TimeTrackingConsentChange
{
    public int Id { get; set; }
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    /// <summary>The consent after the change.</summary>
    public bool Allowed { get; set; }
    /// <summary>The login that changed it; kept as a name too, so the log survives a deleted login.</summary>
    public string? UserId { get; set; }
    public AppUser? User { get; set; }
    public string ChangedBy { get; set; } = "";
    public int? CustomerId { get; set; }
    public DateTime ChangedAt { get; set; }
}

public enum PortalLinkPurpose
{
    Invitation = 0,
    PasswordReset = 1,
}

/// <summary>
/// A single-use link that lets an extranet login set its password: an invitation or a password reset.
/// Only a hash of the token is stored, so the database alone cannot be used to take over a login.
/// </summary>
public class PortalAccessLink
{
    public int Id { get; set; }
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
    public int CustomerId { get; set; }
    public Customer Customer { get; set; } = null!;
    public PortalLinkPurpose Purpose { get; set; }
    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public string TokenHash { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>
/// A customer asked for a new password on the sign-in page. There is no mail outbox yet, so staff see the request on
/// the customer's extranet page and pass a reset link on; one row per login, gone once a reset link is made.
/// </summary>
public class PortalPasswordResetRequest
{
    public string UserId { get; set; } = "";
    public AppUser User { get; set; } = null!;
    public DateTime RequestedAt { get; set; }
}
