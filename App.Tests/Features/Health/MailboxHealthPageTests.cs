using System.Net;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Health;

/// <summary>The mailbox health page as the server renders it, and who may open it.</summary>
public sealed class MailboxHealthPageTests : IAsyncLifetime
{
    private readonly AppFactory app = new();

    public async Task InitializeAsync()
    {
        _ = app.Server;
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        db.Add(new Mailbox
        {
            TenantId = tenantId, Name = "Billing desk", Address = "billing@contoso.example", Host = "imap.contoso.example", UserName = "billing",
            PushEnabled = false, LastRunAt = DateTime.UtcNow, FailingSince = DateTime.UtcNow.AddMinutes(-20), LastRunError = "imap.contoso.example:993 refused the connection.",
            OldestUnfetchedUid = 4711,
        });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Admins_see_every_mailbox_with_its_state_and_others_are_refused()
    {
        using var admin = await app.SignedInClientAsync("admin@contoso.example", DemoDataSeeder.Password);
        using var agent = await app.SignedInClientAsync("anna@contoso.example", DemoDataSeeder.Password);

        var page = await admin.GetStringAsync("/admin/mail/health");
        var refused = await agent.GetAsync("/admin/mail/health");
        var jobs = await admin.GetStringAsync("/system/interfaces/plugins/ticket-system");

        page.Should().Contain("Billing desk").And.Contain("billing@contoso.example").And.Contain("data-state=\"Failing\"")
            .And.Contain("refused the connection").And.Contain("4711").And.Contain(DemoDataSeeder.TenantName);
        refused.StatusCode.Should().Be(HttpStatusCode.Redirect);
        refused.Headers.Location!.AbsolutePath.Should().Be("/account/access-denied");
        jobs.Should().Contain("href=\"/admin/mail/health\"", "the jobs page links to the health page");
    }
}
