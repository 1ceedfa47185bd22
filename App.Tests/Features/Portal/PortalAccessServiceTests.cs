using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>Invitations, reset links and setting a password from them. Every test uses its own customer of the demo data.</summary>
public sealed class PortalAccessServiceTests(SeededDatabaseFixture fixture) : IClassFixture<SeededDatabaseFixture>
{
    private const string StrongPassword = "Portal-Test-2026";
    private readonly TestServices app = fixture.Services;

    private PortalAccessService Access() => new(
        app.DbFactory, app.Get<IServiceScopeFactory>(), app.Get<BlazorTickets.Features.Replies.IMailOutbox>(), app.Get<Microsoft.Extensions.Localization.IStringLocalizer<BlazorTickets.Features.Localization.SharedResource>>(), app.Get<TimeProvider>());

    private FixedTimeProvider Clock => (FixedTimeProvider)app.Get<TimeProvider>();

    private async Task<int> CustomerIdAsync(string customerNumber)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Customer>().Where(c => c.CustomerNumber == customerNumber).Select(c => c.Id).SingleAsync();
    }

    private async Task<AppUser?> UserAsync(string email)
    {
        await using var scope = app.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
    }

    private async Task<bool> PasswordWorksAsync(string email, string password)
    {
        await using var scope = app.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email);
        return user is not null && await users.CheckPasswordAsync(user, password);
    }

    [Fact]
    public async Task An_invitation_creates_a_login_without_password_whose_link_sets_the_password_once()
    {
        var customerId = await CustomerIdAsync("C-1003");
        var access = Access();

        var invited = await access.InviteAsync(customerId, " jonas@becker-bau.example ", "Jonas Becker", "Anna Agent");

        var link = invited.Should().BeOfType<AccessLinkResult.Created>().Subject;
        link.Purpose.Should().Be(PortalLinkPurpose.Invitation);
        link.ExpiresAt.Should().Be(Clock.Now.UtcDateTime + PortalAccessService.InvitationLifetime);
        var user = await UserAsync("jonas@becker-bau.example");
        user!.CustomerId.Should().Be(customerId);
        user.DisplayName.Should().Be("Jonas Becker");
        user.PasswordHash.Should().BeNull("the customer chooses the password");
        (await access.CheckLinkAsync(link.Token)).Should().BeEquivalentTo(
            new LinkCheck.Valid("jonas@becker-bau.example", "Jonas Becker", PortalLinkPurpose.Invitation, link.ExpiresAt));

        var set = await access.SetPasswordAsync(link.Token, StrongPassword);

        set.Should().BeEquivalentTo(new SetPasswordResult.Done(user.Id));
        (await PasswordWorksAsync("jonas@becker-bau.example", StrongPassword)).Should().BeTrue();
        (await UserAsync("jonas@becker-bau.example"))!.EmailConfirmed.Should().BeTrue();
        (await access.CheckLinkAsync(link.Token)).Should().BeEquivalentTo(new LinkCheck.Unusable(LinkState.Used));
        (await access.SetPasswordAsync(link.Token, "Another-Pass-2026")).Should().BeEquivalentTo(new SetPasswordResult.Unusable(LinkState.Used));
        (await PasswordWorksAsync("jonas@becker-bau.example", StrongPassword)).Should().BeTrue("a used link changes nothing");
    }

    [Fact]
    public async Task Only_a_hash_of_the_token_is_stored()
    {
        var customerId = await CustomerIdAsync("C-1004");

        var link = (AccessLinkResult.Created)await Access().InviteAsync(customerId, "sofia@rossi-design.example", "Sofia Rossi", "Anna Agent");

        await using var db = await app.DbFactory.CreateDbContextAsync();
        var stored = await db.Set<PortalAccessLink>().Where(l => l.CustomerId == customerId).SingleAsync();
        stored.TokenHash.Should().NotContain(link.Token).And.HaveLength(64);
        stored.CreatedBy.Should().Be("Anna Agent");
    }

    [Fact]
    public async Task An_expired_link_sets_no_password()
    {
        var customerId = await CustomerIdAsync("C-1005");
        var access = Access();
        var link = (AccessLinkResult.Created)await access.InviteAsync(customerId, "liam.obrien@tailspin.example", "Liam O'Brien", "Anna Agent");
        var start = Clock.Now;

        try
        {
            Clock.Now = start + PortalAccessService.InvitationLifetime;
            (await access.CheckLinkAsync(link.Token)).Should().BeEquivalentTo(new LinkCheck.Unusable(LinkState.Expired));
            (await access.SetPasswordAsync(link.Token, StrongPassword)).Should().BeEquivalentTo(new SetPasswordResult.Unusable(LinkState.Expired));
        }
        finally
        {
            Clock.Now = start;
        }
        (await UserAsync("liam.obrien@tailspin.example"))!.PasswordHash.Should().BeNull();
    }

    [Fact]
    public async Task A_weak_password_is_refused_with_every_reason_and_the_link_stays_usable()
    {
        var customerId = await CustomerIdAsync("C-1006");
        var access = Access();
        var link = (AccessLinkResult.Created)await access.InviteAsync(customerId, "mia@schneider-partner.example", "Mia Schneider", "Anna Agent");

        var weak = await access.SetPasswordAsync(link.Token, "short");

        // Identity's messages come worded by AppIdentityErrorDescriber, all under the password field.
        weak.Should().BeOfType<SetPasswordResult.Invalid>().Which.Errors.Should().BeEquivalentTo(new FieldErrors()
            .Add(PortalAccessService.PasswordField, "The password must have at least 8 characters.")
            .Add(PortalAccessService.PasswordField, PortalAccessService.PasswordRequiresDigit)
            .Add(PortalAccessService.PasswordField, PortalAccessService.PasswordRequiresUpper));
        (await access.CheckLinkAsync(link.Token)).Should().BeOfType<LinkCheck.Valid>();
        (await access.SetPasswordAsync(link.Token, StrongPassword)).Should().BeOfType<SetPasswordResult.Done>();
    }

    [Fact]
    public async Task An_unknown_or_mangled_token_is_not_valid()
    {
        var access = Access();

        (await access.CheckLinkAsync(null)).Should().BeEquivalentTo(new LinkCheck.Unusable(LinkState.Unknown));
        (await access.CheckLinkAsync("not-a-token")).Should().BeEquivalentTo(new LinkCheck.Unusable(LinkState.Unknown));
        (await access.CheckLinkAsync(new string('a', 5000))).Should().BeEquivalentTo(new LinkCheck.Unusable(LinkState.Unknown));
        (await access.SetPasswordAsync("not-a-token", StrongPassword)).Should().BeEquivalentTo(new SetPasswordResult.Unusable(LinkState.Unknown));
    }

    [Fact]
    public async Task Invitations_refuse_bad_input_and_addresses_of_other_logins()
    {
        var customerId = await CustomerIdAsync("C-1007");
        var access = Access();

        // Field → message formats, so each failure is checked on the field the form shows it at.
        async Task<Dictionary<string, string>> Problems(string email, string name) =>
            (await access.InviteAsync(customerId, email, name, "Anna Agent")).Should().BeOfType<AccessLinkResult.Invalid>()
                .Which.Errors.ToDictionary(e => e.Key, e => string.Join(" ", e.Value.Select(m => m.Format)));
        const string Email = PortalAccessService.EmailField;
        const string Name = PortalAccessService.DisplayNameField;

        (await Problems("", "")).Should().Equal(new Dictionary<string, string> { [Email] = PortalAccessService.EmailMissing, [Name] = PortalAccessService.NameMissing });
        (await Problems("no-at-sign", "Noah")).Should().Equal(new Dictionary<string, string> { [Email] = PortalAccessService.EmailInvalid });
        (await Problems("noah@fischer-it.example", new string('n', 201))).Should().Equal(new Dictionary<string, string> { [Name] = PortalAccessService.NameTooLong });
        (await Problems("anna@contoso.example", "Anna")).Should().Equal(new Dictionary<string, string> { [Email] = PortalAccessService.EmailTaken }, "a staff login is never turned into a customer login");
        (await Problems(PortalTestData.MaxEmail, "Max")).Should().Equal(new Dictionary<string, string> { [Email] = PortalAccessService.EmailTaken }, "another customer's login stays theirs");
        // Identity refuses the user name; the describer's wording has the name filled in.
        (await Problems("nöah@fischer-it.example", "Noah")).Should().Equal(new Dictionary<string, string>
        {
            [Email] = "“nöah@fischer-it.example” cannot be used to sign in: use only letters a-z, digits and the characters - . _ @ +.",
        });
        (await access.InviteAsync(int.MaxValue, "noah@fischer-it.example", "Noah", "Anna Agent")).Should().BeOfType<AccessLinkResult.NotFound>();
        (await UserAsync("anna@contoso.example"))!.CustomerId.Should().BeNull();
    }

    [Fact]
    public async Task A_login_that_has_a_password_gets_a_reset_link_not_a_second_invitation()
    {
        var customerId = await CustomerIdAsync("C-1008");
        var access = Access();
        var first = (AccessLinkResult.Created)await access.InviteAsync(customerId, "emma.weber@weber-logistik.example", "Emma Weber", "Anna Agent");
        await access.SetPasswordAsync(first.Token, StrongPassword);

        var again = await access.InviteAsync(customerId, "emma.weber@weber-logistik.example", "Emma Weber", "Anna Agent");
        var user = await UserAsync("emma.weber@weber-logistik.example");
        var reset = await access.CreateResetLinkAsync(customerId, user!.Id, "Ben Berger");

        again.Should().BeOfType<AccessLinkResult.Invalid>().Which.Errors.Should().BeEquivalentTo(FieldErrors.Of(PortalAccessService.EmailField, PortalAccessService.AlreadyActive));
        var link = reset.Should().BeOfType<AccessLinkResult.Created>().Subject;
        link.Purpose.Should().Be(PortalLinkPurpose.PasswordReset);
        link.ExpiresAt.Should().Be(Clock.Now.UtcDateTime + PortalAccessService.ResetLifetime);
        (await access.SetPasswordAsync(link.Token, "Brand-New-2026")).Should().BeOfType<SetPasswordResult.Done>();
        (await PasswordWorksAsync("emma.weber@weber-logistik.example", "Brand-New-2026")).Should().BeTrue();
        (await PasswordWorksAsync("emma.weber@weber-logistik.example", StrongPassword)).Should().BeFalse();
    }

    [Fact]
    public async Task A_new_link_withdraws_the_older_one_and_links_can_be_withdrawn_by_hand()
    {
        var customerId = await CustomerIdAsync("C-1009");
        var access = Access();
        var first = (AccessLinkResult.Created)await access.InviteAsync(customerId, "l.wagner@wagner-auto.example", "Lukas Wagner", "Anna Agent");

        var second = (AccessLinkResult.Created)await access.InviteAsync(customerId, "l.wagner@wagner-auto.example", "Lukas Wagner", "Anna Agent");

        (await access.CheckLinkAsync(first.Token)).Should().BeEquivalentTo(new LinkCheck.Unusable(LinkState.Revoked));
        (await access.CheckLinkAsync(second.Token)).Should().BeOfType<LinkCheck.Valid>();
        var open = (await access.GetCustomerAccessAsync(customerId))!.Logins.Single().OpenLinks.Single();
        (await access.RevokeLinkAsync(await CustomerIdAsync("C-1010"), open.Id)).Should().BeFalse("a link is withdrawn only through its own customer");
        (await access.RevokeLinkAsync(customerId, open.Id)).Should().BeTrue();
        (await access.CheckLinkAsync(second.Token)).Should().BeEquivalentTo(new LinkCheck.Unusable(LinkState.Revoked));
        (await access.GetCustomerAccessAsync(customerId))!.Logins.Single().OpenLinks.Should().BeEmpty();
    }

    [Fact]
    public async Task A_reset_link_is_made_only_for_a_login_of_that_customer()
    {
        var max = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.MaxEmail);
        var erika = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.ErikaEmail);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var anna = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();

        (await Access().CreateResetLinkAsync(erika.CustomerId, max.UserId, "Anna Agent")).Should().BeOfType<AccessLinkResult.NotFound>();
        (await Access().CreateResetLinkAsync(max.CustomerId, anna, "Anna Agent")).Should().BeOfType<AccessLinkResult.NotFound>();
    }

    [Fact]
    public async Task A_forgotten_password_request_is_noted_for_customer_logins_only_and_cleared_by_a_reset_link()
    {
        var erika = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.ErikaEmail);
        var access = Access();

        await access.RequestPasswordResetAsync("  ERIKA.MUSTER@northwind.example ");
        await access.RequestPasswordResetAsync("erika.muster@northwind.example");
        await access.RequestPasswordResetAsync("anna@contoso.example");
        await access.RequestPasswordResetAsync("nobody@nowhere.example");
        await access.RequestPasswordResetAsync("");

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<PortalPasswordResetRequest>().Select(r => r.UserId).ToListAsync()).Should().Equal(erika.UserId);
        }
        var login = (await access.GetCustomerAccessAsync(erika.CustomerId))!.Logins.Single(l => l.UserId == erika.UserId);
        login.ResetRequestedAt.Should().Be(Clock.Now.UtcDateTime);

        await access.CreateResetLinkAsync(erika.CustomerId, erika.UserId, "Anna Agent");

        (await access.GetCustomerAccessAsync(erika.CustomerId))!.Logins.Single(l => l.UserId == erika.UserId).ResetRequestedAt.Should().BeNull();
    }

    [Fact]
    public async Task Setting_the_password_from_a_link_lifts_a_lockout()
    {
        var customerId = await CustomerIdAsync("C-1011");
        var access = Access();
        var invitation = (AccessLinkResult.Created)await access.InviteAsync(customerId, "paul@schaefer-baeckerei.example", "Paul Schäfer", "Anna Agent");
        await access.SetPasswordAsync(invitation.Token, StrongPassword);
        await using (var scope = app.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByEmailAsync("paul@schaefer-baeckerei.example");
            for (var i = 0; i < 5; i++)
            {
                await users.AccessFailedAsync(user!);
            }
            (await users.IsLockedOutAsync(user!)).Should().BeTrue("five failures lock the login");
        }
        var locked = (await access.GetCustomerAccessAsync(customerId))!.Logins.Single();
        locked.LockedUntil.Should().NotBeNull("staff see the lockout");

        var reset = (AccessLinkResult.Created)await access.CreateResetLinkAsync(customerId, locked.UserId, "Anna Agent");
        await access.SetPasswordAsync(reset.Token, "After-Lockout-2026");

        await using var check = app.CreateScope();
        var manager = check.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var unlocked = await manager.FindByEmailAsync("paul@schaefer-baeckerei.example");
        (await manager.IsLockedOutAsync(unlocked!)).Should().BeFalse();
        unlocked!.AccessFailedCount.Should().Be(0);
    }
}
