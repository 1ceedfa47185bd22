using System.Net;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.Localization;

public sealed class CultureSwitchTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_switcher_sets_the_culture_cookie_and_pages_answer_in_German_from_then_on()
    {
        using var client = app.CreateBrowserLikeClient();

        var response = await client.GetAsync("/culture/set?culture=de&redirectUri=%2Faccount%2Flogin");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/account/login");
        var login = await client.GetStringAsync("/account/login");
        login.Should().Contain("Anmelden").And.Contain("Passwort");
    }

    [Fact]
    public async Task The_browser_language_picks_German_without_a_cookie()
    {
        using var client = app.CreateBrowserLikeClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-DE,de;q=0.9");

        var login = await client.GetStringAsync("/account/login");

        login.Should().Contain("Angemeldet bleiben");
    }

    [Fact]
    public async Task An_unsupported_culture_is_refused_with_a_clear_message()
    {
        using var client = app.CreateBrowserLikeClient();

        var response = await client.GetAsync("/culture/set?culture=xx&redirectUri=%2F");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Unsupported culture 'xx'");
    }

    [Fact]
    public async Task The_switcher_never_redirects_off_site()
    {
        using var client = app.CreateBrowserLikeClient();

        var response = await client.GetAsync("/culture/set?culture=en&redirectUri=%2F%2Fevil.example%2F");

        response.Headers.Location!.OriginalString.Should().Be("/");
    }
}
