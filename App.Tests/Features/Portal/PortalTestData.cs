using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Portal;

/// <summary>The two demo customers with extranet logins, and helpers that plant data the portal must show or hide.</summary>
internal static class PortalTestData
{
    public const string MaxEmail = "max.mustermann@fabrikam.example";
    public const string ErikaEmail = "erika.muster@northwind.example";

    /// <summary>Text that must never reach a customer: planted in every internal place of a ticket.</summary>
    public sealed record Secrets(string InternalNote, string NoteMessage, string NoteAttachmentName, string TimeEntryNote, string HandlerSignature, string HandlerEmail)
    {
        public IEnumerable<string> All => [InternalNote, NoteMessage, NoteAttachmentName, TimeEntryNote, HandlerSignature, HandlerEmail];
    }

    public static async Task<PortalCustomer> CustomerAsync(IDbContextFactory<AppDbContext> dbFactory, string email)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
        return new PortalCustomer(user.Id, user.CustomerId!.Value, user.DisplayName, user.Email!);
    }

    /// <summary>A ticket of <paramref name="owner"/> that <paramref name="other"/> may not see (not assigned to them).</summary>
    public static async Task<int> TicketOfAsync(IDbContextFactory<AppDbContext> dbFactory, PortalCustomer owner, PortalCustomer other)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>()
            .Where(t => t.CustomerId == owner.CustomerId && t.AssignedCustomers.All(c => c.CustomerId != other.CustomerId))
            .Where(t => t.Messages.Any(m => m.Direction == MessageDirection.Outbound))
            .OrderBy(t => t.Number)
            .Select(t => t.Id)
            .FirstAsync();
    }

    /// <summary>
    /// A fresh ticket of <paramref name="owner"/> with a customer mail and an answer, so a test can change it without
    /// disturbing other tests on the same database.
    /// </summary>
    public static async Task<int> CreateTicketAsync(IDbContextFactory<AppDbContext> dbFactory, PortalCustomer owner, string subject = "Printer jams")
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var customer = await db.Set<Customer>().Include(c => c.Tenant).SingleAsync(c => c.Id == owner.CustomerId);
        var created = new DateTime(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc);
        var ticket = new Ticket
        {
            Number = (int)await db.NextAsync(Sequences.TicketNumber),
            Subject = subject,
            Status = TicketStatus.Answered,
            CustomerId = customer.Id,
            TenantId = customer.TenantId,
            TimeTrackingAllowed = false,
            CreatedAt = created,
            UpdatedAt = created.AddHours(2),
            LastMessageAt = created.AddHours(2),
            Messages =
            [
                new TicketMessage
                {
                    Direction = MessageDirection.Inbound, From = $"{owner.DisplayName} <{owner.Email}>", To = customer.Tenant.SenderAddress,
                    Subject = subject, Date = created, TextBody = "The printer jams on every second page.",
                },
                new TicketMessage
                {
                    Direction = MessageDirection.Outbound, From = $"{customer.Tenant.SenderName} <{customer.Tenant.SenderAddress}>", To = owner.Email,
                    Subject = $"Re: {subject}", Date = created.AddHours(2), TextBody = "Please send us a photo of the paper tray.",
                },
            ],
        };
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Id;
    }

    /// <summary>Adds a file to the first inbound message of the ticket and returns the attachment id.</summary>
    public static async Task<int> AddAttachmentAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketId, string fileName, string content)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var message = await db.Set<TicketMessage>()
            .Where(m => m.TicketId == ticketId && m.Direction == MessageDirection.Inbound)
            .OrderBy(m => m.Id).FirstAsync();
        var attachment = new Attachment
        {
            MessageId = message.Id,
            FileName = fileName,
            ContentType = "text/plain",
            Content = System.Text.Encoding.UTF8.GetBytes(content),
            Size = content.Length,
        };
        db.Set<Attachment>().Add(attachment);
        await db.SaveChangesAsync();
        return attachment.Id;
    }

    /// <summary>
    /// Plants secrets in every internal field of the ticket: internal note, an internal note message with an attachment,
    /// a time entry, the handler's signature. Returns them and the id of the internal note's attachment.
    /// </summary>
    public static async Task<(Secrets Secrets, int NoteAttachmentId)> PlantSecretsAsync(IDbContextFactory<AppDbContext> dbFactory, int ticketId)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await using var db = await dbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId);
        var handler = ticket.HandlerId is null
            ? await db.Users.Where(u => u.Email == "anna@contoso.example").SingleAsync()
            : await db.Users.SingleAsync(u => u.Id == ticket.HandlerId);
        var secrets = new Secrets(
            $"SECRET-INTERNAL-NOTE-{tag}",
            $"SECRET-NOTE-MESSAGE-{tag}",
            $"secret-note-file-{tag}.txt",
            $"SECRET-TIME-ENTRY-{tag}",
            $"SECRET-SIGNATURE-{tag}",
            handler.Email!);

        ticket.HandlerId = handler.Id;
        ticket.InternalNote = secrets.InternalNote;
        handler.Signature = secrets.HandlerSignature;
        var note = new TicketMessage
        {
            TicketId = ticketId,
            Direction = MessageDirection.InternalNote,
            From = handler.DisplayName,
            AuthorId = handler.Id,
            Date = ticket.CreatedAt.AddMinutes(30),
            TextBody = secrets.NoteMessage,
            Attachments =
            [
                new Attachment { FileName = secrets.NoteAttachmentName, ContentType = "text/plain", Content = "internal"u8.ToArray(), Size = 8 },
            ],
        };
        db.Set<TicketMessage>().Add(note);
        db.Set<TimeEntry>().Add(new TimeEntry
        {
            TicketId = ticketId,
            UserId = handler.Id,
            Start = ticket.CreatedAt.AddHours(1),
            End = ticket.CreatedAt.AddHours(2),
            Minutes = 60,
            Note = secrets.TimeEntryNote,
            CreatedAt = ticket.CreatedAt.AddHours(2),
        });
        await db.SaveChangesAsync();
        return (secrets, note.Attachments[0].Id);
    }
}
