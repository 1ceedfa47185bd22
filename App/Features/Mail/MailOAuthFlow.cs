using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// Connects a mailbox with its OAuth2 provider in the browser: the authorization-code flow with PKCE (S256). The
/// verifier, the state and the mailbox travel in a short-lived cookie protected with Data Protection, so neither the
/// provider nor the browser's address bar sees the verifier and a changed or stale cookie is refused.
/// </summary>
public sealed class MailOAuthFlow(IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider dataProtection, MailOAuthTokens tokens, TimeProvider clock)
{
    public const string CookieName = "BlazorTickets.MailOAuth";
    public static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Query flags of the mailbox page after the callback.</summary>
    public const string ConnectedFlag = "oauth";
    public const string ErrorFlag = "oauth_error";

    private readonly IDataProtector protector = dataProtection.CreateProtector("BlazorTickets.Mail.OAuthState.v1");

    public sealed record PendingSignIn(string State, string CodeVerifier, int MailboxId, int TenantId, string RedirectUri, DateTimeOffset ExpiresAt);

    /// <summary>Where to send the browser, and the protected cookie value to set; or why not.</summary>
    public sealed record Start(string? AuthorizationUrl, string? Cookie, string? Error);

    public static string MailboxPage(int tenantId, int mailboxId) => $"/settings/tenants/{tenantId}/mailbox/{mailboxId}";

    public async Task<Start> BeginAsync(int mailboxId, string redirectUri, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mailbox = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == mailboxId, ct);
        if (mailbox is null)
        {
            return new Start(null, null, Text.Of("This mailbox no longer exists."));
        }
        if (mailbox.AuthMethod != MailAuthMethod.OAuth2 || tokens.ClientOf(mailbox) is not { } client)
        {
            return new Start(null, null, Text.Of("OAuth2 sign-in for this mailbox's provider is not set up in this installation."));
        }
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var parameters = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = client.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = client.Scopes,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["login_hint"] = mailbox.UserName,
        };
        foreach (var (name, value) in client.ExtraAuthorizationParameters)
        {
            parameters[name] = value;
        }
        var pending = new PendingSignIn(state, verifier, mailbox.Id, mailbox.TenantId, redirectUri, clock.GetUtcNow() + StateLifetime);
        return new Start(QueryHelpers.AddQueryString(client.AuthorizationEndpoint, parameters), Protect(pending), null);
    }

    public string Protect(PendingSignIn pending) => protector.Protect(JsonSerializer.Serialize(pending));

    /// <summary>The pending sign-in of the cookie when it is intact, unexpired and carries this state; else why not.</summary>
    public (PendingSignIn? Pending, string? Error) Check(string? cookie, string? state)
    {
        PendingSignIn? pending = null;
        try
        {
            pending = cookie is null ? null : JsonSerializer.Deserialize<PendingSignIn>(protector.Unprotect(cookie));
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
        }
        if (pending is null || state is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(pending.State), Encoding.UTF8.GetBytes(state)))
        {
            return (null, Text.Of("This sign-in answer does not belong to a connect started in this browser. Open the mailbox and click Connect again."));
        }
        if (pending.ExpiresAt < clock.GetUtcNow())
        {
            return (null, Text.Of("The sign-in took longer than 10 minutes. Open the mailbox and click Connect again."));
        }
        return (pending, null);
    }

    /// <summary>
    /// Finishes the sign-in: redeems the code and stores the tokens. Returns the mailbox page with a flag saying
    /// "connected" or the error; an unusable state gives no page but the error (nothing is redeemed then).
    /// </summary>
    public async Task<(string? RedirectTo, string? Error)> CompleteAsync(
        string? cookie, string? state, string? code, string? error, CancellationToken ct = default)
    {
        var (pending, refused) = Check(cookie, state);
        if (pending is null)
        {
            return (null, refused);
        }
        var page = MailboxPage(pending.TenantId, pending.MailboxId);
        if (error is not null || string.IsNullOrEmpty(code))
        {
            return (WithError(page, error ?? "no_code"), null);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mailbox = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == pending.MailboxId, ct);
        if (mailbox is null || tokens.ClientOf(mailbox) is not { } client)
        {
            return (WithError(page, "not_configured"), null);
        }
        try
        {
            var answer = await tokens.RedeemCodeAsync(client, code, pending.CodeVerifier, pending.RedirectUri);
            await tokens.StoreTokensAsync(mailbox.Id, answer, ct);
        }
        catch (MailOAuthRefusedException ex)
        {
            return (WithError(page, ex.Error), null);
        }
        catch (MailboxConnectionException)
        {
            return (WithError(page, "unavailable"), null);
        }
        return (QueryHelpers.AddQueryString(page, ConnectedFlag, "connected"), null);
    }

    private static string WithError(string page, string error) =>
        QueryHelpers.AddQueryString(page, ErrorFlag, new string(error.Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').Take(64).ToArray()));

    /// <summary>The message the mailbox page shows for the callback's error flag, in English (translated where shown).</summary>
    public static string MessageOf(string error) => error switch
    {
        "access_denied" => Text.Of("The sign-in was denied at the provider, so the mailbox was not connected."),
        "not_configured" => Text.Of("OAuth2 sign-in for this mailbox's provider is not set up in this installation."),
        "unavailable" => Text.Of("The provider could not be reached to finish the sign-in. Try again in a moment."),
        "invalid_client" or "unauthorized_client" => Text.Of("The provider refused the app's client id or client secret."),
        "invalid_grant" => Text.Of("The provider did not accept the sign-in answer (it may have been used already or expired). Connect again."),
        _ => Text.Of("The provider reported an error, so the mailbox was not connected."),
    };

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
