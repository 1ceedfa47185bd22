using BlazorTickets.Data;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Mail.Display;

/// <summary>Received mail put straight into the database, as the import would store it.</summary>
internal static class MailDisplayTestData
{
    /// <summary>A 1×1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00];
    public static readonly byte[] Gif = "GIF89a\u0001\u0000\u0001\u0000"u8.ToArray();
    public static readonly byte[] Webp = "RIFF\u001a\u0000\u0000\u0000WEBPVP8L"u8.ToArray();
    public static readonly byte[] Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.__xss=1\"><script>window.__xss=1</script></svg>"u8.ToArray();
    public static readonly byte[] Html = "<html><body><script>window.__xss=1</script></body></html>"u8.ToArray();
    public static readonly byte[] Pdf = "%PDF-1.4\n%\u00e2\u00e3\n"u8.ToArray();

    /// <summary>Adds an inbound message to a new ticket of the first tenant; returns the ticket id and the attachments' ids in order.</summary>
    public static async Task<(int TicketId, int[] AttachmentIds)> AddInboundMailAsync(
        IDbContextFactory<AppDbContext> dbFactory, string subject, string from, string? htmlBody, params Attachment[] attachments)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Tenant>().OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        var now = DateTime.UtcNow;
        var ticket = new Ticket
        {
            Number = (int)await db.NextAsync(Sequences.TicketNumber),
            Subject = subject,
            TenantId = tenantId,
            CreatedAt = now,
            UpdatedAt = now,
            LastMessageAt = now,
        };
        ticket.Messages.Add(new TicketMessage
        {
            Direction = MessageDirection.Inbound,
            From = from,
            To = "support@contoso.example",
            Subject = subject,
            Date = now,
            TextBody = "The text part of the mail.",
            HtmlBody = htmlBody,
            Attachments = [.. attachments],
        });
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync();
        return (ticket.Id, attachments.Select(a => a.Id).ToArray());
    }

    public static Attachment AttachmentOf(string fileName, string contentType, byte[] content, string? contentId = null) => new()
    {
        FileName = fileName,
        ContentType = contentType,
        Content = content,
        Size = content.Length,
        ContentId = contentId,
    };
}
