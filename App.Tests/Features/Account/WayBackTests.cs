using AngleSharp.Html.Parser;
using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.Account;

/// <summary>Dead ends offer a way back: the 404 page and the access-denied page link to the user's start page.</summary>
public sealed class WayBackTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/admin/groups")]
    public async Task A_customer_who_lands_on_a_dead_end_gets_a_link_home(string path)
    {
        using var client = await app.SignedInClientAsync("max.mustermann@fabrikam.example", DemoDataSeeder.Password);

        using var response = await client.GetAsync(path);
        var target = response.Headers.Location is { } location ? await client.GetAsync(location) : response;
        var html = await target.Content.ReadAsStringAsync();

        var link = new HtmlParser().ParseDocument(html).QuerySelector("a[data-testid=back-home]");
        link.Should().NotBeNull($"{path} must offer a way back:\n{html}");
        link!.GetAttribute("href").Should().Be("/");
    }
}
