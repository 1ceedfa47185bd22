using System.Net;
using AngleSharp.Html.Parser;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Features.Replies;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>
/// Staff must not be able to become a customer: reset links go only to the customer's address, invitation links
/// only to administrators; "forgot password" is rate-limited and leaves a pending invitation alone.
/// </summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class AccessLinkPolicyTests : IAsyncLifetime
{
    private static readonly Uri Site = new("http://portal.test/");
    private TestServices app = null!;
    private TestSmtpServer smtp = null!;
    private PortalCustomer max = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        app = await TestServices.CreateAsync(seedDemoData: true);
        max = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.MaxEmail);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
    }

    private PortalAccessService Access => app.Get<IServiceScopeFactory>().CreateScope().ServiceProvider.GetRequiredService<PortalAccessService>();

    [Theory]
    [InlineData(LinkViewer.Staff)]
    [InlineData(LinkViewer.Admin)]
    public async Task A_reset_link_goes_to_the_customer_by_mail_and_never_back_to_staff(LinkViewer viewer)
    {
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);

        var result = await Access.CreateResetLinkAsync(max.CustomerId, max.UserId, "Bill Billing", Site, viewer);

        var created = result.Should().BeOfType<AccessLinkResult.Created>().Subject;
        created.Token.Should().BeNull("whoever sees the link can sign in as the customer");
        created.Mailed.Should().BeTrue();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<OutboxMail>().CountAsync()).Should().Be(1);
        (await Access.GetCustomerAccessAsync(max.CustomerId))!.Logins.Single(l => l.UserId == max.UserId)
            .OpenLinks.Should().ContainSingle().Which.CreatedBy.Should().Be("Bill Billing");
    }

    [Fact]
    public async Task Without_outgoing_mail_no_reset_link_is_created_and_the_answer_says_so()
    {
        var result = await Access.CreateResetLinkAsync(max.CustomerId, max.UserId, "Bill Billing", Site, LinkViewer.Staff);

        result.Should().BeOfType<AccessLinkResult.Invalid>().Which.Errors.Should().BeEquivalentTo(FieldErrors.OfForm(PortalAccessService.CannotMail));
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<PortalAccessLink>().CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task An_admin_sees_the_invitation_link_of_a_login_that_never_signed_in_other_staff_do_not()
    {
        var byStaff = await Access.InviteAsync(max.CustomerId, "new.login@fabrikam.example", "New Login", "Anna Agent", Site, LinkViewer.Staff);
        byStaff.Should().BeOfType<AccessLinkResult.Invalid>("without mail the invitation could only be shown, and Anna may not see it");

        var byAdmin = await Access.InviteAsync(max.CustomerId, "new.login@fabrikam.example", "New Login", "Alex Admin", Site, LinkViewer.Admin);

        var created = byAdmin.Should().BeOfType<AccessLinkResult.Created>().Subject;
        created.Token.Should().NotBeNullOrEmpty();
        (await Access.CheckLinkAsync(created.Token)).Should().BeOfType<LinkCheck.Valid>();
        var login = (await Access.GetCustomerAccessAsync(max.CustomerId))!.Logins.Single(l => l.Email == "new.login@fabrikam.example");
        login.OpenLinks.Should().ContainSingle().Which.CreatedBy.Should().Be("Alex Admin");

        var again = await Access.CreateResetLinkAsync(max.CustomerId, login.UserId, "Anna Agent", Site, LinkViewer.Staff);
        again.Should().BeOfType<AccessLinkResult.Invalid>();
        (await Access.CheckLinkAsync(created.Token)).Should().BeOfType<LinkCheck.Valid>("a refused request withdraws nothing");
    }

    [Fact]
    public async Task Staff_invite_only_an_address_the_customer_already_has_an_admin_may_invite_a_new_one()
    {
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            db.Set<CustomerEmail>().Add(new CustomerEmail { CustomerId = max.CustomerId, TenantId = tenantId, Address = "office@fabrikam.example" });
            await db.SaveChangesAsync();
        }

        var ownAddress = await Access.InviteAsync(max.CustomerId, "anna.agent@gmail.example", "Max", "Anna Agent", Site, LinkViewer.Staff);
        var knownAddress = await Access.InviteAsync(max.CustomerId, "Office@Fabrikam.example", "Office", "Anna Agent", Site, LinkViewer.Staff);
        var byAdmin = await Access.InviteAsync(max.CustomerId, "new.login@fabrikam.example", "New Login", "Alex Admin", Site, LinkViewer.Admin);

        ownAddress.Should().BeOfType<AccessLinkResult.Invalid>().Which.Errors
            .Should().BeEquivalentTo(FieldErrors.Of(PortalAccessService.EmailField, PortalAccessService.UnknownAddress));
        var mailed = knownAddress.Should().BeOfType<AccessLinkResult.Created>().Subject;
        mailed.Mailed.Should().BeTrue();
        mailed.Token.Should().BeNull("staff never see a link that signs in as the customer");
        byAdmin.Should().BeOfType<AccessLinkResult.Created>();
        var logins = (await Access.GetCustomerAccessAsync(max.CustomerId))!.Logins.Select(l => l.Email).ToList();
        logins.Should().NotContain("anna.agent@gmail.example");
    }

    [Fact]
    public async Task Forgot_password_leaves_a_pending_invitation_working()
    {
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
        var invitation = (AccessLinkResult.Created)await Access.InviteAsync(max.CustomerId, "pending@fabrikam.example", "Pending", "Alex Admin", Site, LinkViewer.Admin);

        await Access.RequestPasswordResetAsync("pending@fabrikam.example", Site);

        (await Access.CheckLinkAsync(invitation.Token)).Should().BeOfType<LinkCheck.Valid>();
    }

    [Fact]
    public void The_throttle_allows_a_few_requests_per_address_and_more_per_client()
    {
        using var throttle = new PasswordResetThrottle();

        var sameAddress = Enumerable.Range(0, 15).Count(_ => throttle.TryAcquire("max@fabrikam.example", "10.0.0.1"));
        var manyAddresses = Enumerable.Range(0, 30).Count(i => throttle.TryAcquire($"user{i}@example.org", "10.0.0.2"));
        var otherClientSameAddress = throttle.TryAcquire("MAX@fabrikam.example ", "10.0.0.3");

        sameAddress.Should().Be(PasswordResetThrottle.PerAddress);
        manyAddresses.Should().Be(PasswordResetThrottle.PerClient);
        otherClientSameAddress.Should().BeFalse("the address's own limit holds whichever client asks");
    }
}

/// <summary>The real forgot-password form over HTTP: many requests for one address queue only a few mails.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class ForgotPasswordFloodTests : IAsyncLifetime
{
    private readonly AppFactory app = new();
    private TestSmtpServer smtp = null!;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        await app.Services.GetRequiredService<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task Fifteen_requests_for_one_customer_queue_at_most_the_limit_and_all_get_the_same_answer()
    {
        using var client = app.CreateBrowserLikeClient();

        for (var i = 0; i < 15; i++)
        {
            var html = await client.GetStringAsync(PortalAccessService.ForgotPasswordPath);
            var form = new HtmlParser().ParseDocument(html).QuerySelectorAll("form input[type=hidden]")
                .ToDictionary(x => x.GetAttribute("name")!, x => x.GetAttribute("value") ?? "");
            form["Input.Email"] = PortalTestData.MaxEmail;
            using var response = await client.PostAsync(PortalAccessService.ForgotPasswordPath, new FormUrlEncodedContent(form));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().Contain("data-testid=\"reset-requested\"", $"request {i + 1} gets the neutral answer");
        }

        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<OutboxMail>().CountAsync()).Should().Be(PasswordResetThrottle.PerAddress);
    }
}
