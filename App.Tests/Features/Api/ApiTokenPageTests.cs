using System.Globalization;
using BlazorTickets.Features.Api.Pages;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Api;

public sealed class ApiTokenPageTests : IAsyncLifetime
{
    private AdminTestHost host = null!;

    public async Task InitializeAsync() => host = await AdminTestHost.StartAsync(seedDemoData: true);

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> Render<TPage>(BlazorTicketsTestContext context)
        where TPage : Microsoft.AspNetCore.Components.IComponent =>
        context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(1);
            builder.CloseComponent();
        });

    [Fact]
    public async Task An_agent_creates_a_token_sees_its_secret_once_and_revokes_it_in_german()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
        try
        {
            await using var context = new BlazorTicketsTestContext(host.App);
            var (userId, _) = await context.SignInAsAgentAsync();
            var page = Render<PersonalTokens>(context);

            page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("API-Tokens"));
            page.Find("[data-testid=api-tokens-empty]").TextContent.Should().Be("Noch keine Tokens.");
            page.Find("[data-testid=api-token-create]").Click();
            page.WaitForAssertion(() => page.Markup.Should().Contain("Geben Sie dem Token einen Namen"));

            page.Find("input[data-testid=api-token-name]").Change("Shop");
            page.Find("input[data-testid=api-token-scope-time-write]").Change(true);
            page.Find("[data-testid=api-token-create]").Click();

            page.WaitForAssertion(() => page.Find("[data-testid=api-token-secret]").TextContent.Should().StartWith(ApiTokenService.SecretStart));
            var secret = page.Find("[data-testid=api-token-secret]").TextContent;
            page.Find("[data-testid=api-token-created]").TextContent.Should().Contain("Es wird nicht noch einmal angezeigt.");
            var stored = (await host.Get<ApiTokenService>().ListOfUserAsync(userId)).Single();
            stored.Name.Should().Be("Shop");
            stored.Scopes.Should().Equal(ApiScopes.TicketsRead, ApiScopes.TimeWrite);
            (await host.Get<ApiTokenService>().AuthenticateAsync(secret)).Should().NotBeNull("the secret shown is the token's");
            page.Find("[data-testid=api-token-row]").TextContent.Should().Contain(stored.Prefix).And.Contain("Aktiv");

            page.Find("[data-testid=api-token-revoke]").Click();

            page.WaitForAssertion(() => page.Find("[data-testid=api-token-state]").TextContent.Should().Be("Widerrufen"));
            (await host.Get<ApiTokenService>().AuthenticateAsync(secret)).Should().BeNull();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public async Task An_admin_sees_every_users_tokens_and_revokes_one()
    {
        var tokens = host.Get<ApiTokenService>();
        await using var context = new BlazorTicketsTestContext(host.App);
        var (annaId, _) = await context.SignInAsAgentAsync();
        var (created, _) = await tokens.CreateAsync(annaId, new NewApiToken("ERP import", [ApiScopes.QuotesRead], null));
        await context.SignInAsUserAsync("admin@contoso.example", Groups.Admins);
        var page = Render<AdminApiTokens>(context);

        page.WaitForAssertion(() => page.FindAll("[data-testid=api-token-row]").Should().ContainSingle());
        page.Find("[data-testid=api-token-row]").TextContent.Should().Contain("Anna Agent").And.Contain("ERP import").And.Contain("quotes:read");

        page.Find("[data-testid=api-token-revoke]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=api-token-state]").TextContent.Should().Be("Revoked"));
        (await tokens.AuthenticateAsync(created!.Secret)).Should().BeNull();
    }
}
