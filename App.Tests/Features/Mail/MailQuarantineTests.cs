using System.Net;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Mail;

public sealed class MailQuarantineTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static readonly byte[] Unparsable = "this is not a mail at all\r\n"u8.ToArray();

    private async Task<int> QuarantineOneAsync(uint uid)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        var importer = app.Services.GetRequiredService<MailImporter>();
        var raw = Unparsable.Concat(BitConverter.GetBytes(uid)).ToArray();
        var result = await importer.QuarantineAsync(tenantId, raw, new MailPosition("INBOX", 1, uid), "Test reason", null, CancellationToken.None);
        result.Outcome.Should().Be(ImportOutcome.Quarantined);
        return await db.Set<QuarantinedMail>().Where(q => q.Uid == uid).Select(q => q.Id).SingleAsync();
    }

    [Fact]
    public async Task An_admin_downloads_a_quarantined_message_as_eml_and_others_cannot()
    {
        var id = await QuarantineOneAsync(101);
        using var admin = await app.SignedInClientAsync("admin@contoso.example", DemoDataSeeder.Password);
        using var agent = await app.SignedInClientAsync("anna@contoso.example", DemoDataSeeder.Password);

        var download = await admin.GetAsync($"/admin/mail/quarantine/{id}/eml");
        var refused = await agent.GetAsync($"/admin/mail/quarantine/{id}/eml");
        var missing = await admin.GetAsync("/admin/mail/quarantine/999999/eml");

        download.StatusCode.Should().Be(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.Should().Be("message/rfc822");
        download.Content.Headers.ContentDisposition!.FileName.Should().Contain($"quarantine-{id}.eml");
        (await download.Content.ReadAsByteArrayAsync()).Should().StartWith(Unparsable);
        refused.StatusCode.Should().NotBe(HttpStatusCode.OK);
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Discarding_removes_the_entry_but_keeps_the_receipt_so_it_is_never_fetched_again()
    {
        var id = await QuarantineOneAsync(102);
        var quarantine = app.Services.GetRequiredService<MailQuarantineService>();

        (await quarantine.DiscardAsync(id)).Should().BeTrue();

        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<QuarantinedMail>().AnyAsync(q => q.Id == id)).Should().BeFalse();
        (await db.Set<ImportedMail>().AnyAsync(m => m.Uid == 102 && m.Folder == "INBOX" && m.UidValidity == 1)).Should().BeTrue();
    }

    [Fact]
    public async Task Retrying_a_complete_message_imports_it_into_a_ticket_in_place_of_its_quarantine_entry()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        var raw = "From: Lea Koch <lea.koch@koch-consulting.example>\r\nTo: support@contoso.example\r\nSubject: Kept in quarantine\r\nMessage-ID: <retry-1@koch.example>\r\n\r\nPlease help.\r\n"u8.ToArray();
        var importer = app.Services.GetRequiredService<MailImporter>();
        await importer.QuarantineAsync(tenantId, raw, new MailPosition("INBOX", 1, 104), "The database refused the message: disk full", null, CancellationToken.None);
        var id = await db.Set<QuarantinedMail>().Where(q => q.Uid == 104).Select(q => q.Id).SingleAsync();

        var (ok, message) = await app.Services.GetRequiredService<MailQuarantineService>().RetryAsync(id);

        ok.Should().BeTrue(message);
        message.Should().StartWith("Imported into ticket");
        (await db.Set<QuarantinedMail>().AnyAsync(q => q.Id == id)).Should().BeFalse();
        var receipt = await db.Set<ImportedMail>().Include(m => m.TicketMessage).SingleAsync(m => m.MessageKey == "retry-1@koch.example");
        receipt.TicketMessage!.Subject.Should().Be("Kept in quarantine");
        receipt.QuarantinedMailId.Should().BeNull();
    }
}
