using System.Net;
using BlazorTickets.Features.Account;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BlazorTickets.Tests.Features.Hosting;

public sealed class SecurityHeaderTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Theory]
    [InlineData(AccountServiceCollectionExtensions.LoginPath)]
    [InlineData("/not-found")]
    public async Task Pages_send_a_content_security_policy_nosniff_and_a_referrer_policy(string path)
    {
        using var client = app.CreateBrowserLikeClient();

        using var response = await client.GetAsync(path);

        var csp = response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values.ToList() : [];
        csp.Should().ContainSingle("one policy, not a second frame-ancestors header beside it")
            .Which.Should().Contain("script-src 'self'").And.Contain("frame-ancestors 'self'").And.Contain("object-src 'none'")
            .And.NotContain("unsafe-eval");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Referrer-Policy").Should().Equal("same-origin");
    }

    [Fact]
    public async Task Over_https_a_production_install_sends_hsts_and_redirects_plain_http()
    {
        await using var production = new AppFactory { Environment = "Production", SeedDemoData = false, Settings = { ["https_ports"] = "443" } };
        using var https = production.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = new Uri("https://support.example.com"),
        });
        using var http = production.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = new Uri("http://support.example.com"),
        });

        using var secure = await https.GetAsync(AccountServiceCollectionExtensions.LoginPath);
        using var plain = await http.GetAsync(AccountServiceCollectionExtensions.LoginPath);

        secure.StatusCode.Should().Be(HttpStatusCode.OK);
        secure.Headers.GetValues("Strict-Transport-Security").Single().Should().StartWith("max-age=");
        plain.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        plain.Headers.Location.Should().Be(new Uri("https://support.example.com/account/login"));
    }
}
