using System.Net;
using System.Security.Cryptography;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Mail;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Data;

/// <summary>
/// Two app nodes on one PostgreSQL database share the Data Protection key ring: what one node signs or encrypts (sign-in
/// cookie, antiforgery token, a mailbox password) the other reads.
/// </summary>
[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class SharedKeyRingTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private AppFactory nodeA = null!;
    private AppFactory nodeB = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        nodeA = new AppFactory { Database = database };
        // Node A migrates and seeds first; node B starts on the finished database, as a second node would.
        nodeA.CreateClient().Dispose();
        nodeB = new AppFactory { Database = database, SeedDemoData = false };
        nodeB.CreateClient().Dispose();
    }

    public async Task DisposeAsync()
    {
        await nodeB.DisposeAsync();
        await nodeA.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_sign_in_on_node_A_is_valid_on_node_B()
    {
        var cookies = new CookieContainer();
        using var clientA = ClientOf(nodeA, cookies);
        using var clientB = ClientOf(nodeB, cookies);

        using (var anonymous = await clientB.GetAsync("/tickets"))
        {
            anonymous.StatusCode.Should().Be(HttpStatusCode.Redirect, "without a cookie the desk sends to the sign-in page");
        }
        using (var signIn = await AppFactory.PostLoginAsync(clientA, "anna@contoso.example", "Demo-2026!"))
        {
            signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }

        using var desk = await clientB.GetAsync("/tickets");
        desk.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_form_from_node_A_posts_to_node_B()
    {
        var cookies = new CookieContainer();
        using var clientA = ClientOf(nodeA, cookies);
        using var clientB = ClientOf(nodeB, cookies);

        var form = await AppFactory.LoginFormAsync(clientA);
        form["Input.Email"] = "anna@contoso.example";
        form["Input.Password"] = "Demo-2026!";
        using var response = await clientB.PostAsync(AccountServiceCollectionExtensions.LoginPath, new FormUrlEncodedContent(form));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "node B accepts node A's antiforgery token");
        response.Headers.Location!.ToString().Should().NotContain("login");
    }

    [Fact]
    public async Task A_mailbox_password_saved_on_node_A_is_read_on_node_B_and_nowhere_else()
    {
        var saved = nodeA.Services.GetRequiredService<MailboxConnector>().Protect("imap-secret");

        nodeB.Services.GetRequiredService<MailboxConnector>().Unprotect(saved).Should().Be("imap-secret");

        await using var otherInstallation = new AppFactory { Provider = DatabaseProvider.Postgres, SeedDemoData = false };
        otherInstallation.CreateClient().Dispose();
        var read = () => otherInstallation.Services.GetRequiredService<MailboxConnector>().Unprotect(saved);
        read.Should().Throw<CryptographicException>("another database holds another key ring");
    }

    private static HttpClient ClientOf(AppFactory node, CookieContainer cookies) =>
        node.CreateDefaultClient(new Uri("http://localhost"), new SharedCookies(cookies));

    /// <summary>One browser talking to two nodes: cookies set by either go to both.</summary>
    private sealed class SharedCookies(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    cookies.SetCookies(request.RequestUri!, setCookie);
                }
            }
            return response;
        }
    }
}
