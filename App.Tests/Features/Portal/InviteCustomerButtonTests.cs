using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Portal.Components;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>The staff's "Invite to extranet" component, signed in as an agent or an admin, over a seeded SQLite file without outgoing mail.</summary>
public sealed class InviteCustomerButtonTests : BlazorTicketsTestContext, IClassFixture<SeededDatabaseFixture>
{
    private readonly TestServices app;
    private PortalAccessService? access;

    public InviteCustomerButtonTests(SeededDatabaseFixture fixture) : base(fixture.Services)
    {
        app = fixture.Services;
    }

    public override async Task InitializeAsync() => await SignInAsAgentAsync();

    /// <summary>The circuit's own PortalAccessService, the one the component gets; resolve it after any sign-in change.</summary>
    private PortalAccessService Access => access ??= Services.GetRequiredService<PortalAccessService>();

    private static void Eventually<T>(IRenderedComponent<T> cut, Action assertion) where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.WaitForAssertion(assertion, TimeSpan.FromSeconds(30));

    private static string InputOf(string testId) => $"input[data-testid={testId}], [data-testid={testId}] input";

    private async Task<int> CustomerIdAsync(string number)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Customer>().Where(c => c.CustomerNumber == number).Select(c => c.Id).SingleAsync();
    }

    private void SignInAsAdmin() => AddAuthorization().SetRoles(BlazorTickets.Features.Users.Groups.Admins);

    [Fact]
    public async Task An_admin_creates_an_invitation_and_sees_the_link_to_copy_with_the_reason()
    {
        SignInAsAdmin();
        var customerId = await CustomerIdAsync("C-1016");
        var invited = 0;
        var cut = Render<InviteCustomerButton>(p => p.Add(x => x.CustomerId, customerId).Add(x => x.OnInvited, () => invited++));

        await cut.Find("[data-testid=invite-customer]").ClickAsync(new());
        Eventually(cut, () => cut.Find(InputOf("invite-email")).GetAttribute("value").Should().Be("lina@neumann-medien.example"));
        cut.Find(InputOf("invite-name")).GetAttribute("value").Should().Be("Lina Neumann");
        await cut.Find("[data-testid=create-invitation]").ClickAsync(new());

        Eventually(cut, () => cut.Find("[data-testid=access-link-box]").TextContent.Should().Contain("Mails cannot be sent yet"));
        var url = cut.Find(InputOf("access-link")).GetAttribute("value")!;
        url.Should().StartWith("http://localhost/account/set-password?token=");
        var token = Uri.UnescapeDataString(url[(url.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
        (await Access.CheckLinkAsync(token)).Should().BeOfType<LinkCheck.Valid>().Which.Email.Should().Be("lina@neumann-medien.example");
        invited.Should().Be(1);
    }

    [Fact]
    public async Task Shows_why_an_address_cannot_be_invited_and_keeps_what_was_typed()
    {
        SignInAsAdmin();
        var customerId = await CustomerIdAsync("C-1017");
        var cut = Render<InviteCustomerButton>(p => p.Add(x => x.CustomerId, customerId));

        await cut.Find("[data-testid=invite-customer]").ClickAsync(new());
        Eventually(cut, () => cut.Find("[data-testid=create-invitation]"));
        cut.Find(InputOf("invite-email")).Change("anna@contoso.example");
        await cut.Find("[data-testid=create-invitation]").ClickAsync(new());

        // The reason shows on the email input, not on the name input and not as a form-level alert.
        Eventually(cut, () => cut.FieldErrorText("invite-email").Should().Be(PortalAccessService.EmailTaken));
        cut.FieldErrorText("invite-name").Should().BeNull();
        cut.FindAll("[data-testid=invite-error]").Should().BeEmpty();
        cut.Find(InputOf("invite-email")).GetAttribute("value").Should().Be("anna@contoso.example");
        cut.FindAll("[data-testid=access-link-box]").Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_name_shows_on_the_name_input_and_leaves_the_email_input_alone()
    {
        SignInAsAdmin();
        var customerId = await CustomerIdAsync("C-1017");
        var cut = Render<InviteCustomerButton>(p => p.Add(x => x.CustomerId, customerId));

        await cut.Find("[data-testid=invite-customer]").ClickAsync(new());
        Eventually(cut, () => cut.Find("[data-testid=create-invitation]"));
        cut.Find(InputOf("invite-email")).Change("new.login@fabrikam.example");
        cut.Find(InputOf("invite-name")).Change(" ");
        await cut.Find("[data-testid=create-invitation]").ClickAsync(new());

        Eventually(cut, () => cut.FieldErrorText("invite-name").Should().Be(PortalAccessService.NameMissing));
        cut.FieldErrorText("invite-email").Should().BeNull();
        cut.FindAll("[data-testid=access-link-box]").Should().BeEmpty();
    }

    [Fact]
    public async Task An_agent_gets_no_invitation_link_and_is_told_that_mail_cannot_be_sent()
    {
        var customerId = await CustomerIdAsync("C-1018");
        var cut = Render<InviteCustomerButton>(p => p.Add(x => x.CustomerId, customerId));

        await cut.Find("[data-testid=invite-customer]").ClickAsync(new());
        Eventually(cut, () => cut.Find("[data-testid=create-invitation]"));
        await cut.Find("[data-testid=create-invitation]").ClickAsync(new());

        Eventually(cut, () => cut.Find("[data-testid=invite-error]").TextContent.Should().Be(PortalAccessService.CannotMail));
        cut.FindAll("[data-testid=access-link-box]").Should().BeEmpty();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Users.AnyAsync(u => u.CustomerId == customerId)).Should().BeFalse("nothing is created that nobody may see");
    }
}
