using System.Security.Claims;
using BlazorTickets.Features.Account;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorTickets.Features.Api.Tokens;

public sealed record ApiCaller(string UserId, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Scopes, int TokenId);

public static class TokenApi
{
    /// <summary><c>GET /me</c>: whom the token signs in and what it may do, for a script to check its setup.</summary>
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/me", Ok<ApiCaller> (ClaimsPrincipal user) => TypedResults.Ok(new ApiCaller(
                user.UserId() ?? "",
                user.DisplayName(),
                [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)],
                [.. user.FindAll(ApiScopes.ClaimType).Select(c => c.Value)],
                int.Parse(user.FindFirstValue(ApiTokenAuthenticationHandler.TokenIdClaim) ?? "0", System.Globalization.CultureInfo.InvariantCulture))))
            .WithName("getCaller")
            .WithSummary("The token's user, roles and scopes")
            .WithTags("Tokens");
}
