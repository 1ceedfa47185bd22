using System.Net;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Mail.Display;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static BlazorTickets.Tests.Features.Mail.Display.MailDisplayTestData;

namespace BlazorTickets.Tests.Features.Mail.Display;

/// <summary><c>/attachments/{id}/inline</c> over real HTTP against the real app.</summary>
public sealed class InlineImageEndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string AgentEmail = "anna@contoso.example";
    private const string CustomerEmail = "max.mustermann@fabrikam.example";

    private Task<(int TicketId, int[] AttachmentIds)> AddAsync(params BlazorTickets.Features.Tickets.Attachment[] attachments) =>
        AddInboundMailAsync(app.DbFactory, "Inline image test", "customer@fabrikam.example", "<p>see below</p>", attachments);

    [Theory]
    [InlineData("png", "image/png")]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("gif", "image/gif")]
    [InlineData("webp", "image/webp")]
    public async Task Staff_get_an_image_inline_with_its_type_nosniff_and_a_csp_that_allows_nothing(string format, string contentType)
    {
        var bytes = format switch { "png" => Png, "jpeg" => Jpeg, "gif" => Gif, _ => Webp };
        // A declared type that lies: the bytes decide.
        var (_, ids) = await AddAsync(AttachmentOf($"image.{format}", "application/octet-stream", bytes, $"{format}@fabrikam.example"));
        using var client = await app.SignedInClientAsync(AgentEmail, DemoDataSeeder.Password);

        using var response = await client.GetAsync(InlineImageLinks.PathOf(ids[0]));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be(contentType);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.GetValues("Content-Security-Policy").Should().Equal("default-src 'none'");
        response.Content.Headers.ContentDisposition.Should().BeNull("an inline image is shown, not downloaded");
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
    }

    [Theory]
    [InlineData("drawing.svg", "image/svg+xml", "svg")]
    [InlineData("page.png", "image/png", "html")]
    [InlineData("page.html", "text/html", "html")]
    [InlineData("invoice.pdf", "application/pdf", "pdf")]
    [InlineData("empty.png", "image/png", "empty")]
    public async Task Svg_and_anything_that_is_not_a_plain_image_is_not_found(string fileName, string declaredType, string content)
    {
        var bytes = content switch { "svg" => Svg, "html" => Html, "pdf" => Pdf, _ => [] };
        var (_, ids) = await AddAsync(AttachmentOf(fileName, declaredType, bytes, "part@fabrikam.example"));
        using var client = await app.SignedInClientAsync(AgentEmail, DemoDataSeeder.Password);

        using var response = await client.GetAsync(InlineImageLinks.PathOf(ids[0]));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("__xss");
    }

    [Fact]
    public async Task An_unknown_attachment_is_not_found()
    {
        using var client = await app.SignedInClientAsync(AgentEmail, DemoDataSeeder.Password);

        using var response = await client.GetAsync(InlineImageLinks.PathOf(int.MaxValue));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Anonymous_requests_are_sent_to_the_login_page()
    {
        var (_, ids) = await AddAsync(AttachmentOf("logo.png", "image/png", Png));
        using var client = app.CreateBrowserLikeClient();

        using var response = await client.GetAsync(InlineImageLinks.PathOf(ids[0]));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Contain(AccountServiceCollectionExtensions.LoginPath);
    }

    [Fact]
    public async Task A_customer_login_is_refused()
    {
        var (_, ids) = await AddAsync(AttachmentOf("logo.png", "image/png", Png));
        using var client = await app.SignedInClientAsync(CustomerEmail, DemoDataSeeder.Password);

        using var response = await client.GetAsync(InlineImageLinks.PathOf(ids[0]));

        response.StatusCode.Should().BeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.Redirect);
        response.Headers.Location?.OriginalString.Should().Contain("access-denied");
        response.Content.Headers.ContentType?.MediaType.Should().NotBe("image/png");
    }

    [Fact]
    public async Task The_permission_in_an_inline_link_works_without_the_cookie_but_only_for_its_own_attachment()
    {
        var (_, ids) = await AddAsync(AttachmentOf("a.png", "image/png", Png), AttachmentOf("b.png", "image/png", Png));
        var links = app.Services.GetRequiredService<InlineImageLinks>();
        using var client = app.CreateBrowserLikeClient();
        var linkToFirst = links.UrlFor(ids[0]);

        using var own = await client.GetAsync(linkToFirst);
        using var other = await client.GetAsync(linkToFirst.Replace(InlineImageLinks.PathOf(ids[0]), InlineImageLinks.PathOf(ids[1])));
        using var forged = await client.GetAsync($"{InlineImageLinks.PathOf(ids[0])}?{InlineImageLinks.AccessParameter}=forged");

        own.StatusCode.Should().Be(HttpStatusCode.OK);
        own.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        other.StatusCode.Should().Be(HttpStatusCode.Redirect);
        forged.StatusCode.Should().Be(HttpStatusCode.Redirect);
    }
}
