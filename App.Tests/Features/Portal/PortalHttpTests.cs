using System.Net;
using System.Reflection;
using AngleSharp.Html.Parser;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Portal;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using ComponentRouteAttribute = Microsoft.AspNetCore.Components.RouteAttribute;
using BlazorTickets.Features.Customers;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>
/// The portal over real HTTP against the real app: isolation between customers on every portal page and download URL
/// (routes are discovered, so a new portal route must be added to <see cref="IdsFor"/>), no internal data in any
/// response, and the static set-password and forgot-password pages.
/// </summary>
public sealed class PortalHttpTests(AppFactory app) : IClassFixture<AppFactory>, IAsyncLifetime
{
    private const string PortalPrefix = "/portal";
    private PortalCustomer max = null!;
    private PortalCustomer erika = null!;
    private int maxTicket;
    private int erikaTicket;
    private int maxAttachment;
    private int erikaAttachment;
    private int noteAttachment;
    private PortalTestData.Secrets secrets = null!;

    public async Task InitializeAsync()
    {
        max = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.MaxEmail);
        erika = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.ErikaEmail);
        maxTicket = await PortalTestData.CreateTicketAsync(app.DbFactory, max, "Max's printer");
        erikaTicket = await PortalTestData.CreateTicketAsync(app.DbFactory, erika, "Erika's printer");
        maxAttachment = await PortalTestData.AddAttachmentAsync(app.DbFactory, maxTicket, "../max<script>.html", "<script>alert(1)</script>");
        erikaAttachment = await PortalTestData.AddAttachmentAsync(app.DbFactory, erikaTicket, "erika.txt", "Erika's file");
        (secrets, noteAttachment) = await PortalTestData.PlantSecretsAsync(app.DbFactory, maxTicket);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record PortalRoute(string Template, RoutePattern Pattern)
    {
        public bool HasParameters => Pattern.Parameters.Count > 0;

        public string With(int id) => "/" + string.Join("/", Pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart => id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => "",
        }))));
    }

    /// <summary>Every page and endpoint under /portal, found by reflection and from the endpoint table.</summary>
    private List<PortalRoute> PortalRoutes()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<ComponentRouteAttribute>())
            .Select(a => a.Template);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText)
            .OfType<string>();
        return pages.Concat(endpoints)
            .Select(t => "/" + t.TrimStart('/'))
            .Where(t => t.Equals(PortalPrefix, StringComparison.OrdinalIgnoreCase) || t.StartsWith(PortalPrefix + "/", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .Select(t => new PortalRoute(t, RoutePatternFactory.Parse(t)))
            .ToList();
    }

    /// <summary>Max's own id and Erika's id for a route parameter; null for a route this test does not know yet.</summary>
    private (int Own, int Foreign)? IdsFor(PortalRoute route) => route.Template.ToLowerInvariant() switch
    {
        "/portal/tickets/{id:int}" => (maxTicket, erikaTicket),
        "/portal/attachments/{id:int}" => (maxAttachment, erikaAttachment),
        _ => null,
    };

    private Task<HttpClient> MaxAsync() => app.SignedInClientAsync(PortalTestData.MaxEmail, DemoDataSeeder.Password);

    [Fact]
    public async Task Every_portal_route_answers_404_for_another_customers_ids_and_200_for_the_customers_own()
    {
        var routes = PortalRoutes();
        using var client = await MaxAsync();
        var failures = new List<string>();

        foreach (var route in routes.Where(r => r.HasParameters))
        {
            if (IdsFor(route) is not var (own, foreign))
            {
                failures.Add($"{route.Template}: unknown portal route, teach {nameof(IdsFor)} which ids it takes");
                continue;
            }
            using var foreignResponse = await client.GetAsync(route.With(foreign));
            using var ownResponse = await client.GetAsync(route.With(own));
            using var missingResponse = await client.GetAsync(route.With(int.MaxValue));
            if (foreignResponse.StatusCode != HttpStatusCode.NotFound)
            {
                failures.Add($"{route.With(foreign)} (Erika's) answered {(int)foreignResponse.StatusCode}");
            }
            if (missingResponse.StatusCode != HttpStatusCode.NotFound)
            {
                failures.Add($"{route.With(int.MaxValue)} (no such id) answered {(int)missingResponse.StatusCode}");
            }
            if (ownResponse.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"{route.With(own)} (Max's own) answered {(int)ownResponse.StatusCode}");
            }
            if ((await foreignResponse.Content.ReadAsStringAsync()).Contains("Erika's"))
            {
                failures.Add($"{route.With(foreign)} shows Erika's data");
            }
        }

        routes.Select(r => r.Template).Should().Contain(["/portal", "/portal/tickets/{Id:int}", "/portal/new", "/portal/attachments/{id:int}"]);
        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task The_attachment_of_an_internal_note_is_not_served_even_on_the_customers_own_ticket()
    {
        using var client = await MaxAsync();

        using var response = await client.GetAsync($"{PortalServiceCollectionExtensions.AttachmentPath}/{noteAttachment}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Internal_notes_and_internal_fields_appear_in_no_portal_response()
    {
        using var client = await MaxAsync();
        var bodies = new Dictionary<string, string>();
        foreach (var route in PortalRoutes())
        {
            var path = route.HasParameters && IdsFor(route) is var (own, _) ? route.With(own) : route.Template;
            using var response = await client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            bodies[path] = await response.Content.ReadAsStringAsync();
        }

        bodies[$"/portal/tickets/{maxTicket}"].Should().Contain("Please send us a photo of the paper tray.", "the answer is shown, so the page did render the conversation");
        foreach (var (path, body) in bodies)
        {
            foreach (var secret in secrets.All)
            {
                body.Should().NotContain(secret, $"{path} must not show internal data");
            }
        }
    }

    [Fact]
    public async Task A_download_is_always_a_named_attachment_never_sniffed_or_rendered()
    {
        using var client = await MaxAsync();

        using var response = await client.GetAsync($"{PortalServiceCollectionExtensions.AttachmentPath}/{maxAttachment}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/octet-stream");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        var disposition = response.Content.Headers.ContentDisposition!;
        disposition.DispositionType.Should().Be("attachment");
        (disposition.FileNameStar ?? disposition.FileName).Should().Be(SafeFileNameOf("../max<script>.html"));
        (await response.Content.ReadAsStringAsync()).Should().Be("<script>alert(1)</script>");

        static string SafeFileNameOf(string name) => BlazorTickets.Features.Tickets.SafeFileName.From(name);
    }

    [Fact]
    public async Task The_invitation_link_page_sets_the_password_signs_in_and_sends_the_customer_to_the_portal()
    {
        var token = await InviteAsync("C-1013", "b.richter@richter-ra.example", "Ben Richter");
        using var client = app.CreateBrowserLikeClient();
        var url = PortalAccessService.LinkPath(token);

        var (page, form) = await FormAsync(client, url);
        page.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        page.Headers.CacheControl!.NoStore.Should().BeTrue("the page holds a live token");
        form["Input.Password"] = "Richter-2026";
        form["Input.Confirm"] = "Richter-2026x";
        using var mismatch = await client.PostAsync(url, new FormUrlEncodedContent(form));
        (await ErrorsAsync(mismatch, "set-password-error")).Should().Equal("The two passwords are not the same.");

        form["Input.Confirm"] = "Richter-2026";
        using var done = await client.PostAsync(url, new FormUrlEncodedContent(form));

        done.StatusCode.Should().Be(HttpStatusCode.Redirect);
        done.Headers.Location!.OriginalString.Should().EndWith("/portal");
        using var portal = await client.GetAsync("/portal");
        portal.StatusCode.Should().Be(HttpStatusCode.OK);
        (await portal.Content.ReadAsStringAsync()).Should().Contain("Ben Richter");

        using var anonymous = app.CreateBrowserLikeClient();
        using var again = await anonymous.GetAsync(url);
        (await ErrorsAsync(again, "link-error")).Should().ContainSingle().Which.Should().StartWith("This link has already been used.");
        using var signIn = await AppFactory.PostLoginAsync(anonymous, "b.richter@richter-ra.example", "Richter-2026");
        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect, "the new password works on the sign-in page");
    }

    [Fact]
    public async Task The_set_password_page_explains_a_bad_link_and_a_weak_password()
    {
        var token = await InviteAsync("C-1014", "clara@klein-kosmetik.example", "Clara Klein");
        using var client = app.CreateBrowserLikeClient();

        using var bad = await client.GetAsync(PortalAccessService.LinkPath("made-up-token"));
        (await ErrorsAsync(bad, "link-error")).Should().Equal("This link is not valid. Check that you copied all of it.");

        var url = PortalAccessService.LinkPath(token);
        var (_, form) = await FormAsync(client, url);
        form["Input.Password"] = "weakpassword";
        form["Input.Confirm"] = "weakpassword";
        using var weak = await client.PostAsync(url, new FormUrlEncodedContent(form));

        weak.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ErrorsAsync(weak, "set-password-error")).Should().Equal(
            "The password must contain a digit (0-9).", "The password must contain an upper-case letter (A-Z).");
    }

    [Fact]
    public async Task A_locked_out_customer_gets_back_in_with_a_reset_link_from_staff()
    {
        var token = await InviteAsync("C-1015", "elias@wolf-outdoor.example", "Elias Wolf");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<PortalAccessService>().SetPasswordAsync(token, "Wolf-Outdoor-2026"))
                .Should().BeOfType<SetPasswordResult.Done>();
        }
        using var client = app.CreateBrowserLikeClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            (await AppFactory.PostLoginAsync(client, "elias@wolf-outdoor.example", "wrong")).Dispose();
        }
        using var locked = await AppFactory.PostLoginAsync(client, "elias@wolf-outdoor.example", "Wolf-Outdoor-2026");
        (await ErrorsAsync(locked, "login-error")).Should().ContainSingle().Which.Should().Contain("locked");

        string resetToken;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var access = scope.ServiceProvider.GetRequiredService<PortalAccessService>();
            var customerId = (await PortalTestData.CustomerAsync(app.DbFactory, "elias@wolf-outdoor.example")).CustomerId;
            var login = (await access.GetCustomerAccessAsync(customerId))!.Logins.Single();
            var created = (AccessLinkResult.Created)await access.CreateResetLinkAsync(customerId, login.UserId, "Anna Agent");
            resetToken = created.Token.Should().NotBeNull("staff may see the link they create").And.Subject;
        }
        var url = PortalAccessService.LinkPath(resetToken);
        var (_, form) = await FormAsync(client, url);
        form["Input.Password"] = form["Input.Confirm"] = "Wolf-Outdoor-2027";
        using var reset = await client.PostAsync(url, new FormUrlEncodedContent(form));

        reset.StatusCode.Should().Be(HttpStatusCode.Redirect);
        using var fresh = app.CreateBrowserLikeClient();
        using var signIn = await AppFactory.PostLoginAsync(fresh, "elias@wolf-outdoor.example", "Wolf-Outdoor-2027");
        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Forgot_password_answers_the_same_for_every_address_and_notes_only_customer_logins()
    {
        var answers = new List<string>();
        foreach (var email in new[] { PortalTestData.ErikaEmail, "nobody@nowhere.example", "anna@contoso.example" })
        {
            using var client = app.CreateBrowserLikeClient();
            var (_, form) = await FormAsync(client, PortalAccessService.ForgotPasswordPath);
            form["Input.Email"] = email;
            using var response = await client.PostAsync(PortalAccessService.ForgotPasswordPath, new FormUrlEncodedContent(form));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            answers.Add(string.Join("|", await ErrorsAsync(response, "reset-requested")));
        }

        answers.Should().AllBe(answers[0]).And.HaveCount(3);
        answers[0].Should().StartWith("If this address belongs to a customer portal login, a link to choose a new password is on its way by mail.");
        await using var scope = app.Services.CreateAsyncScope();
        var login = (await scope.ServiceProvider.GetRequiredService<PortalAccessService>().GetCustomerAccessAsync(erika.CustomerId))!
            .Logins.Single(l => l.UserId == erika.UserId);
        login.ResetRequestedAt.Should().NotBeNull("staff see that Erika asked");
    }

    [Fact]
    public void The_circuit_accepts_a_message_of_the_longest_allowed_text_so_it_can_be_refused_politely()
    {
        // Blazor's hub is internal; its options are what the circuit enforces on every incoming message.
        var hub = typeof(Microsoft.AspNetCore.Components.Server.CircuitOptions).Assembly.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub", throwOnError: true)!;
        var optionsType = typeof(Microsoft.Extensions.Options.IOptions<>).MakeGenericType(typeof(Microsoft.AspNetCore.SignalR.HubOptions<>).MakeGenericType(hub));
        var options = (Microsoft.AspNetCore.SignalR.HubOptions)optionsType.GetProperty("Value")!.GetValue(app.Services.GetRequiredService(optionsType))!;

        // Four bytes per character at worst in UTF-8, plus room for the event's envelope.
        options.MaximumReceiveMessageSize.Should().BeGreaterThanOrEqualTo(4L * (PortalLimits.MaxTextLength + 1) + 4096);
    }

    private async Task<string> InviteAsync(string customerNumber, string email, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var customerId = db.Set<Customer>().Where(c => c.CustomerNumber == customerNumber).Select(c => c.Id).Single();
        var result = await scope.ServiceProvider.GetRequiredService<PortalAccessService>().InviteAsync(customerId, email, name, "Anna Agent");
        return result.Should().BeOfType<AccessLinkResult.Created>().Subject.Token.Should().NotBeNull("staff may see the link they create").And.Subject;
    }

    /// <summary>GETs a static page and returns the response and the hidden and text fields of its form, as a browser would post them.</summary>
    private static async Task<(HttpResponseMessage Response, Dictionary<string, string> Form)> FormAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK, url);
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var form = document.QuerySelectorAll("form[method=post] input[name]")
            .Where(i => i.GetAttribute("name") is { } name && (name.StartsWith("Input.") || name is "__RequestVerificationToken" or "_handler"))
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        form.Should().ContainKeys("__RequestVerificationToken", "_handler");
        return (response, form);
    }

    private static async Task<List<string>> ErrorsAsync(HttpResponseMessage response, string testId)
    {
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        return document.QuerySelectorAll($"[data-testid={testId}]").Select(e => e.TextContent.Trim()).ToList();
    }
}
