using System.Globalization;
using BlazorTickets.Features.Localization;
using BlazorTickets.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Tests.Shared;

public sealed class FieldErrorsTests
{
    private static IStringLocalizer<SharedResource> Localizer() =>
        new ServiceCollection().AddLogging().AddAppLocalization().BuildServiceProvider().GetRequiredService<IStringLocalizer<SharedResource>>();

    internal static T InCulture<T>(string name, Func<T> read)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(name);
        try
        {
            return read();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public void Messages_are_kept_per_field_in_the_order_they_were_added_and_a_repeated_one_only_once()
    {
        var errors = new FieldErrors()
            .Add("Email", "Enter an email address.")
            .Add("Password", "The password must have at least {0} characters.", 8)
            .Add("Password", "The password must contain a digit (0-9).")
            .Add("Password", "The password must have at least {0} characters.", 8);

        errors.Keys.Should().Equal("Email", "Password");
        errors.For("Password").Should().Equal(
            new ErrorMessage("The password must have at least {0} characters.", 8), new ErrorMessage("The password must contain a digit (0-9)."));
        errors.Has("Name").Should().BeFalse();
        errors.For("Name").Should().BeEmpty();
        errors.IsEmpty.Should().BeFalse();
    }

    [Fact]
    public void AddIfFirst_keeps_the_first_problem_of_a_field()
    {
        var errors = new FieldErrors().AddIfFirst("Number", "Enter a customer number.").AddIfFirst("Number", "Another customer of this tenant already has this number.");

        errors.For("Number").Should().ContainSingle().Which.Format.Should().Be("Enter a customer number.");
    }

    [Fact]
    public void Form_level_errors_live_under_their_own_key_and_come_first()
    {
        var errors = new FieldErrors().Add("Name", "Enter a name.").AddForm("This tenant no longer exists.");

        errors.FormErrors.Should().Equal(new ErrorMessage("This tenant no longer exists."));
        errors.All.Select(m => m.Format).Should().Equal("This tenant no longer exists.", "Enter a name.");
        FieldErrors.OfForm("x").Keys.Should().Equal(FieldErrors.Form);
    }

    [Fact]
    public void Without_drops_the_stale_fields_and_leaves_the_original_alone()
    {
        var errors = new FieldErrors().Add("Emails[0]", "This address is listed twice.").Add("Name", "Enter a name.");

        var kept = errors.Without(field => field.StartsWith("Emails", StringComparison.Ordinal));

        kept.Keys.Should().Equal("Name");
        errors.Keys.Should().Equal("Emails[0]", "Name");
    }

    [Fact]
    public void The_shared_empty_errors_cannot_be_added_to()
    {
        var adding = () => FieldErrors.None.Add("Name", "Enter a name.");

        adding.Should().Throw<InvalidOperationException>();
        FieldErrors.None.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Two_errors_are_equal_when_they_say_the_same_on_the_same_fields()
    {
        var one = new FieldErrors().Add("Name", "Enter a name.").Add("Vat", "The VAT rate must be between 0 and 100.");
        var same = new FieldErrors().Add("Vat", "The VAT rate must be between 0 and 100.").Add("Name", "Enter a name.");

        one.Equals(same).Should().BeTrue();
        one.GetHashCode().Should().Be(same.GetHashCode());
        one.Equals(FieldErrors.Of("Name", "Enter a name.")).Should().BeFalse();
        one.Equals(new FieldErrors().Add("Name", "Enter a name.").Add("Currency", "The VAT rate must be between 0 and 100."))
            .Should().BeFalse("the same message on another field is another error");
        new ErrorMessage("{0} MB", 5).Should().Be(new ErrorMessage("{0} MB", 5)).And.NotBe(new ErrorMessage("{0} MB", 6));
    }

    [Fact]
    public void A_message_keeps_its_format_and_values_until_the_page_localizes_it()
    {
        var message = new ErrorMessage("The password must have at least {0} characters.", 8);
        var L = Localizer();

        message.ToString().Should().Be("The password must have at least 8 characters.");
        InCulture("en", () => message.Localize(L)).Should().Be("The password must have at least 8 characters.");
        InCulture("de-DE", () => message.Localize(L)).Should().Be("Das Passwort muss mindestens 8 Zeichen haben.");
    }

    [Fact]
    public void TextFor_gives_a_fields_messages_in_the_readers_language_and_null_for_a_field_without_errors()
    {
        var errors = new FieldErrors()
            .Add("Password", "The password must have at least {0} characters.", 8)
            .Add("Password", "The password must contain a digit (0-9).");
        var L = Localizer();

        InCulture("de-DE", () => errors.TextFor("Password", L))
            .Should().Be("Das Passwort muss mindestens 8 Zeichen haben. Das Passwort muss eine Ziffer (0-9) enthalten.");
        errors.TextFor("Email", L).Should().BeNull("MudBlazor shows no error text for null");
        InCulture("en", () => errors.AllTexts(L).ToList()).Should().Equal("The password must have at least 8 characters.", "The password must contain a digit (0-9).");
    }
}
