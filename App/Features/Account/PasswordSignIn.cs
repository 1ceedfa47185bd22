using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Identity;

namespace BlazorTickets.Features.Account;

/// <summary>
/// Sign-in by email and password. Every attempt costs one password hash, also for an address without a login or a
/// login without a password, so the answer's timing does not tell which addresses exist.
/// </summary>
public sealed class PasswordSignIn(SignInManager<AppUser> signInManager, UserManager<AppUser> userManager, IPasswordHasher<AppUser> hasher)
{
    private static readonly AppUser Nobody = new();
    private static string? dummyHash;

    public sealed record Outcome(Microsoft.AspNetCore.Identity.SignInResult Result, AppUser? User);

    public async Task<Outcome> SignInAsync(string email, string password, bool rememberMe)
    {
        var user = string.IsNullOrWhiteSpace(email) ? null : await userManager.FindByEmailAsync(email);
        if (user is null || user.PasswordHash is null)
        {
            hasher.VerifyHashedPassword(Nobody, DummyHash(), password ?? "");
            return new(Microsoft.AspNetCore.Identity.SignInResult.Failed, null);
        }
        return new(await signInManager.PasswordSignInAsync(user, password, rememberMe, lockoutOnFailure: true), user);
    }

    private string DummyHash() => dummyHash ??= hasher.HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
}
