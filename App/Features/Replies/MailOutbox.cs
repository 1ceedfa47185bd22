using BlazorTickets.Data;
using BlazorTickets.Features.Tenants;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Utils;

namespace BlazorTickets.Features.Replies;

/// <summary>Sends mail that belongs to no ticket (extranet invitations, password resets) through the same outbox as replies.</summary>
public interface IMailOutbox
{
    /// <summary>True when the tenant has an SMTP server and a sender address, so mail can go out at all.</summary>
    Task<bool> CanSendAsync(int tenantId, CancellationToken ct = default);

    /// <summary>Queues a plain-text mail (with a simple HTML part) from the tenant's sender; returns the outbox id.</summary>
    Task<int> EnqueueSystemMailAsync(int tenantId, string to, string subject, string textBody, CancellationToken ct = default);
}

public sealed class MailOutbox(IDbContextFactory<AppDbContext> dbFactory, OutboxSignal signal, TimeProvider clock) : IMailOutbox
{
    public async Task<bool> CanSendAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<SmtpSettings>().AnyAsync(s => s.TenantId == tenantId && s.Host != "" && s.Tenant.SenderAddress != "", ct);
    }

    public async Task<int> EnqueueSystemMailAsync(int tenantId, string to, string subject, string textBody, CancellationToken ct = default)
    {
        if (!ReplyAddresses.IsValidSingle(to))
        {
            throw new ArgumentException($"\"{to}\" is not a valid address.", nameof(to));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Set<Tenant>().AsNoTracking().SingleAsync(t => t.Id == tenantId, ct);
        if (!ReplyAddresses.IsValidSingle(tenant.SenderAddress))
        {
            throw new InvalidOperationException($"Tenant {tenant.Name} has no valid sender address.");
        }
        var now = clock.GetUtcNow();
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(tenant.SenderName, tenant.SenderAddress));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Date = now;
        message.MessageId = MimeUtils.GenerateMessageId(DomainOf(tenant.SenderAddress));
        // Not a person writing: auto-responders must not answer it.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = textBody, HtmlBody = ReplyText.ToHtml(textBody) }.ToMessageBody();
        var mail = new OutboxMail
        {
            TenantId = tenantId,
            IdempotencyKey = "system:" + Guid.NewGuid().ToString("N"),
            Recipients = to.Trim(),
            Subject = Truncate(subject, 1000),
            RawMime = ToBytes(message),
            State = DeliveryState.Queued,
            NextAttemptAt = now.UtcDateTime,
            CreatedAt = now.UtcDateTime,
        };
        db.Add(mail);
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return mail.Id;
    }

    internal static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at >= 0 && at < address.Length - 1 ? address[(at + 1)..] : "blazortickets.local";
    }

    internal static byte[] ToBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    internal static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
