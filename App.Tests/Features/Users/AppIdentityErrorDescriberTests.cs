using System.Globalization;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using BlazorTickets.Tests.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Tests.Features.Users;

public sealed class AppIdentityErrorDescriberTests
{
    private static IStringLocalizer<SharedResource> Localizer() =>
        new ServiceCollection().AddLogging().AddAppLocalization().BuildServiceProvider().GetRequiredService<IStringLocalizer<SharedResource>>();

    private static string Shown(IdentityError error, string culture) =>
        FieldErrorsTests.InCulture(culture, () => new ErrorMessage(error.Description).Localize(Localizer()));

    [Fact]
    public void Identity_speaks_English_in_the_apps_words_and_German_through_the_shared_localizer()
    {
        var describer = new AppIdentityErrorDescriber();

        Shown(describer.PasswordTooShort(8), "en").Should().Be("The password must have at least 8 characters.");
        Shown(describer.PasswordTooShort(8), "de-DE").Should().Be("Das Passwort muss mindestens 8 Zeichen haben.");
        Shown(describer.PasswordRequiresDigit(), "de-DE").Should().Be("Das Passwort muss eine Ziffer (0-9) enthalten.");
        Shown(describer.DuplicateEmail("max@fabrikam.example"), "en").Should().Be("This address already belongs to another login.");
        Shown(describer.DuplicateEmail("max@fabrikam.example"), "de-DE").Should().Be("Diese Adresse gehört bereits zu einer anderen Anmeldung.");
        Shown(describer.InvalidEmail("no-at-sign"), "de-DE").Should().Be("„no-at-sign“ ist keine gültige E-Mail-Adresse.");
        Shown(describer.ConcurrencyFailure(), "de-DE").Should().StartWith("Jemand anderes hat diesen Benutzer gleichzeitig geändert.");
    }

    [Fact]
    public void Every_message_the_describer_words_has_a_German_translation()
    {
        var describer = new AppIdentityErrorDescriber();
        IdentityError[] errors =
        [
            describer.DefaultError(), describer.ConcurrencyFailure(), describer.PasswordMismatch(), describer.InvalidToken(),
            describer.DuplicateEmail("a@b.example"), describer.DuplicateUserName("a@b.example"), describer.InvalidEmail("x"), describer.InvalidUserName("x"),
            describer.UserAlreadyHasPassword(), describer.PasswordTooShort(8), describer.PasswordRequiresUniqueChars(3),
            describer.PasswordRequiresNonAlphanumeric(), describer.PasswordRequiresDigit(), describer.PasswordRequiresLower(), describer.PasswordRequiresUpper(),
        ];

        foreach (var error in errors)
        {
            Shown(error, "de-DE").Should().NotBe(error.Description, $"{error.Code} needs a German entry");
        }
    }

    [Fact]
    public async Task The_app_registers_the_describer_so_UserManager_refuses_in_the_apps_words()
    {
        await using var services = await TestServices.CreateAsync();
        await using var scope = services.Get<IServiceScopeFactory>().CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();

        users.ErrorDescriber.Should().BeOfType<AppIdentityErrorDescriber>();
        var result = await users.CreateAsync(new AppUser { UserName = "weak@example.com", Email = "weak@example.com", DisplayName = "Weak" }, "short");
        result.Errors.Select(e => e.Description).Should().Contain("The password must have at least 8 characters.");
    }

    [Theory]
    [InlineData(nameof(IdentityErrorDescriber.PasswordTooShort), "Password")]
    [InlineData(nameof(IdentityErrorDescriber.PasswordRequiresDigit), "Password")]
    [InlineData(nameof(IdentityErrorDescriber.DuplicateEmail), "Email")]
    [InlineData(nameof(IdentityErrorDescriber.InvalidUserName), "Email")]
    [InlineData(nameof(IdentityErrorDescriber.PasswordMismatch), "")]
    [InlineData(nameof(IdentityErrorDescriber.ConcurrencyFailure), "")]
    public void An_identity_error_is_reported_on_the_field_it_is_about(string code, string field)
    {
        AppIdentityErrorDescriber.FieldOf(new IdentityError { Code = code, Description = "" }, "Password", "Email", FieldErrors.Form).Should().Be(field);
    }
}
