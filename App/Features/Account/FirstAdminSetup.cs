using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using BlazorTickets.Data;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Account;

/// <summary>
/// A new install without demo data has nobody to sign in. At start it gets a one-time setup link, printed to the
/// console: whoever can read the server's output creates the first administrator with it. The token lives only in
/// memory, as a hash; it expires, works once, and only while no administrator exists.
/// </summary>
public sealed class FirstAdminSetup(IServiceScopeFactory scopes, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string Path = "/setup";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public const string LinkUnusable = "This setup link is not valid: it was used, it expired, or an administrator already exists. Restart the app for a new link while there is no administrator.";
    public const string EmailInvalid = "Enter a valid email address.";
    public const string NameMissing = "Enter the administrator's name.";
    public const string PasswordsDiffer = "The two passwords differ.";

    /// <summary>The fields of the setup form; failures are reported under these names.</summary>
    public const string EmailField = "Email";
    public const string DisplayNameField = "DisplayName";
    public const string PasswordField = "Password";

    private readonly Lock gate = new();
    private byte[]? tokenHash;
    private DateTimeOffset expiresAt;

    public static string LinkPath(string token) => $"{Path}?token={Uri.EscapeDataString(token)}";

    public async Task<bool> AdministratorExistsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<UserGroupMembership>().AnyAsync(m => m.Group.Name == Groups.Admins && m.User.CustomerId == null, ct);
    }

    /// <summary>A new token; an older one stops working.</summary>
    public string Issue()
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        lock (gate)
        {
            tokenHash = Hash(token);
            expiresAt = clock.GetUtcNow() + Lifetime;
        }
        return token;
    }

    public async Task<bool> IsUsableAsync(string? token, CancellationToken ct = default) =>
        Matches(token) && !await AdministratorExistsAsync(ct);

    /// <summary>Creates the first administrator (and the built-in groups) and uses the token up; no errors means it was created.</summary>
    public async Task<FieldErrors> CreateAdministratorAsync(string? token, string email, string displayName, string password, string confirmation, CancellationToken ct = default)
    {
        if (!await IsUsableAsync(token, ct))
        {
            return FieldErrors.OfForm(LinkUnusable);
        }
        email = (email ?? "").Trim();
        displayName = (displayName ?? "").Trim();
        var errors = new FieldErrors();
        if (email.Length is 0 or > 256 || !new EmailAddressAttribute().IsValid(email))
        {
            errors.Add(EmailField, EmailInvalid);
        }
        if (displayName.Length == 0)
        {
            errors.Add(DisplayNameField, NameMissing);
        }
        if (password != confirmation)
        {
            errors.Add(PasswordField, PasswordsDiffer);
        }
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, LockoutEnabled = true };
        foreach (var validator in users.PasswordValidators)
        {
            AddIdentityErrors(errors, (await validator.ValidateAsync(users, user, password ?? "")).Errors);
        }
        if (!errors.IsEmpty)
        {
            return errors;
        }
        if (!TryConsume(token))
        {
            return FieldErrors.OfForm(LinkUnusable);
        }

        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var existing = await db.Set<UserGroup>().Select(g => g.Name).ToListAsync(ct);
        db.Set<UserGroup>().AddRange(Groups.Staff.Except(existing).Select(name => new UserGroup { Name = name }));
        await db.SaveChangesAsync(ct);
        var adminsId = await db.Set<UserGroup>().Where(g => g.Name == Groups.Admins).Select(g => g.Id).SingleAsync(ct);
        user.BillingGroupId = adminsId;
        db.Set<UserGroupMembership>().Add(new UserGroupMembership { UserId = user.Id, GroupId = adminsId });
        // CreateAsync saves the user and the membership together.
        var created = await users.CreateAsync(user, password!);
        return created.Succeeded ? FieldErrors.None : AddIdentityErrors(new FieldErrors(), created.Errors);
    }

    private static FieldErrors AddIdentityErrors(FieldErrors errors, IEnumerable<IdentityError> identityErrors)
    {
        foreach (var error in identityErrors)
        {
            errors.Add(AppIdentityErrorDescriber.FieldOf(error, PasswordField, EmailField, FieldErrors.Form), error.Description);
        }
        return errors;
    }

    private bool Matches(string? token)
    {
        lock (gate)
        {
            return MatchesLocked(token);
        }
    }

    private bool TryConsume(string? token)
    {
        lock (gate)
        {
            if (!MatchesLocked(token))
            {
                return false;
            }
            tokenHash = null;
            return true;
        }
    }

    private bool MatchesLocked(string? token) =>
        !string.IsNullOrEmpty(token) && token.Length <= 100
        && tokenHash is not null && clock.GetUtcNow() < expiresAt
        && CryptographicOperations.FixedTimeEquals(tokenHash, Hash(token));

    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
