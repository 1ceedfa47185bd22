using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>Mail put into a running app's first tenant through its importer, as a fetch would: for browser tests that need fresh tickets.</summary>
public static class MailIntoApp
{
    private const string Folder = "TEST";
    private const uint UidValidity = 11;
    private static int lastUid;

    /// <summary>Imports a mail and returns the ticket it opened or joined, and the mail's Message-ID for replies to it.</summary>
    public static async Task<(int TicketId, string MessageId)> ImportAsync(
        this AppFactory app, string from, string subject, string body, string? inReplyTo = null, DateTimeOffset? date = null)
    {
        int tenantId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            tenantId = await db.Set<Tenant>().OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
            if (!await db.Set<MailFolderState>().AnyAsync(f => f.TenantId == tenantId && f.Folder == Folder))
            {
                db.Set<MailFolderState>().Add(new MailFolderState { TenantId = tenantId, Folder = Folder, UidValidity = UidValidity });
                await db.SaveChangesAsync();
            }
        }
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("customer.example");
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
        }
        message.Date = date ?? DateTimeOffset.UtcNow;
        message.Body = new TextPart("plain") { Text = body };
        using var memory = new MemoryStream();
        await message.WriteToAsync(memory);
        var uid = (uint)Interlocked.Increment(ref lastUid);
        var result = await app.Services.GetRequiredService<MailImporter>().ImportAsync(tenantId, memory.ToArray(), new MailPosition(Folder, UidValidity, uid));
        return (result.TicketId ?? throw new InvalidOperationException($"The mail was not imported: {result}"), message.MessageId);
    }
}
