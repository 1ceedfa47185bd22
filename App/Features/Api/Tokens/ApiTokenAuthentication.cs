using System.Security.Claims;
using System.Text.Encodings.Web;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Api.Tokens;

/// <summary>
/// Signs an API request in as the token's user, with the user's roles as they are now and the token's scopes. A
/// disabled or locked-out user, and a customer login, get nothing from an old token.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    UserManager<AppUser> users,
    IUserClaimsPrincipalFactory<AppUser> principals,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenIdClaim = "api_token_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerSecret(Request) is not { } secret)
        {
            return AuthenticateResult.NoResult();
        }
        if (await tokens.AuthenticateAsync(secret, Context.RequestAborted) is not { } holder)
        {
            return AuthenticateResult.Fail("The token is unknown, expired or revoked.");
        }
        var user = await users.FindByIdAsync(holder.UserId);
        if (user is null || user.CustomerId is not null || (user.LockoutEnd is { } end && end > clock.GetUtcNow()))
        {
            return AuthenticateResult.Fail("The token's user cannot sign in.");
        }
        var principal = await principals.CreateAsync(user);
        var identity = new ClaimsIdentity(principal.Claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(TokenIdClaim, holder.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaims(holder.Scopes.Select(s => new Claim(ApiScopes.ClaimType, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>The secret of an "Authorization: Bearer …" header; null without one.</summary>
    public static string? BearerSecret(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }
}
