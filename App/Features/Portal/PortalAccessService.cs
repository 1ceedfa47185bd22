using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Portal;

/// <summary>
/// Extranet logins: invitations, password reset links and setting the password from such a link.
/// A password reset link goes only to the login's address, by mail; staff never see it, or they could sign in as the
/// customer. Only an administrator sees an invitation link (for a login that never set a password), to pass it on
/// when mail cannot be sent; every link records who created it.
/// </summary>
public sealed class PortalAccessService(
    IDbContextFactory<AppDbContext> dbFactory,
    IServiceScopeFactory scopes,
    IMailOutbox outbox,
    IStringLocalizer<SharedResource> L,
    TimeProvider clock)
{
    public const string SetPasswordPath = "/account/set-password";
    public const string ForgotPasswordPath = "/account/forgot-password";
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromDays(2);
    private const int MaxTokenLength = 100;

    public const string EmailMissing = "Enter an email address.";
    public const string EmailInvalid = AppIdentityErrorDescriber.EmailInvalid;
    public const string EmailTaken = AppIdentityErrorDescriber.EmailTaken;
    public const string AlreadyActive = "This login has already set a password. Create a password reset link instead.";
    public const string NameMissing = "Enter the name to greet the customer with.";
    public const string NameTooLong = "The name may have at most 200 characters.";
    public const string UserNameInvalid = AppIdentityErrorDescriber.UserNameInvalid;
    public const string PasswordTooShort = AppIdentityErrorDescriber.PasswordTooShortMessage;
    public const string PasswordRequiresDigit = AppIdentityErrorDescriber.PasswordRequiresDigitMessage;
    public const string PasswordRequiresLower = AppIdentityErrorDescriber.PasswordRequiresLowerMessage;
    public const string PasswordRequiresUpper = AppIdentityErrorDescriber.PasswordRequiresUpperMessage;
    public const string PasswordRequiresNonAlphanumeric = AppIdentityErrorDescriber.PasswordRequiresNonAlphanumericMessage;
    public const string PasswordRequiresUniqueChars = AppIdentityErrorDescriber.PasswordRequiresUniqueCharsMessage;

    /// <summary>The fields of the invitation and set-password forms; failures are reported under these names.</summary>
    public const string EmailField = "Email";
    public const string DisplayNameField = "DisplayName";
    public const string PasswordField = "Password";
    public const string UnknownAddress = "Only an administrator can invite an address the customer does not have yet. Add it to the customer first.";
    public const string CannotMail = "This tenant cannot send mail yet, so no link was created. Set up its outgoing mail, or ask an administrator for an invitation link.";

    public static IReadOnlyList<string> AllMessages =>
    [
        EmailMissing, EmailInvalid, EmailTaken, AlreadyActive, NameMissing, NameTooLong, UserNameInvalid, PasswordTooShort,
        PasswordRequiresDigit, PasswordRequiresLower, PasswordRequiresUpper, PasswordRequiresNonAlphanumeric, PasswordRequiresUniqueChars,
        CannotMail, UnknownAddress,
    ];

    public static string LinkPath(string token) => $"{SetPasswordPath}?token={Uri.EscapeDataString(token)}";

    public async Task<CustomerAccessView?> GetCustomerAccessAsync(int customerId, CancellationToken ct = default)
    {
        var now = Now();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customer = await db.Set<Customer>().AsNoTracking()
            .Where(c => c.Id == customerId)
            .Select(c => new
            {
                c.Id, c.Name, c.Company, TenantName = c.Tenant.Name,
                Emails = c.Emails.OrderBy(e => e.Id).Select(e => e.Address).ToList(),
            })
            .SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            return null;
        }
        var logins = await db.Users.AsNoTracking()
            .Where(u => u.CustomerId == customerId)
            .OrderBy(u => u.Email)
            .Select(u => new { u.Id, u.Email, u.DisplayName, HasPassword = u.PasswordHash != null, u.LockoutEnd })
            .ToListAsync(ct);
        var userIds = logins.Select(l => l.Id).ToList();
        var requests = await db.Set<PortalPasswordResetRequest>().AsNoTracking()
            .Where(r => userIds.Contains(r.UserId))
            .ToDictionaryAsync(r => r.UserId, r => r.RequestedAt, ct);
        var links = await OpenLinks(db, now).AsNoTracking()
            .Where(l => l.CustomerId == customerId)
            .OrderByDescending(l => l.CreatedAt)
            .Select(l => new { l.UserId, View = new AccessLinkView(l.Id, l.Purpose, l.CreatedAt, l.CreatedBy, l.ExpiresAt) })
            .ToListAsync(ct);
        var consent = await db.Set<TimeTrackingConsentChange>().AsNoTracking()
            .Where(c => c.CustomerId == customerId)
            .OrderByDescending(c => c.ChangedAt).ThenByDescending(c => c.Id)
            .Take(20)
            .Select(c => new CustomerConsentChangeView(c.TicketId, c.Ticket.Number, c.Ticket.Subject, c.Allowed, c.ChangedBy, c.ChangedAt))
            .ToListAsync(ct);

        return new CustomerAccessView(
            customer.Id, customer.Name, customer.Company, customer.TenantName, customer.Emails,
            logins.Select(l => new ExtranetLoginView(
                l.Id, l.Email ?? "", l.DisplayName, l.HasPassword,
                l.LockoutEnd is { } end && end > clock.GetUtcNow() ? end : null,
                requests.TryGetValue(l.Id, out var requested) ? requested : null,
                links.Where(x => x.UserId == l.Id).Select(x => x.View).ToList())).ToList(),
            consent);
    }

    /// <summary>
    /// Creates the extranet login for <paramref name="email"/> (without a password) if needed and a fresh invitation
    /// link; older open links of that login stop working.
    /// </summary>
    /// <remarks>Hands the link to the caller and mails nothing: for tests and trusted tools, never for a page.</remarks>
    internal async Task<AccessLinkResult> InviteAsync(int customerId, string email, string displayName, string createdBy, CancellationToken ct = default) =>
        await InviteAsync(customerId, email, displayName, createdBy, siteBase: null, LinkViewer.Admin, ct);

    /// <param name="siteBase">The site's address for the link in the mail; null sends no mail.</param>
    /// <param name="viewer">Who asks: only an administrator gets the link back; anyone else's invitation must go out by mail.</param>
    public async Task<AccessLinkResult> InviteAsync(int customerId, string email, string displayName, string createdBy, Uri? siteBase, LinkViewer viewer, CancellationToken ct = default)
    {
        email = (email ?? "").Trim();
        displayName = (displayName ?? "").Trim();
        var errors = new FieldErrors();
        if (email.Length == 0)
        {
            errors.Add(EmailField, EmailMissing);
        }
        else if (email.Length > 256 || !new EmailAddressAttribute().IsValid(email) || email.Contains(' '))
        {
            errors.Add(EmailField, EmailInvalid, email);
        }
        if (displayName.Length == 0)
        {
            errors.Add(DisplayNameField, NameMissing);
        }
        else if (displayName.Length > 200)
        {
            errors.Add(DisplayNameField, NameTooLong);
        }
        if (!errors.IsEmpty)
        {
            return new AccessLinkResult.Invalid(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<Customer>().AnyAsync(c => c.Id == customerId, ct))
        {
            return new AccessLinkResult.NotFound();
        }
        if (viewer != LinkViewer.Admin && (siteBase is null || !await CanMailLinksAsync(customerId, ct)))
        {
            return new AccessLinkResult.Invalid(FieldErrors.OfForm(CannotMail));
        }
        // The invitation mail signs its reader in as the customer, so staff may only send it to the customer's own address.
        if (viewer != LinkViewer.Admin && !await db.Set<CustomerEmail>().AnyAsync(e => e.CustomerId == customerId && e.Address.ToLower() == email.ToLower(), ct))
        {
            return new AccessLinkResult.Invalid(FieldErrors.Of(EmailField, UnknownAddress));
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user is not null)
        {
            if (user.CustomerId != customerId)
            {
                return new AccessLinkResult.Invalid(FieldErrors.Of(EmailField, EmailTaken));
            }
            if (await users.HasPasswordAsync(user))
            {
                return new AccessLinkResult.Invalid(FieldErrors.Of(EmailField, AlreadyActive));
            }
            if (user.DisplayName != displayName)
            {
                user.DisplayName = displayName;
                await users.UpdateAsync(user);
            }
        }
        else
        {
            user = new AppUser { UserName = email, Email = email, DisplayName = displayName, CustomerId = customerId, LockoutEnabled = true };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                return new AccessLinkResult.Invalid(IdentityErrors(created.Errors));
            }
        }
        var invitation = await MailAsync(await NewLinkAsync(db, user, customerId, PortalLinkPurpose.Invitation, createdBy, ct), user, customerId, siteBase, ct);
        return viewer == LinkViewer.Admin ? invitation : Hidden(invitation);
    }

    /// <summary>A password reset link for a login of this customer; a login that never set a password gets an invitation.</summary>
    /// <remarks>Hands the link to the caller and mails nothing: for tests and trusted tools, never for a page.</remarks>
    internal Task<AccessLinkResult> CreateResetLinkAsync(int customerId, string userId, string createdBy, CancellationToken ct = default) =>
        CreateLinkAsync(customerId, userId, createdBy, siteBase: null, mustMail: false, reveal: true, ct);

    /// <summary>
    /// For staff: a password reset goes only to the login's address by mail, and the link is not returned. An
    /// administrator gets back an invitation link for a login that never set a password. When the link would have to
    /// be mailed and the tenant cannot send mail, nothing is created (the login's open links stay) and the answer says so.
    /// </summary>
    /// <param name="siteBase">The site's address for the link in the mail.</param>
    public async Task<AccessLinkResult> CreateResetLinkAsync(int customerId, string userId, string createdBy, Uri? siteBase, LinkViewer viewer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hasPassword = await db.Users.Where(u => u.Id == userId && u.CustomerId == customerId).Select(u => (bool?)(u.PasswordHash != null)).SingleOrDefaultAsync(ct);
        var reveal = viewer == LinkViewer.Admin && hasPassword == false;
        return await CreateLinkAsync(customerId, userId, createdBy, siteBase, mustMail: !reveal, reveal, ct);
    }

    private async Task<AccessLinkResult> CreateLinkAsync(int customerId, string userId, string createdBy, Uri? siteBase, bool mustMail, bool reveal, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId && u.CustomerId == customerId, ct);
        if (user is null)
        {
            return new AccessLinkResult.NotFound();
        }
        if (mustMail && (siteBase is null || !ReplyAddresses.IsValidSingle(user.Email ?? "") || !await CanMailLinksAsync(customerId, ct)))
        {
            return new AccessLinkResult.Invalid(FieldErrors.OfForm(CannotMail));
        }
        var purpose = user.PasswordHash is null ? PortalLinkPurpose.Invitation : PortalLinkPurpose.PasswordReset;
        var result = await NewLinkAsync(db, user, customerId, purpose, createdBy, ct);
        await db.Set<PortalPasswordResetRequest>().Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
        result = await MailAsync(result, user, customerId, siteBase, ct);
        return reveal ? result : Hidden(result);
    }

    private static AccessLinkResult Hidden(AccessLinkResult result) =>
        result is AccessLinkResult.Created created ? created with { Token = null } : result;

    private async Task<bool> CanMailLinksAsync(int customerId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Set<Customer>().Where(c => c.Id == customerId).Select(c => (int?)c.TenantId).SingleOrDefaultAsync(ct);
        return tenantId is int id && await outbox.CanSendAsync(id, ct);
    }

    /// <summary>Sends a new link to its login through the outbox when the customer's tenant can send mail.</summary>
    private async Task<AccessLinkResult> MailAsync(AccessLinkResult result, AppUser user, int customerId, Uri? siteBase, CancellationToken ct)
    {
        if (result is not AccessLinkResult.Created created || siteBase is null)
        {
            return result;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Set<Customer>().Where(c => c.Id == customerId).Select(c => new { c.TenantId, c.Tenant.Name }).SingleOrDefaultAsync(ct);
        if (tenant is null || !ReplyAddresses.IsValidSingle(created.Email) || !await outbox.CanSendAsync(tenant.TenantId, ct))
        {
            return result;
        }
        var url = new Uri(siteBase, LinkPath(created.Token!)).ToString();
        var until = created.ExpiresAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC";
        // In the language of whoever caused the mail: the agent's UI, or the customer's browser on "forgot password".
        var (subject, text) = created.Purpose == PortalLinkPurpose.Invitation
            ? (L["Your access to the {0} customer portal", tenant.Name].Value,
               $"{L["Hello {0},", user.DisplayName]}\n\n{L["You are invited to the {0} customer portal, where you can follow your tickets.", tenant.Name]}\n" +
               $"{L["Set your password with this link (valid until {0}, usable once):", until]}\n\n{url}\n")
            : (L["Reset your password for the {0} customer portal", tenant.Name].Value,
               $"{L["Hello {0},", user.DisplayName]}\n\n{L["Set a new password for the {0} customer portal with this link (valid until {1}, usable once):", tenant.Name, until]}\n\n{url}\n\n" +
               $"{L["If you did not ask for this, ignore this mail; your password stays as it is."]}\n");
        await outbox.EnqueueSystemMailAsync(tenant.TenantId, created.Email, subject, text, ct);
        return created with { Mailed = true };
    }

    /// <summary>
    /// Ends a customer login's access: it cannot sign in, its open pages and cookies end at the next check, its open
    /// links are withdrawn and "forgot password" no longer reaches it. A new link from staff restores it.
    /// </summary>
    public async Task<bool> RevokeLoginAsync(int customerId, string userId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.CustomerId != customerId)
        {
            return false;
        }
        user.DisableSignIn();
        if (!(await users.UpdateAsync(user)).Succeeded)
        {
            return false;
        }
        var now = Now();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await OpenLinks(db, now).Where(l => l.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), ct);
        await db.Set<PortalPasswordResetRequest>().Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
        return true;
    }

    /// <summary>Withdraws an open link; false when there is no such open link of this customer.</summary>
    public async Task<bool> RevokeLinkAsync(int customerId, int linkId, CancellationToken ct = default)
    {
        var now = Now();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var revoked = await OpenLinks(db, now)
            .Where(l => l.Id == linkId && l.CustomerId == customerId)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), ct);
        return revoked == 1;
    }

    /// <summary>
    /// Notes a customer's "forgot password" request for staff to see. Says nothing about whether the address exists;
    /// staff logins and unknown addresses are ignored.
    /// </summary>
    public Task RequestPasswordResetAsync(string? email, CancellationToken ct = default) => RequestPasswordResetAsync(email, siteBase: null, ct);

    /// <param name="siteBase">
    /// The site's address: when given and the customer's tenant can send mail, a reset link goes to the login's address
    /// at once instead of waiting for staff.
    /// </param>
    public async Task RequestPasswordResetAsync(string? email, Uri? siteBase, CancellationToken ct = default)
    {
        email = (email ?? "").Trim();
        if (email.Length is 0 or > 256)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user?.CustomerId is null || user.IsSignInDisabled)
        {
            return;
        }
        // A login that never set a password waits on its invitation; a new link would withdraw it. Staff see the request.
        if (user.PasswordHash is not null && siteBase is not null && await CanMailLinksAsync(user.CustomerId.Value, ct))
        {
            // Creating a link withdraws older ones, so only when it surely goes out by mail.
            var mailed = await CreateLinkAsync(user.CustomerId.Value, user.Id, Text.Of("Password reset requested by the customer"), siteBase, mustMail: true, reveal: false, ct);
            if (mailed is AccessLinkResult.Created { Mailed: true })
            {
                return;
            }
        }
        var now = Now();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var updated = await db.Set<PortalPasswordResetRequest>().Where(r => r.UserId == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.RequestedAt, now), ct);
        if (updated == 0)
        {
            db.Set<PortalPasswordResetRequest>().Add(new PortalPasswordResetRequest { UserId = user.Id, RequestedAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // A second request in the same instant already wrote the row; one is enough.
            }
        }
    }

    public async Task<LinkCheck> CheckLinkAsync(string? token, CancellationToken ct = default)
    {
        if (HashOf(token) is not { } hash)
        {
            return new LinkCheck.Unusable(LinkState.Unknown);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await db.Set<PortalAccessLink>().AsNoTracking()
            .Where(l => l.TokenHash == hash)
            .Select(l => new { Link = l, l.User.Email, l.User.DisplayName, UserCustomerId = l.User.CustomerId })
            .SingleOrDefaultAsync(ct);
        if (link is null || link.UserCustomerId != link.Link.CustomerId)
        {
            return new LinkCheck.Unusable(LinkState.Unknown);
        }
        return StateOf(link.Link) is { } state
            ? new LinkCheck.Unusable(state)
            : new LinkCheck.Valid(link.Email ?? "", link.DisplayName, link.Link.Purpose, link.Link.ExpiresAt);
    }

    /// <summary>
    /// Sets the password of the link's login, once: the link is used up, the login's other open links are withdrawn,
    /// a lockout is lifted (the link proves who it is) and existing sessions end (new security stamp).
    /// </summary>
    public async Task<SetPasswordResult> SetPasswordAsync(string? token, string password, CancellationToken ct = default)
    {
        if (HashOf(token) is not { } hash)
        {
            return new SetPasswordResult.Unusable(LinkState.Unknown);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var link = await db.Set<PortalAccessLink>().AsNoTracking().SingleOrDefaultAsync(l => l.TokenHash == hash, ct);
        if (link is null)
        {
            return new SetPasswordResult.Unusable(LinkState.Unknown);
        }
        if (StateOf(link) is { } state)
        {
            return new SetPasswordResult.Unusable(state);
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(link.UserId);
        if (user is null || user.CustomerId != link.CustomerId)
        {
            return new SetPasswordResult.Unusable(LinkState.Unknown);
        }
        var errors = new FieldErrors();
        foreach (var validator in users.PasswordValidators)
        {
            errors.AddRange(IdentityErrors((await validator.ValidateAsync(users, user, password ?? "")).Errors));
        }
        if (!errors.IsEmpty)
        {
            return new SetPasswordResult.Invalid(errors);
        }

        // Claim the link first, atomically: of two simultaneous posts only one gets past here.
        var now = Now();
        var claimed = await OpenLinks(db, now).Where(l => l.Id == link.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
        if (claimed == 0)
        {
            var current = await db.Set<PortalAccessLink>().AsNoTracking().SingleAsync(l => l.Id == link.Id, ct);
            return new SetPasswordResult.Unusable(StateOf(current) ?? LinkState.Used);
        }

        var reset = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password!);
        if (!reset.Succeeded)
        {
            await db.Set<PortalAccessLink>().Where(l => l.Id == link.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, (DateTime?)null), ct);
            return new SetPasswordResult.Invalid(IdentityErrors(reset.Errors));
        }
        user.EmailConfirmed = true;
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        await users.UpdateAsync(user);

        await OpenLinks(db, now).Where(l => l.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), ct);
        await db.Set<PortalPasswordResetRequest>().Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
        return new SetPasswordResult.Done(user.Id);
    }

    private async Task<AccessLinkResult> NewLinkAsync(
        AppDbContext db, AppUser user, int customerId, PortalLinkPurpose purpose, string createdBy, CancellationToken ct)
    {
        var now = Now();
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var link = new PortalAccessLink
        {
            UserId = user.Id,
            CustomerId = customerId,
            Purpose = purpose,
            TokenHash = HashOf(token)!,
            CreatedAt = now,
            CreatedBy = createdBy.Length <= 200 ? createdBy : createdBy[..200],
            ExpiresAt = now + (purpose == PortalLinkPurpose.Invitation ? InvitationLifetime : ResetLifetime),
        };
        await OpenLinks(db, now).Where(l => l.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, now), ct);
        db.Set<PortalAccessLink>().Add(link);
        await db.SaveChangesAsync(ct);
        return new AccessLinkResult.Created(token, user.Email ?? "", purpose, link.ExpiresAt);
    }

    private static IQueryable<PortalAccessLink> OpenLinks(AppDbContext db, DateTime now) =>
        db.Set<PortalAccessLink>().Where(l => l.UsedAt == null && l.RevokedAt == null && l.ExpiresAt > now);

    private LinkState? StateOf(PortalAccessLink link) =>
        link.UsedAt is not null ? LinkState.Used
        : link.RevokedAt is not null ? LinkState.Revoked
        : link.ExpiresAt <= Now() ? LinkState.Expired
        : null;

    internal static string? HashOf(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
    }

    /// <summary>Identity's messages, worded by <see cref="AppIdentityErrorDescriber"/>, under the field they are about.</summary>
    private static FieldErrors IdentityErrors(IEnumerable<IdentityError> identityErrors)
    {
        var errors = new FieldErrors();
        foreach (var error in identityErrors)
        {
            errors.Add(AppIdentityErrorDescriber.FieldOf(error, PasswordField, EmailField, FieldErrors.Form), error.Description);
        }
        return errors;
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
