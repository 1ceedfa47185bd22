using System.Net;
using AngleSharp.Html.Parser;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Features.Replies;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>
/// "Forgot password" is open to anyone, so the link it mails must not be built from the request: a forged Host header
/// would send the victim a link to the attacker's site with a valid token in it.
/// </summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class ResetLinkAddressTests : IAsyncLifetime
{
    private readonly AppFactory app = new();
    private TestSmtpServer smtp = null!;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        _ = app.Services;
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task A_forged_host_header_does_not_reach_the_mailed_reset_link()
    {
        using var client = app.CreateBrowserLikeClient();
        using var page = await client.GetAsync(PortalAccessService.ForgotPasswordPath);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        var form = new HtmlParser().ParseDocument(await page.Content.ReadAsStringAsync())
            .QuerySelectorAll("form[method=post] input[name]")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        form["Input.Email"] = PortalTestData.ErikaEmail;
        using var request = new HttpRequestMessage(HttpMethod.Post, PortalAccessService.ForgotPasswordPath) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Host = "attacker.example";

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var mail = (await smtp.WaitForAsync(1)).Single();
        mail.To.Mailboxes.Single().Address.Should().Be(PortalTestData.ErikaEmail);
        var configured = app.Services.GetRequiredService<PortalLinkAddress>().Configured;
        configured.Should().NotBeNull("appsettings.json names the public address");
        mail.TextBody.Should().Contain(new Uri(configured!, PortalAccessService.SetPasswordPath).ToString())
            .And.NotContain("attacker.example");
    }
}
