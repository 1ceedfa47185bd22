using BlazorTickets.Features.Localization;
using Microsoft.AspNetCore.Identity;

namespace BlazorTickets.Features.Users;

/// <summary>
/// Identity's messages in the app's own words. They stay English, like every service message (<see cref="Text"/>);
/// pages show them through the shared localizer, which finds the German for the format each one was made from.
/// So no service has to map Identity's error codes to messages of its own.
/// </summary>
public sealed class AppIdentityErrorDescriber : IdentityErrorDescriber
{
    public const string EmailTaken = "This address already belongs to another login.";
    public const string EmailInvalid = "“{0}” is not a valid email address.";
    public const string UserNameInvalid = "“{0}” cannot be used to sign in: use only letters a-z, digits and the characters - . _ @ +.";
    public const string PasswordTooShortMessage = "The password must have at least {0} characters.";
    public const string PasswordRequiresDigitMessage = "The password must contain a digit (0-9).";
    public const string PasswordRequiresLowerMessage = "The password must contain a lower-case letter (a-z).";
    public const string PasswordRequiresUpperMessage = "The password must contain an upper-case letter (A-Z).";
    public const string PasswordRequiresNonAlphanumericMessage = "The password must contain a character that is neither a letter nor a digit.";
    public const string PasswordRequiresUniqueCharsMessage = "The password must use at least {0} different characters.";
    public const string ConcurrencyFailureMessage = "Someone else changed this user at the same time. Reload and try again.";

    public override IdentityError DefaultError() => Error(nameof(DefaultError), Text.Of("Something went wrong. Please try again."));

    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), Text.Of(ConcurrencyFailureMessage));

    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), Text.Of("The password is not correct."));

    public override IdentityError InvalidToken() => Error(nameof(InvalidToken), Text.Of("This link is no longer valid."));

    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), Text.Of(EmailTaken));

    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), Text.Of(EmailTaken));

    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), Text.Of(EmailInvalid, email ?? ""));

    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), Text.Of(UserNameInvalid, userName ?? ""));

    public override IdentityError UserAlreadyHasPassword() => Error(nameof(UserAlreadyHasPassword), Text.Of("This login already has a password."));

    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), Text.Of(PasswordTooShortMessage, length));

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        Error(nameof(PasswordRequiresUniqueChars), Text.Of(PasswordRequiresUniqueCharsMessage, uniqueChars));

    public override IdentityError PasswordRequiresNonAlphanumeric() =>
        Error(nameof(PasswordRequiresNonAlphanumeric), Text.Of(PasswordRequiresNonAlphanumericMessage));

    public override IdentityError PasswordRequiresDigit() => Error(nameof(PasswordRequiresDigit), Text.Of(PasswordRequiresDigitMessage));

    public override IdentityError PasswordRequiresLower() => Error(nameof(PasswordRequiresLower), Text.Of(PasswordRequiresLowerMessage));

    public override IdentityError PasswordRequiresUpper() => Error(nameof(PasswordRequiresUpper), Text.Of(PasswordRequiresUpperMessage));

    /// <summary>The field of a user form an Identity error is about: the password, the address (which is also the user name), or the whole form.</summary>
    public static string FieldOf(IdentityError error, string passwordField, string emailField, string formField) => error.Code switch
    {
        var code when code.StartsWith("Password", StringComparison.Ordinal) && code != nameof(PasswordMismatch) => passwordField,
        nameof(DuplicateEmail) or nameof(InvalidEmail) or nameof(DuplicateUserName) or nameof(InvalidUserName) => emailField,
        _ => formField,
    };

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}
