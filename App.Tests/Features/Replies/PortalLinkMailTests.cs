using System.Text.RegularExpressions;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Tests.Features.Replies;

/// <summary>Extranet invitations and password resets go to the customer by mail through the outbox when the tenant can send.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed partial class PortalLinkMailTests : IAsyncLifetime
{
    private const string Email = "link.tester@example.org";
    private static readonly Uri Site = new("http://portal.test/");
    private TestServices app = null!;
    private TestSmtpServer smtp = null!;
    private int tenantId;
    private int customerId;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        app = await TestServices.CreateAsync(seedDemoData: true);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        var customer = new Customer
        {
            TenantId = tenantId,
            CustomerNumber = "T-LINK",
            Name = "Link Tester",
            Emails = [new CustomerEmail { TenantId = tenantId, Address = Email }],
        };
        db.Set<Customer>().Add(customer);
        await db.SaveChangesAsync();
        customerId = customer.Id;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
    }

    private PortalAccessService Access => new(
        app.DbFactory, app.Get<IServiceScopeFactory>(), app.Get<IMailOutbox>(), app.Get<Microsoft.Extensions.Localization.IStringLocalizer<BlazorTickets.Features.Localization.SharedResource>>(), app.Get<TimeProvider>());

    [GeneratedRegex(@"http://portal\.test/account/set-password\?token=(\S+)")]
    private static partial Regex LinkInMail();

    private async Task<string> TokenFromMailAsync(int mailNumber)
    {
        await app.Get<OutboxWorker>().ProcessDueAsync();
        var mail = (await smtp.WaitForAsync(mailNumber))[mailNumber - 1];
        mail.To.Mailboxes.Single().Address.Should().Be(Email);
        var match = LinkInMail().Match(mail.TextBody ?? "");
        match.Success.Should().BeTrue($"the mail should carry the link, but says: {mail.TextBody}");
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    [Fact]
    public async Task An_invitation_and_a_requested_reset_arrive_by_mail_with_links_that_work()
    {
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);

        var invited = await Access.InviteAsync(customerId, Email, "Link Tester", "Anna Agent", Site, LinkViewer.Admin);

        var created = invited.Should().BeOfType<AccessLinkResult.Created>().Subject;
        created.Mailed.Should().BeTrue();
        var invitationToken = await TokenFromMailAsync(1);
        invitationToken.Should().Be(created.Token, "the mail carries the same link staff can copy");
        (await Access.CheckLinkAsync(invitationToken)).Should().BeOfType<LinkCheck.Valid>().Which.Purpose.Should().Be(PortalLinkPurpose.Invitation);
        (await Access.SetPasswordAsync(invitationToken, "Portal-Test-2026")).Should().BeOfType<SetPasswordResult.Done>();

        await Access.RequestPasswordResetAsync(Email, Site);

        var resetToken = await TokenFromMailAsync(2);
        (await Access.CheckLinkAsync(resetToken)).Should().BeOfType<LinkCheck.Valid>().Which.Purpose.Should().Be(PortalLinkPurpose.PasswordReset);
        (await Access.SetPasswordAsync(resetToken, "Portal-Test-2027")).Should().BeOfType<SetPasswordResult.Done>();
        smtp.Received.Should().HaveCount(2);
    }

    [Fact]
    public async Task The_invitation_is_written_in_the_language_of_the_agent_who_sends_it()
    {
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
        var culture = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
        try
        {
            (await Access.InviteAsync(customerId, Email, "Link Tester", "Anna Agent", Site, LinkViewer.Admin)).Should().BeOfType<AccessLinkResult.Created>();
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = culture;
        }

        var token = await TokenFromMailAsync(1);
        var mail = smtp.Received.Single();
        mail.Subject.Should().StartWith("Ihr Zugang zum Kundenportal von ");
        mail.TextBody.Should().StartWith("Hallo Link Tester,").And.Contain("einmal verwendbar").And.Contain(Uri.EscapeDataString(token));
    }

    [Fact]
    public async Task Without_smtp_the_link_is_only_shown_and_a_reset_request_waits_for_staff()
    {
        var invited = await Access.InviteAsync(customerId, Email, "Link Tester", "Anna Agent", Site, LinkViewer.Admin);
        var created = invited.Should().BeOfType<AccessLinkResult.Created>().Subject;
        await Access.SetPasswordAsync(created.Token!, "Portal-Test-2026");

        await Access.RequestPasswordResetAsync(Email, Site);

        created.Mailed.Should().BeFalse();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<OutboxMail>().CountAsync()).Should().Be(0);
        (await db.Set<PortalPasswordResetRequest>().CountAsync()).Should().Be(1);
    }
}
