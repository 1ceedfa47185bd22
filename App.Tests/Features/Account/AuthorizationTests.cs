using System.Net;
using System.Reflection;
using AngleSharp.Html.Parser;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using ComponentRouteAttribute = Microsoft.AspNetCore.Components.RouteAttribute;
using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Tests.Features.Account;

/// <summary>
/// Who may open what, over real HTTP against the real app on each database provider. Routes are discovered, not
/// listed, so a new page without the right [Authorize] fails here.
/// </summary>
public abstract class AuthorizationTests(AppFactory app)
{
    private const string AgentEmail = "anna@contoso.example";
    private const string CustomerEmail = "max.mustermann@fabrikam.example";
    private const string AccessDeniedPath = "/account/access-denied";

    /// <summary>Routes anyone may open.</summary>
    private static readonly HashSet<string> PublicRoutes = new(StringComparer.OrdinalIgnoreCase)
    {
        AccountServiceCollectionExtensions.LoginPath, AccessDeniedPath, "/not-found", "/Error", "/culture/set",
        // A new install's one-time link; useless without the token and once an administrator exists.
        FirstAdminSetup.Path,
        // The customer portal's link pages: whoever holds a valid link may set a password, and anyone may ask for one.
        BlazorTickets.Features.Portal.PortalAccessService.SetPasswordPath, BlazorTickets.Features.Portal.PortalAccessService.ForgotPasswordPath,
        // The load balancer's probe: states only, no names of servers or errors.
        BlazorTickets.Features.Health.HealthServiceCollectionExtensions.Path,
    };

    /// <summary>Routes for every signed-in user, customers too: the landing page that sends each to their start, and sign-out.</summary>
    private static readonly HashSet<string> AnySignedInUserRoutes = new(StringComparer.OrdinalIgnoreCase) { "/", "/account/logout" };

    private const string CustomerPortalPrefix = "/portal";

    [Fact]
    public async Task Anonymous_requests_to_every_non_public_route_are_sent_to_the_login_page()
    {
        var routes = await ProtectedRoutesAsync();
        using var client = app.CreateBrowserLikeClient();
        var failures = new List<string>();

        foreach (var route in routes)
        {
            using var response = await SendAsync(client, route);
            if (response.StatusCode != HttpStatusCode.Redirect || RedirectPath(response) != AccountServiceCollectionExtensions.LoginPath)
            {
                failures.Add($"{route} answered {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        routes.Select(r => r.Template).Should().Contain(["/tickets", "/"], "route discovery must find the app's pages");
        failures.Should().BeEmpty("an anonymous visitor must be redirected to the login page");
    }

    [Fact]
    public async Task A_customer_login_is_refused_on_every_agent_route()
    {
        var routes = (await ProtectedRoutesAsync())
            .Where(r => !AnySignedInUserRoutes.Contains(r.Template) && !IsCustomerPortal(r.Template))
            .ToList();
        using var client = await app.SignedInClientAsync(CustomerEmail, DemoDataSeeder.Password);
        var failures = new List<string>();

        foreach (var route in routes)
        {
            using var response = await SendAsync(client, route);
            var refused = response.StatusCode == HttpStatusCode.Forbidden
                || (response.StatusCode == HttpStatusCode.Redirect && RedirectPath(response) == AccessDeniedPath);
            if (!refused)
            {
                failures.Add($"{route} answered {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        routes.Select(r => r.Template).Should().Contain("/tickets");
        failures.Should().BeEmpty("a customer's extranet login must not open agent pages");
    }

    [Fact]
    public async Task A_customer_can_open_every_portal_route_without_parameters()
    {
        var routes = (await ProtectedRoutesAsync()).Where(r => IsCustomerPortal(r.Template) && !r.Template.Contains('{')).ToList();
        using var client = await app.SignedInClientAsync(CustomerEmail, DemoDataSeeder.Password);
        var failures = new List<string>();

        foreach (var route in routes)
        {
            using var response = await SendAsync(client, route);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"{route} answered {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        // Routes with ids are walked with the customer's own and foreign ids in Portal/PortalHttpTests.
        routes.Select(r => r.Template).Should().Contain(CustomerPortalPrefix);
        failures.Should().BeEmpty("the portal is the customer's start page");
    }

    [Theory]
    [InlineData(AgentEmail)]
    [InlineData("admin@contoso.example")]
    public async Task Staff_are_refused_on_every_portal_route(string email)
    {
        var routes = (await ProtectedRoutesAsync()).Where(r => IsCustomerPortal(r.Template)).ToList();
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);
        var failures = new List<string>();

        foreach (var route in routes)
        {
            using var response = await SendAsync(client, route);
            var refused = response.StatusCode == HttpStatusCode.Forbidden
                || (response.StatusCode == HttpStatusCode.Redirect && RedirectPath(response) == AccessDeniedPath);
            if (!refused)
            {
                failures.Add($"{route} answered {(int)response.StatusCode} {response.Headers.Location}");
            }
        }

        routes.Should().HaveCountGreaterThan(1);
        failures.Should().BeEmpty("staff work in the desk; the portal shows a customer's view only to that customer");
    }

    [Theory]
    [InlineData("admin@contoso.example")]
    [InlineData("lena@contoso.example")]
    [InlineData("bill@contoso.example")]
    [InlineData(AgentEmail)]
    public async Task Staff_open_every_agent_page_without_a_server_error(string email)
    {
        // Pages prerender on the GET, so each one runs its queries against the database here.
        var routes = (await ProtectedRoutesAsync())
            .Where(r => r.Method == HttpMethods.Get && !IsCustomerPortal(r.Template) && r.Template != "/account/logout")
            .ToList();
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);
        var failures = new List<string>();

        foreach (var route in routes)
        {
            using var response = await SendAsync(client, route);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{route} answered {(int)response.StatusCode}: {Shorten(await response.Content.ReadAsStringAsync())}");
            }
        }

        routes.Select(r => r.Template).Should().Contain(["/tickets", "/tickets/{Id:int}"]);
        failures.Should().BeEmpty("every page the user may open renders; the others refuse politely");
    }

    private static string Shorten(string body) => body.Length <= 2000 ? body : body[..2000];

    [Fact]
    public async Task An_agent_can_open_the_ticket_list()
    {
        using var client = await app.SignedInClientAsync(AgentEmail, DemoDataSeeder.Password);

        using var response = await client.GetAsync("/tickets");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("data-testid=\"ticket-grid\"");
    }

    [Theory]
    [InlineData(AgentEmail, "/tickets")]
    [InlineData(CustomerEmail, CustomerPortalPrefix)]
    public async Task The_landing_page_sends_each_user_to_their_start_page(string email, string startPage)
    {
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);

        using var response = await client.GetAsync("/");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        RedirectPath(response).Should().Be(startPage);
    }

    [Fact]
    public async Task Signing_in_redirects_an_agent_to_the_ticket_list()
    {
        using var client = app.CreateBrowserLikeClient();

        using var response = await AppFactory.PostLoginAsync(client, AgentEmail, DemoDataSeeder.Password);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        RedirectPath(response).Should().Be("/tickets");
    }

    [Fact]
    public async Task After_five_wrong_passwords_even_the_right_password_is_refused_with_the_lockout_message()
    {
        const string email = "lockout.test@contoso.example";
        const string password = "Lockout-Test-2026";
        await CreateUserAsync(email, password);
        using var client = app.CreateBrowserLikeClient();

        var wrongAnswers = new List<string?>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await AppFactory.PostLoginAsync(client, email, $"wrong-{attempt}");
            wrong.StatusCode.Should().Be(HttpStatusCode.OK, "a failed sign-in shows the form again");
            wrongAnswers.Add(await LoginErrorAsync(wrong));
        }
        using var right = await AppFactory.PostLoginAsync(client, email, password);

        wrongAnswers.Take(4).Should().AllBe("Email or password is wrong.");
        right.StatusCode.Should().Be(HttpStatusCode.OK);
        (await LoginErrorAsync(right)).Should().Contain("locked");
        AuthCookie(right).Should().BeNull();
    }

    [Fact]
    public async Task The_login_form_rejects_a_post_without_antiforgery_token()
    {
        using var client = app.CreateBrowserLikeClient();
        var form = await AppFactory.LoginFormAsync(client);
        form.Remove("__RequestVerificationToken");
        form["Input.Email"] = AgentEmail;
        form["Input.Password"] = DemoDataSeeder.Password;

        using var response = await client.PostAsync(AccountServiceCollectionExtensions.LoginPath, new FormUrlEncodedContent(form));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        AuthCookie(response).Should().BeNull();
    }

    [Fact]
    public async Task The_auth_cookie_is_http_only_and_same_site_lax()
    {
        using var client = app.CreateBrowserLikeClient();

        using var response = await AppFactory.PostLoginAsync(client, AgentEmail, DemoDataSeeder.Password);

        var cookie = AuthCookie(response);
        cookie.Should().NotBeNull("a successful sign-in sets the auth cookie");
        cookie!.HttpOnly.Should().BeTrue();
        cookie.SameSite.Should().Be(Microsoft.Net.Http.Headers.SameSiteMode.Lax);
    }

    private sealed record Route(string Template, string Method, string Path)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    /// <summary>
    /// Every @page component (by reflection) and every mapped endpoint, less static files, Blazor's own plumbing and
    /// public routes, with route parameters filled in.
    /// </summary>
    private async Task<List<Route>> ProtectedRoutesAsync()
    {
        var ticketId = await TicketIdAsync(1001);

        var pageTemplates = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<ComponentRouteAttribute>())
            .Select(a => (Template: a.Template, Method: HttpMethods.Get));

        var endpointTemplates = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
            .Where(e => !ServesFiles(e.RoutePattern))
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.TrimStart('/').StartsWith('_'))
            .Select(e => (Template: e.RoutePattern.RawText!, Method: PreferredMethod(e)));

        return pageTemplates.Concat(endpointTemplates)
            .Select(r => (Template: "/" + r.Template.TrimStart('/'), r.Method))
            .Where(r => !PublicRoutes.Contains(r.Template))
            // The API answers 401/403 rather than sending anyone to a login page (Features/Api tests hold it to that);
            // its document and reference page are public.
            .Where(r => !r.Template.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .Select(r => new Route(r.Template, r.Method, FillIn(r.Template, ticketId)))
            .OrderBy(r => r.Template, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The development fallback <c>{**path:file}</c> answers for file paths, not pages.</summary>
    private static bool ServesFiles(RoutePattern pattern) =>
        pattern.Parameters.Any(p => p.ParameterPolicies.Any(policy => policy.Content == "file"));

    private static string PreferredMethod(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        return methods is null || methods.Count == 0 || methods.Contains(HttpMethods.Get) ? HttpMethods.Get : methods[0];
    }

    private static string FillIn(string template, int id)
    {
        var pattern = RoutePatternFactory.Parse(template);
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => SampleValue(parameter, id),
            _ => "",
        })));
        return "/" + string.Join("/", segments);
    }

    private static string SampleValue(RoutePatternParameterPart parameter, int id)
    {
        var constraints = parameter.ParameterPolicies.Select(p => p.Content?.ToLowerInvariant()).ToList();
        return constraints switch
        {
            _ when constraints.Contains("guid") => Guid.Empty.ToString(),
            _ when constraints.Contains("bool") => "true",
            _ when constraints.Contains("datetime") => "2026-03-16",
            _ when constraints.Contains("decimal") || constraints.Contains("double") || constraints.Contains("float") => "1.5",
            // int, long and unconstrained parameters: a real ticket id gives the page something to show.
            _ => id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static bool IsCustomerPortal(string template) =>
        template.Equals(CustomerPortalPrefix, StringComparison.OrdinalIgnoreCase)
        || template.StartsWith(CustomerPortalPrefix + "/", StringComparison.OrdinalIgnoreCase);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, Route route) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), route.Path));

    private static string? RedirectPath(HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? (location.IsAbsoluteUri ? location : new Uri(new Uri("http://localhost"), location)).AbsolutePath
            : null;

    private static SetCookieHeaderValue? AuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues(HeaderNames.SetCookie, out var values)
            ? SetCookieHeaderValue.ParseList(values.ToList()).FirstOrDefault(c => c.Name == "BlazorTickets.Auth")
            : null;

    private static async Task<string?> LoginErrorAsync(HttpResponseMessage response)
    {
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        return document.QuerySelector("[data-testid=login-error]")?.TextContent.Trim();
    }

    private async Task<int> TicketIdAsync(int number)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.Id).SingleAsync();
    }

    private async Task CreateUserAsync(string email, string password)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var result = await users.CreateAsync(new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Lockout Test" }, password);
        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}

public sealed class AuthorizationSqliteTests(AppFactory app) : AuthorizationTests(app), IClassFixture<AppFactory>;

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class AuthorizationPostgresTests(PostgresAppFactory app) : AuthorizationTests(app), IClassFixture<PostgresAppFactory>;
