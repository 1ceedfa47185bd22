using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Account;

/// <summary>
/// A Production start over the shipped appsettings.json: no demo data, no known password, and a one-time link in
/// the log to create the first administrator.
/// </summary>
public sealed class FirstAdminSetupTests
{
    private static AppFactory ProductionApp() => new() { Environment = "Production", SeedDemoData = null };

    [Fact]
    public async Task A_production_start_seeds_no_demo_data_and_the_demo_admin_cannot_sign_in()
    {
        await using var app = ProductionApp();
        using var client = app.CreateBrowserLikeClient();

        using var response = await AppFactory.PostLoginAsync(client, "admin@contoso.example", DemoDataSeeder.Password);

        response.StatusCode.Should().NotBe(HttpStatusCode.Redirect, "the published demo password must not open a production install");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Users.CountAsync()).Should().Be(0);
        (await db.Set<Tenant>().CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task The_logged_setup_link_creates_the_first_admin_once()
    {
        await using var app = ProductionApp();
        using var client = app.CreateBrowserLikeClient();
        var link = SetupLink(app);

        using var created = await PostSetupAsync(client, link, "chief@example.com", "Chief Admin", "Chief-2026-pass");

        var html = await created.Content.ReadAsStringAsync();
        html.Should().Contain("data-testid=\"setup-done\"");
        using (var admin = await app.SignedInClientAsync("chief@example.com", "Chief-2026-pass"))
        using (var groups = await admin.GetAsync("/admin/groups"))
        {
            groups.StatusCode.Should().Be(HttpStatusCode.OK, "the new user is an administrator");
        }
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<UserGroup>().Select(g => g.Name).ToListAsync()).Should().BeEquivalentTo(Groups.Staff);
        }

        using var again = await client.GetAsync(link);
        (await again.Content.ReadAsStringAsync()).Should().Contain("data-testid=\"setup-unusable\"").And.NotContain("create-admin");
    }

    [Fact]
    public async Task A_wrong_token_shows_no_form()
    {
        await using var app = ProductionApp();
        using var client = app.CreateBrowserLikeClient();
        _ = SetupLink(app);

        using var wrong = await client.GetAsync(FirstAdminSetup.LinkPath("not-the-token"));

        var html = await wrong.Content.ReadAsStringAsync();
        html.Should().Contain("data-testid=\"setup-unusable\"").And.NotContain("create-admin");
    }

    [Fact]
    public async Task An_expired_token_creates_nobody()
    {
        var clock = new FixedTimeProvider();
        await using var services = await TestServices.CreateAsync(clock: clock);
        var setup = services.Get<FirstAdminSetup>();
        var token = setup.Issue();
        (await setup.IsUsableAsync(token)).Should().BeTrue();

        clock.Now += FirstAdminSetup.Lifetime + TimeSpan.FromMinutes(1);
        var problems = await setup.CreateAdministratorAsync(token, "late@example.com", "Late Admin", "Late-2026-pass", "Late-2026-pass");

        problems.Should().BeEquivalentTo(FieldErrors.OfForm(FirstAdminSetup.LinkUnusable));
        await using var db = await services.DbFactory.CreateDbContextAsync();
        (await db.Users.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_token_works_once_and_only_while_no_administrator_exists()
    {
        await using var services = await TestServices.CreateAsync();
        var setup = services.Get<FirstAdminSetup>();
        var token = setup.Issue();

        (await setup.CreateAdministratorAsync(token, "first@example.com", "First", "First-2026-pass", "First-2026-pass")).IsEmpty.Should().BeTrue();
        (await setup.CreateAdministratorAsync(token, "second@example.com", "Second", "Second-2026-pass", "Second-2026-pass"))
            .Should().BeEquivalentTo(FieldErrors.OfForm(FirstAdminSetup.LinkUnusable));
        var fresh = setup.Issue();
        (await setup.IsUsableAsync(fresh)).Should().BeFalse("an administrator exists now");
    }

    [Fact]
    public async Task A_development_start_seeds_the_demo_and_offers_no_setup_link()
    {
        await using var app = new AppFactory { SeedDemoData = null };
        using var client = await app.SignedInClientAsync("admin@contoso.example", DemoDataSeeder.Password);

        app.Log.Lines.Should().NotContain(l => l.Contains(FirstAdminSetup.Path + "?token="));
    }

    private static string SetupLink(AppFactory app)
    {
        _ = app.Services;
        var line = app.Log.Lines.SingleOrDefault(l => l.Contains(FirstAdminSetup.Path + "?token="));
        line.Should().NotBeNull("a start without an administrator must log the setup link");
        return new Uri(Regex.Match(line!, @"https?://\S+").Value).PathAndQuery;
    }

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string link, string email, string name, string password) =>
        await PostFilledAsync(client, await SetupFormAsync(client, link), email, name, password);

    private static async Task<Dictionary<string, string>> SetupFormAsync(HttpClient client, string link)
    {
        var html = await client.GetStringAsync(link);
        var document = new HtmlParser().ParseDocument(html);
        var form = document.QuerySelectorAll("form input[type=hidden]")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        form.Should().ContainKey("Input.Token", $"the setup page must show its form:\n{html}");
        return form;
    }

    private static async Task<HttpResponseMessage> PostFilledAsync(HttpClient client, Dictionary<string, string> form, string email, string name, string password)
    {
        form["Input.Email"] = email;
        form["Input.DisplayName"] = name;
        form["Input.Password"] = password;
        form["Input.Confirmation"] = password;
        return await client.PostAsync(FirstAdminSetup.Path, new FormUrlEncodedContent(form));
    }
}
