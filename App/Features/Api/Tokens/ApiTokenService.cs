using System.Security.Cryptography;
using System.Text;
using BlazorTickets.Data;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Api.Tokens;

public sealed record ApiTokenView(
    int Id, string UserId, string UserName, string Name, string Prefix, IReadOnlyList<string> Scopes,
    DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt);

public sealed record NewApiToken(string Name, IReadOnlyCollection<string> Scopes, DateTime? ExpiresAt);

/// <summary>A token just made; <see cref="Secret"/> is never stored and cannot be shown again.</summary>
public sealed record CreatedApiToken(ApiTokenView Token, string Secret);

/// <summary>The token behind an API request, once its secret checked out.</summary>
public sealed record ApiTokenHolder(int TokenId, string UserId, IReadOnlyList<string> Scopes);

public sealed class ApiTokenService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    public const string SecretStart = "btk_";
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);
    /// <summary>"Last used" is written at most this often per token, so a busy script does not write on every call.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromSeconds(30);

    public async Task<(CreatedApiToken? Created, FieldErrors Errors)> CreateAsync(string userId, NewApiToken request, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors();
        var name = request.Name.Trim();
        if (name.Length == 0)
        {
            errors.Add(nameof(NewApiToken.Name), "Give the token a name, e.g. the script that uses it.");
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(nameof(NewApiToken.Name), "At most {0} characters.", MaxNameLength);
        }
        var unknown = request.Scopes.Where(s => !ApiScopes.All.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            errors.Add(nameof(NewApiToken.Scopes), "Unknown scope: {0}.", string.Join(", ", unknown));
        }
        else if (request.Scopes.Count == 0)
        {
            errors.Add(nameof(NewApiToken.Scopes), "Choose at least one scope.");
        }
        var expiresAt = request.ExpiresAt ?? now + DefaultLifetime;
        if (expiresAt <= now)
        {
            errors.Add(nameof(NewApiToken.ExpiresAt), "The expiry must lie in the future.");
        }
        else if (expiresAt > now + MaxLifetime)
        {
            errors.Add(nameof(NewApiToken.ExpiresAt), "A token lasts at most {0} days.", (int)MaxLifetime.TotalDays);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.CustomerId, u.DisplayName, u.UserName, Staff = u.Memberships.Any(m => Groups.Staff.Contains(m.Group.Name)) })
            .SingleOrDefaultAsync(ct);
        if (user is null || user.CustomerId is not null || !user.Staff)
        {
            errors.AddForm("Only staff users can have API tokens.");
        }
        if (!errors.IsEmpty)
        {
            return (null, errors);
        }

        var secret = SecretStart + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            UserId = userId,
            Name = name,
            Prefix = secret[..(SecretStart.Length + 6)],
            SecretHash = Hash(secret),
            Scopes = [.. ApiScopes.All.Where(request.Scopes.Contains)],
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        db.Add(token);
        await db.SaveChangesAsync(ct);
        return (new CreatedApiToken(View(token, string.IsNullOrWhiteSpace(user!.DisplayName) ? user.UserName ?? "" : user.DisplayName), secret), FieldErrors.None);
    }

    public Task<IReadOnlyList<ApiTokenView>> ListOfUserAsync(string userId, CancellationToken ct = default) => ListAsync(userId, ct);

    /// <summary>Every user's tokens, for admins.</summary>
    public Task<IReadOnlyList<ApiTokenView>> ListAllAsync(CancellationToken ct = default) => ListAsync(null, ct);

    private async Task<IReadOnlyList<ApiTokenView>> ListAsync(string? userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<ApiToken>().AsNoTracking();
        if (userId is not null)
        {
            query = query.Where(t => t.UserId == userId);
        }
        var rows = await query.OrderByDescending(t => t.Id)
            .Select(t => new { Token = t, t.User.DisplayName, t.User.UserName })
            .ToListAsync(ct);
        return [.. rows.Select(r => View(r.Token, string.IsNullOrWhiteSpace(r.DisplayName) ? r.UserName ?? "" : r.DisplayName))];
    }

    /// <summary>Revokes a token of <paramref name="userId"/>, or any token when <paramref name="asAdmin"/>; false when there is none to revoke.</summary>
    public async Task<bool> RevokeAsync(int tokenId, string userId, bool asAdmin, string revokedBy, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var revoked = await db.Set<ApiToken>()
            .Where(t => t.Id == tokenId && t.RevokedAt == null && (asAdmin || t.UserId == userId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedBy, revokedBy), ct);
        return revoked == 1;
    }

    /// <summary>The live token with this secret, noting its use; null for an unknown, expired or revoked one.</summary>
    public async Task<ApiTokenHolder?> AuthenticateAsync(string secret, CancellationToken ct = default)
    {
        if (!secret.StartsWith(SecretStart, StringComparison.Ordinal) || secret.Length > 100)
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var hash = Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var token = await db.Set<ApiToken>().AsNoTracking()
            .Where(t => t.SecretHash == hash && t.RevokedAt == null && t.ExpiresAt > now)
            .Select(t => new { t.Id, t.UserId, t.Scopes, t.LastUsedAt })
            .SingleOrDefaultAsync(ct);
        if (token is null)
        {
            return null;
        }
        if (token.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            var cutoff = now - LastUsedResolution;
            await db.Set<ApiToken>()
                .Where(t => t.Id == token.Id && (t.LastUsedAt == null || t.LastUsedAt <= cutoff))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        }
        return new ApiTokenHolder(token.Id, token.UserId, token.Scopes);
    }

    /// <summary>SHA-256 suffices: the secret has 256 random bits, so nothing can be guessed from the hash.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static ApiTokenView View(ApiToken t, string userName) =>
        new(t.Id, t.UserId, userName, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);
}
