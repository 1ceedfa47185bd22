using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// A real OAuth2 authorization server (OpenIddict on Kestrel, plain HTTP on a free loopback port, stores in a throwaway
/// SQLite file) for the tests of IMAP/SMTP sign-in with OAuth2. It serves the authorization-code flow with PKCE
/// (required), rolling refresh tokens without reuse leeway, introspection and revocation. Access and refresh tokens are
/// opaque reference tokens, as many real providers hand out; Dovecot checks them at <see cref="IntrospectionEndpoint"/>
/// as the confidential client <see cref="IntrospectionClientId"/>, and the introspection answer carries the mailbox
/// user name as <c>sub</c>. The authorization endpoint shows a tiny consent page (a user-name field, "Allow" and
/// "Deny"); no password is asked. Dispose it to stop the host and delete the database.
/// </summary>
public sealed partial class OAuthAuthorizationServer : IAsyncDisposable
{
    /// <summary>The confidential client Dovecot introspects tokens as; it is registered on start.</summary>
    public const string IntrospectionClientId = "dovecot";
    public const string IntrospectionClientSecret = "dovecot-introspection-secret";

    public const string AuthorizationPath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string IntrospectionPath = "/connect/introspect";
    public const string RevocationPath = "/connect/revoke";

    /// <summary>Form field names of the consent page (the OAuth parameters travel beside them as hidden fields).</summary>
    public const string UserField = "consent_user";
    public const string DecisionField = "consent_decision";

    private readonly TempFolder folder;
    private readonly WebApplication host;
    private readonly HttpClient http;
    private readonly ConcurrentDictionary<string, string?> clientSecrets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> log;

    private OAuthAuthorizationServer(TempFolder folder, WebApplication host, ConcurrentQueue<string> log, Uri authority)
    {
        this.folder = folder;
        this.host = host;
        this.log = log;
        Authority = authority;
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = authority };
    }

    /// <summary>Base URL with a trailing slash, e.g. <c>http://127.0.0.1:43117/</c>; also the issuer.</summary>
    public Uri Authority { get; }
    public Uri AuthorizationEndpoint => new(Authority, AuthorizationPath);
    public Uri TokenEndpoint => new(Authority, TokenPath);
    public Uri IntrospectionEndpoint => new(Authority, IntrospectionPath);
    public Uri RevocationEndpoint => new(Authority, RevocationPath);

    /// <summary>The host's log (OpenIddict from information up, the rest from warnings up), worth reading when a test fails.</summary>
    public string Log => string.Join('\n', log);

    /// <summary>
    /// Starts the server. Lifetimes default to an hour (access) and a day (refresh); a refresh hands out a new refresh
    /// token with a fresh lifetime and the used one stops working at once.
    /// </summary>
    public static async Task<OAuthAuthorizationServer> StartAsync(TimeSpan? accessTokenLifetime = null, TimeSpan? refreshTokenLifetime = null)
    {
        var folder = new TempFolder("oauth");
        WebApplication? host = null;
        try
        {
            var log = new ConcurrentQueue<string>();
            host = BuildHost(folder, log, accessTokenLifetime ?? TimeSpan.FromHours(1), refreshTokenLifetime ?? TimeSpan.FromDays(1));
            await using (var scope = host.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<OAuthServerDbContext>().Database.EnsureCreatedAsync();
            }
            await host.StartAsync();
            var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            var server = new OAuthAuthorizationServer(folder, host, log, new Uri(address.TrimEnd('/') + "/"));
            await server.RegisterIntrospectionClientAsync();
            return server;
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
            folder.Dispose();
            throw;
        }
    }

    private static WebApplication BuildHost(TempFolder folder, ConcurrentQueue<string> log, TimeSpan accessTokenLifetime, TimeSpan refreshTokenLifetime)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(OAuthAuthorizationServer).Assembly.GetName().Name,
            ContentRootPath = folder.Path,
            EnvironmentName = "Test",
        });
        // Port 0: Kestrel takes a free port itself, so no other process can grab it in between.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ListLoggerProvider(log));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("OpenIddict", LogLevel.Information);

        // No pooling: a pooled handle would keep the file open after dispose and the folder could not be deleted.
        var connectionString = $"Data Source={folder.Combine("openiddict.db")};Pooling=False";
        builder.Services.AddDbContext<OAuthServerDbContext>(options => options.UseSqlite(connectionString).UseOpenIddict());

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<OAuthServerDbContext>())
            .AddServer(server =>
            {
                server.SetAuthorizationEndpointUris(AuthorizationPath)
                    .SetTokenEndpointUris(TokenPath)
                    .SetIntrospectionEndpointUris(IntrospectionPath)
                    .SetRevocationEndpointUris(RevocationPath);
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow();
                // Rolling refresh tokens are OpenIddict's default; said here because the tests rely on them. Without a
                // reuse leeway (default 30 s) a used refresh token fails at once, and OpenIddict then revokes the
                // whole chain of tokens of that authorization, as RFC 6749 10.4 suggests for a replayed token.
                server.Configure(options => options.DisableRollingRefreshTokens = false);
                server.SetRefreshTokenReuseLeeway(null);
                server.SetAccessTokenLifetime(accessTokenLifetime).SetRefreshTokenLifetime(refreshTokenLifetime);
                // Opaque tokens of a few dozen characters: short enough for any SASL line, and every check of one
                // (introspection, refresh) reads its row, so a revocation takes effect at once.
                server.UseReferenceAccessTokens().UseReferenceRefreshTokens();
                server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                server.UseAspNetCore()
                    .DisableTransportSecurityRequirement()
                    .EnableAuthorizationEndpointPassthrough();
            });

        var app = builder.Build();
        app.UseAuthentication();
        app.MapMethods(AuthorizationPath, [HttpMethods.Get, HttpMethods.Post], (Func<HttpContext, Task<IResult>>)AuthorizeAsync);
        return app;
    }

    /// <summary>
    /// Registers a confidential client (or a public one when <paramref name="clientSecret"/> is null) that may use the
    /// code flow with PKCE, refresh tokens and revocation for these scopes. Unknown scope names are registered too;
    /// every scope but offline_access makes Dovecot an audience of the access token, so it may introspect it.
    /// </summary>
    public async Task RegisterClientAsync(string clientId, string? clientSecret, string redirectUri, params string[] scopes)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var scopeManager = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            ClientType = clientSecret is null ? ClientTypes.Public : ClientTypes.Confidential,
            ConsentType = ConsentTypes.Explicit,
            DisplayName = clientId,
            RedirectUris = { new Uri(redirectUri) },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var name in scopes.Where(s => s != Scopes.OfflineAccess))
        {
            if (await scopeManager.FindByNameAsync(name) is null)
            {
                await scopeManager.CreateAsync(new OpenIddictScopeDescriptor { Name = name, Resources = { IntrospectionClientId } });
            }
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + name);
        }
        await applications.CreateAsync(descriptor);
        clientSecrets[clientId] = clientSecret;
    }

    private async Task RegisterIntrospectionClientAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = IntrospectionClientId,
            ClientSecret = IntrospectionClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Dovecot",
            Permissions = { Permissions.Endpoints.Introspection },
        });
        clientSecrets[IntrospectionClientId] = IntrospectionClientSecret;
    }

    /// <summary>
    /// Runs the code flow with PKCE over HTTP as a browser would: opens the consent page, submits it with "Allow" for
    /// <paramref name="user"/>, takes the code from the redirect and redeems it at the token endpoint.
    /// </summary>
    public async Task<OAuthTokens> AuthorizeWithoutBrowserAsync(
        string clientId, string? clientSecret, string redirectUri, string user, params string[] scopes)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        var redirect = await SubmitConsentAsync(clientId, redirectUri, user, scopes, verifier, state, allow: true);
        var parameters = QueryOf(redirect);
        if (parameters.GetValueOrDefault("state") != state)
        {
            throw new InvalidOperationException($"The redirect carries another state than the request: {redirect}");
        }
        var code = parameters.GetValueOrDefault("code")
            ?? throw new OAuthErrorException(parameters.GetValueOrDefault("error") ?? "no_code", parameters.GetValueOrDefault("error_description"));
        return await TokenRequestAsync(clientId, clientSecret, new()
        {
            ["grant_type"] = GrantTypes.AuthorizationCode,
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
        });
    }

    /// <summary>Opens the consent page and presses "Deny"; returns the redirect to the client (with error=access_denied).</summary>
    public Task<Uri> DenyWithoutBrowserAsync(string clientId, string redirectUri, string user, params string[] scopes)
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var state = Base64Url(RandomNumberGenerator.GetBytes(16));
        return SubmitConsentAsync(clientId, redirectUri, user, scopes, verifier, state, allow: false);
    }

    /// <summary>The authorization request a client sends the browser to, with an S256 challenge of <paramref name="codeVerifier"/>.</summary>
    public Uri AuthorizationRequestUri(
        string clientId, string redirectUri, IEnumerable<string> scopes, string codeVerifier, string state, string? loginHint = null)
    {
        var query = new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = ResponseTypes.Code,
            ["scope"] = string.Join(' ', scopes),
            ["state"] = state,
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(codeVerifier))),
            ["code_challenge_method"] = CodeChallengeMethods.Sha256,
        };
        if (loginHint is not null)
        {
            query["login_hint"] = loginHint;
        }
        return new Uri(AuthorizationEndpoint + "?" + string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")));
    }

    private async Task<Uri> SubmitConsentAsync(
        string clientId, string redirectUri, string user, string[] scopes, string verifier, string state, bool allow)
    {
        using var page = await http.GetAsync(AuthorizationRequestUri(clientId, redirectUri, scopes, verifier, state, loginHint: user));
        var html = await page.Content.ReadAsStringAsync();
        if (page.StatusCode != HttpStatusCode.OK)
        {
            throw new OAuthErrorException(ErrorOf(html) ?? "consent_page_failed", $"GET {AuthorizationPath} answered {(int)page.StatusCode}: {html}");
        }
        var form = HiddenField().Matches(html)
            .Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .Append(KeyValuePair.Create(UserField, user))
            .Append(KeyValuePair.Create(DecisionField, allow ? "allow" : "deny"));
        using var response = await http.PostAsync(AuthorizationPath, new FormUrlEncodedContent(form));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location is null)
        {
            throw new OAuthErrorException("consent_failed", $"POST {AuthorizationPath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return response.Headers.Location;
    }

    /// <summary>Redeems a refresh token; the answer carries a new refresh token and the used one is void from then on.</summary>
    public Task<OAuthTokens> RefreshAsync(string clientId, string? clientSecret, string refreshToken) =>
        TokenRequestAsync(clientId, clientSecret, new()
        {
            ["grant_type"] = GrantTypes.RefreshToken,
            ["refresh_token"] = refreshToken,
        });

    /// <summary>
    /// Revokes an access or refresh token at the revocation endpoint, authenticated as the client it was issued to
    /// (found through the token's row, since these are reference tokens).
    /// </summary>
    public async Task RevokeAsync(string token)
    {
        string clientId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var entry = await tokens.FindByReferenceIdAsync(token) ?? throw new ArgumentException("This server never issued that token.", nameof(token));
            var application = await applications.FindByIdAsync((await tokens.GetApplicationIdAsync(entry))!)
                ?? throw new InvalidOperationException("The token belongs to no registered client.");
            clientId = (await applications.GetClientIdAsync(application))!;
        }
        var form = ClientCredentials(clientId, clientSecrets.GetValueOrDefault(clientId));
        form["token"] = token;
        using var response = await http.PostAsync(RevocationPath, new FormUrlEncodedContent(form));
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorOfAsync(response);
        }
    }

    /// <summary>
    /// What withdrawing consent at the provider does: revokes every authorization and every token of the user, through
    /// OpenIddict's managers. Refreshing fails with invalid_grant from then on and introspection says inactive.
    /// </summary>
    public async Task RevokeAllOfUserAsync(string user)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().RevokeBySubjectAsync(user);
        await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeBySubjectAsync(user);
    }

    /// <summary>What the introspection endpoint tells Dovecot about a token (as client <see cref="IntrospectionClientId"/>).</summary>
    public async Task<JsonElement> IntrospectAsync(string token)
    {
        var form = ClientCredentials(IntrospectionClientId, IntrospectionClientSecret);
        form["token"] = token;
        using var response = await http.PostAsync(IntrospectionPath, new FormUrlEncodedContent(form));
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorOfAsync(response);
        }
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<OAuthTokens> TokenRequestAsync(string clientId, string? clientSecret, Dictionary<string, string> form)
    {
        foreach (var credential in ClientCredentials(clientId, clientSecret))
        {
            form[credential.Key] = credential.Value;
        }
        using var response = await http.PostAsync(TokenPath, new FormUrlEncodedContent(form));
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorOfAsync(response);
        }
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new OAuthTokens(
            body.GetProperty("access_token").GetString()!,
            body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            DateTimeOffset.UtcNow.AddSeconds(body.GetProperty("expires_in").GetInt32()),
            body.TryGetProperty("scope", out var scope) ? scope.GetString() ?? "" : "");
    }

    private static Dictionary<string, string> ClientCredentials(string clientId, string? clientSecret)
    {
        var form = new Dictionary<string, string> { ["client_id"] = clientId };
        if (clientSecret is not null)
        {
            form["client_secret"] = clientSecret;
        }
        return form;
    }

    private static async Task<OAuthErrorException> ErrorOfAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            var body = JsonDocument.Parse(text).RootElement;
            return new OAuthErrorException(
                body.GetProperty("error").GetString()!,
                body.TryGetProperty("error_description", out var description) ? description.GetString() : null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new OAuthErrorException("http_" + (int)response.StatusCode, text);
        }
    }

    private static string? ErrorOf(string text)
    {
        var match = ErrorInPage().Match(text);
        return match.Success ? match.Groups["error"].Value : null;
    }

    private static Dictionary<string, string> QueryOf(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => Uri.UnescapeDataString(pair[0]), pair => Uri.UnescapeDataString(pair.Length > 1 ? pair[1].Replace('+', ' ') : ""));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// The authorization endpoint after OpenIddict validated the request (client, redirect URI, PKCE, scopes): the
    /// consent page on first sight, the sign-in or refusal once it is submitted.
    /// </summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict authorization request is missing.");
        var decision = context.Request.HasFormContentType ? context.Request.Form[DecisionField].ToString() : "";
        var user = context.Request.HasFormContentType ? context.Request.Form[UserField].ToString().Trim() : "";

        if (decision == "deny")
        {
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        if (decision != "allow" || user.Length == 0)
        {
            return Results.Content(ConsentPage(request, decision == "allow" ? "Enter a user name." : null), "text/html; charset=utf-8");
        }

        var identity = new ClaimsIdentity(
            authenticationType: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, nameType: Claims.Name, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, user).SetClaim(Claims.Name, user).SetClaim(Claims.PreferredUsername, user);
        identity.SetScopes(request.GetScopes());
        var scopeManager = context.RequestServices.GetRequiredService<IOpenIddictScopeManager>();
        var resources = new List<string>();
        await foreach (var resource in scopeManager.ListResourcesAsync(identity.GetScopes()))
        {
            resources.Add(resource);
        }
        identity.SetResources(resources);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static string ConsentPage(OpenIddictRequest request, string? problem)
    {
        var encoder = HtmlEncoder.Default;
        var hidden = new StringBuilder();
        foreach (var (name, value) in request.GetParameters())
        {
            var text = (string?)value;
            if (name is UserField or DecisionField || text is null)
            {
                continue;
            }
            hidden.Append($"""      <input type="hidden" name="{encoder.Encode(name)}" value="{encoder.Encode(text)}">""").Append('\n');
        }
        var hint = request.LoginHint ?? "";
        var error = problem is null ? "" : $"""<p role="alert">{encoder.Encode(problem)}</p>""";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Test authorization server</title></head>
            <body>
              <h1>Allow {encoder.Encode(request.ClientId ?? "")} to use your mailbox?</h1>
              <p>Scopes: {encoder.Encode(request.Scope ?? "")}</p>
              {error}
              <form method="post" action="{AuthorizationPath}">
            {hidden}      <label for="{UserField}">User name</label>
                  <input id="{UserField}" name="{UserField}" value="{encoder.Encode(hint)}" autocomplete="username">
                  <button type="submit" name="{DecisionField}" value="allow">Allow</button>
                  <button type="submit" name="{DecisionField}" value="deny">Deny</button>
              </form>
            </body>
            </html>
            """;
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await host.StopAsync();
        await host.DisposeAsync();
        folder.Dispose();
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]*)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenField();

    [GeneratedRegex(@"error[""']?\s*[:=]\s*[""']?(?<error>[a-z_]+)")]
    private static partial Regex ErrorInPage();

    private sealed class OAuthServerDbContext(DbContextOptions<OAuthServerDbContext> options) : DbContext(options);

    /// <summary>Collects log lines in memory: the test output stays clean and a failing test can still show them.</summary>
    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines, categoryName);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ConcurrentQueue<string> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
        }
    }
}

/// <summary>What a token request returned; <see cref="ExpiresAt"/> is computed from expires_in on receipt.</summary>
public sealed record OAuthTokens(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt, string Scope);

/// <summary>An OAuth2 error answer (RFC 6749 5.2), e.g. invalid_grant for a used, expired or revoked refresh token.</summary>
public sealed class OAuthErrorException(string error, string? description)
    : Exception($"{error}: {description}")
{
    public string Error { get; } = error;
    public string? Description { get; } = description;
}
