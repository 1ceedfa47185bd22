using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Mail;

/// <summary>What a token endpoint answered: the tokens, or why it refused.</summary>
public sealed record MailOAuthTokenResponse(string AccessToken, string? RefreshToken, TimeSpan? ExpiresIn);

/// <summary>The provider refused the grant (the user must sign in again), as opposed to a transient failure.</summary>
public sealed class MailOAuthRefusedException(string error, string? description) : Exception(error)
{
    public string Error { get; } = error;
    public string? Description { get; } = description;
}

/// <summary>
/// The OAuth2 tokens of the mailboxes: stores them protected, hands out a current access token and renews it with the
/// refresh token when it has less than <see cref="MailOAuthOptions.RenewalMargin"/> (two minutes) left (at the next use; no background renewal). A
/// refresh of one mailbox runs once at a time: in this process behind a semaphore, across nodes behind a PostgreSQL
/// advisory lock, and it re-reads the row after waiting, so a rotated refresh token is never spent twice.
/// </summary>
public sealed class MailOAuthTokens(
    IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider dataProtection, IOptionsMonitor<MailOAuthOptions> options,
    IHttpClientFactory httpClients, TimeProvider clock, ILogger<MailOAuthTokens> logger) : IMailboxAccessTokens
{
    public const string HttpClientName = "BlazorTickets.Mail.OAuth";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly IDataProtector protector = dataProtection.CreateProtector(MailboxConnector.ProtectorPurpose);
    private readonly ConcurrentDictionary<int, SemaphoreSlim> refreshes = new();

    /// <summary>Raised when a mailbox was connected or lost its sign-in, so pages redraw and IDLE reconnects.</summary>
    public event Action<MailboxChanged>? Changed;

    public MailOAuthOptions Options => options.CurrentValue;

    /// <summary>The sign-in client of the mailbox; null when its provider is not set up.</summary>
    public MailOAuthClient? ClientOf(Mailbox mailbox) => MailOAuthClient.Of(mailbox, Options, protector.Unprotect);

    public async Task<string> GetAccessTokenAsync(int mailboxId, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var mailbox = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == mailboxId, ct)
                ?? throw new MailboxConnectionException(Text.Of("This mailbox no longer exists."));
            if (Current(mailbox) is { } token)
            {
                return token;
            }
        }
        var gate = refreshes.GetOrAdd(mailboxId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await RefreshAsync(mailboxId, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private string? Current(Mailbox mailbox) =>
        mailbox.OAuthProtectedAccessToken is not null && mailbox.OAuthAccessTokenExpiresAt is DateTime expires
                                                      && expires - Options.RenewalMargin > clock.GetUtcNow().UtcDateTime
            ? protector.Unprotect(mailbox.OAuthProtectedAccessToken)
            : null;

    private async Task<string> RefreshAsync(int mailboxId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // SQLite runs one node: the semaphore suffices, and an open write transaction would stall every writer meanwhile.
        await using var transaction = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(ct) : null;
        if (transaction is not null)
        {
            await db.LockAsync(WriterLock.MailOAuthRefresh, mailboxId, ct);
        }
        // Read after the lock: another node may have renewed meanwhile and spent the refresh token we saw.
        var mailbox = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == mailboxId, ct)
            ?? throw new MailboxConnectionException(Text.Of("This mailbox no longer exists."));
        if (Current(mailbox) is { } renewed)
        {
            return renewed;
        }
        if (mailbox.OAuthProtectedRefreshToken is null)
        {
            throw new MailboxConnectionException(mailbox.OAuthError is null
                ? Text.Of("This mailbox is not connected with its OAuth2 provider yet: open the mailbox and click Connect.")
                : NeedsReconnect(mailbox.OAuthError));
        }
        var client = ClientOf(mailbox)
            ?? throw new MailboxConnectionException(Text.Of("OAuth2 sign-in for this mailbox's provider is not set up in this installation."));

        MailOAuthTokenResponse response;
        try
        {
            response = await RequestTokenAsync(client, new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = protector.Unprotect(mailbox.OAuthProtectedRefreshToken),
            });
        }
        catch (MailOAuthRefusedException ex)
        {
            var reason = ReasonOf(ex.Error);
            logger.LogWarning("The OAuth2 provider of mailbox {Mailbox} refused the refresh: {Error} {Description}", mailboxId, ex.Error, ex.Description);
            await db.Set<Mailbox>().Where(m => m.Id == mailboxId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.OAuthError, reason)
                .SetProperty(m => m.OAuthProtectedRefreshToken, (string?)null)
                .SetProperty(m => m.OAuthProtectedAccessToken, (string?)null)
                .SetProperty(m => m.OAuthAccessTokenExpiresAt, (DateTime?)null), CancellationToken.None);
            if (transaction is not null)
            {
                await transaction.CommitAsync(CancellationToken.None);
            }
            RaiseChanged(mailboxId, mailbox.TenantId);
            throw new MailboxConnectionException(NeedsReconnect(reason), ex);
        }
        // The provider may have spent the old refresh token already: keep the new one before anything else can fail.
        await SaveAsync(db, mailboxId, response, keepRefreshToken: true);
        if (transaction is not null)
        {
            await transaction.CommitAsync(CancellationToken.None);
        }
        return response.AccessToken;
    }

    /// <summary>
    /// Stores the tokens of a completed sign-in (the connect callback) and clears an earlier error. Raises
    /// <see cref="Changed"/>, so IDLE and the schedule start again with the new sign-in.
    /// </summary>
    public async Task StoreTokensAsync(int mailboxId, MailOAuthTokenResponse tokens, CancellationToken ct = default)
    {
        if (tokens.RefreshToken is null)
        {
            throw new MailboxConnectionException(Text.Of("The provider gave no refresh token; check that the scopes include offline access."));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantId = await db.Set<Mailbox>().Where(m => m.Id == mailboxId).Select(m => (int?)m.TenantId).SingleOrDefaultAsync(ct)
            ?? throw new MailboxConnectionException(Text.Of("This mailbox no longer exists."));
        await SaveAsync(db, mailboxId, tokens, keepRefreshToken: false);
        RaiseChanged(mailboxId, tenantId);
    }

    private async Task SaveAsync(AppDbContext db, int mailboxId, MailOAuthTokenResponse tokens, bool keepRefreshToken)
    {
        var expires = (clock.GetUtcNow() + (tokens.ExpiresIn ?? TimeSpan.FromMinutes(5))).UtcDateTime;
        var access = protector.Protect(tokens.AccessToken);
        if (tokens.RefreshToken is null && keepRefreshToken)
        {
            await db.Set<Mailbox>().Where(m => m.Id == mailboxId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.OAuthProtectedAccessToken, access)
                .SetProperty(m => m.OAuthAccessTokenExpiresAt, expires), CancellationToken.None);
            return;
        }
        var refresh = tokens.RefreshToken is null ? null : protector.Protect(tokens.RefreshToken);
        await db.Set<Mailbox>().Where(m => m.Id == mailboxId).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.OAuthProtectedAccessToken, access)
            .SetProperty(m => m.OAuthAccessTokenExpiresAt, expires)
            .SetProperty(m => m.OAuthProtectedRefreshToken, refresh)
            .SetProperty(m => m.OAuthError, (string?)null), CancellationToken.None);
    }

    /// <summary>Redeems the authorization code of the connect callback (with the PKCE verifier).</summary>
    public Task<MailOAuthTokenResponse> RedeemCodeAsync(MailOAuthClient client, string code, string codeVerifier, string redirectUri) =>
        RequestTokenAsync(client, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = codeVerifier,
        });

    /// <summary>
    /// Posts to the token endpoint with the client's id and secret in the form (client_secret_post, which Microsoft,
    /// Google and OpenIddict accept). Not bound to the caller's cancellation: once sent, the answer must be kept.
    /// </summary>
    /// <exception cref="MailOAuthRefusedException">The provider refused (400/401).</exception>
    /// <exception cref="MailboxConnectionException">The provider could not be reached or failed (network, 5xx).</exception>
    private async Task<MailOAuthTokenResponse> RequestTokenAsync(MailOAuthClient client, Dictionary<string, string> form)
    {
        form["client_id"] = client.ClientId;
        if (client.ClientSecret is not null)
        {
            form["client_secret"] = client.ClientSecret;
        }
        var host = Uri.TryCreate(client.TokenEndpoint, UriKind.Absolute, out var uri) ? uri.Authority : client.TokenEndpoint;
        using var timeout = new CancellationTokenSource(RequestTimeout);
        HttpResponseMessage answer;
        string body;
        try
        {
            answer = await httpClients.CreateClient(HttpClientName).PostAsync(client.TokenEndpoint, new FormUrlEncodedContent(form), timeout.Token);
            body = await answer.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            throw new MailboxConnectionException(Text.Of("The OAuth2 provider {0} could not be reached: {1}", host, ex.Message), ex);
        }
        using (answer)
        {
            JsonElement json = default;
            try
            {
                json = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException)
            {
            }
            if (answer.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized)
            {
                throw new MailOAuthRefusedException(StringOf(json, "error") ?? "invalid_request", StringOf(json, "error_description"));
            }
            if (!answer.IsSuccessStatusCode || StringOf(json, "access_token") is not { } accessToken)
            {
                throw new MailboxConnectionException(Text.Of("The OAuth2 provider {0} answered {1}; the next attempt tries again.", host, (int)answer.StatusCode));
            }
            TimeSpan? expiresIn = json.TryGetProperty("expires_in", out var e)
                && (e.ValueKind == JsonValueKind.Number ? e.TryGetInt32(out var seconds) : int.TryParse(e.GetString(), out seconds))
                ? TimeSpan.FromSeconds(seconds)
                : null;
            return new MailOAuthTokenResponse(accessToken, StringOf(json, "refresh_token"), expiresIn);
        }
    }

    private static string? StringOf(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>Stored in the mailbox as English and translated where shown.</summary>
    public static string ReasonOf(string error) => error switch
    {
        "invalid_grant" => Text.Of("The provider no longer accepts the sign-in: it was revoked, expired or the consent was withdrawn."),
        "invalid_client" or "unauthorized_client" => Text.Of("The provider refused the app's client id or client secret."),
        "consent_required" or "interaction_required" or "access_denied" => Text.Of("The provider needs the user to sign in and consent again."),
        _ => Text.Of("The provider refused to renew the sign-in."),
    };

    private static string NeedsReconnect(string reason) => Text.Of("This mailbox needs to be connected again: {0}", reason);

    private void RaiseChanged(int mailboxId, int tenantId)
    {
        try
        {
            Changed?.Invoke(new MailboxChanged(mailboxId, tenantId));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A listener to the sign-in of mailbox {Mailbox} failed", mailboxId);
        }
    }
}
