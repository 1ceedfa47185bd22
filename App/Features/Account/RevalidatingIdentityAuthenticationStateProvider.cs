using System.Security.Claims;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Account;

/// <summary>
/// Checks an open page's user against the database every <paramref name="interval"/>, as the cookie does on each
/// request: a changed security stamp (password reset, changed groups, revoked login) or a deleted user ends the
/// circuit's sign-in, and the page falls back to the login.
/// </summary>
public sealed class RevalidatingIdentityAuthenticationStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<IdentityOptions> options,
    TimeSpan interval)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    // Zero would make the base class spin; a test asking for "every request" gets a short pause instead.
    protected override TimeSpan RevalidationInterval => interval > TimeSpan.FromMilliseconds(200) ? interval : TimeSpan.FromMilliseconds(200);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsStillValidAsync(authenticationState.User);

    /// <summary>True while the principal's user exists and carries the same security stamp as when it signed in.</summary>
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await userManager.GetUserAsync(principal);
        if (user is null)
        {
            return false;
        }
        if (!userManager.SupportsUserSecurityStamp)
        {
            return true;
        }
        var stamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return stamp == await userManager.GetSecurityStampAsync(user);
    }
}
