using System.Text.RegularExpressions;
using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail;

/// <summary>Where a message sits in the mailbox; the importer advances the folder state to it in the same transaction.</summary>
public sealed record MailPosition(string Folder, long UidValidity, long Uid);

public enum ImportOutcome
{
    NewTicket,
    Threaded,
    Duplicate,
    Quarantined,
}

public sealed record ImportResult(ImportOutcome Outcome, int? TicketId = null, string? Reason = null);

/// <summary>
/// Turns one raw message into a ticket or a reply, atomically: the raw MIME, the parsed message, the ticket change,
/// the receipt with its unique keys and the folder's committed UID are one transaction. A message that cannot be
/// imported is quarantined raw with the reason, in a transaction of its own, so nothing is dropped.
/// </summary>
public sealed partial class MailImporter(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, ILogger<MailImporter> logger)
{
    public const int AutomaticMessagesPerHourBeforeThrottle = 5;
    private const string ImportedBy = "Mail import";

    public async Task<ImportResult> ImportAsync(int tenantId, byte[] raw, MailPosition position, CancellationToken ct = default)
    {
        ParsedMail parsed;
        try
        {
            parsed = ParsedMail.Parse(raw);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return await QuarantineAsync(tenantId, raw, position, $"The message could not be parsed: {ex.Message}", null, ct);
        }

        try
        {
            return await ImportParsedAsync(tenantId, raw, parsed, position, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Importing message {Key} for tenant {Tenant} failed; quarantining it", parsed.MessageKey, tenantId);
            return await QuarantineAsync(tenantId, raw, position, $"The database refused the message: {Innermost(ex).Message}", parsed, ct);
        }
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);

    private async Task<ImportResult> ImportParsedAsync(
        int tenantId, byte[] raw, ParsedMail parsed, MailPosition position, CancellationToken ct, int? replacingQuarantineId = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (replacingQuarantineId is int quarantineId)
        {
            await db.ImportedMails.Where(m => m.QuarantinedMailId == quarantineId).ExecuteDeleteAsync(ct);
            await db.QuarantinedMails.Where(q => q.Id == quarantineId).ExecuteDeleteAsync(ct);
        }

        if (await db.ImportedMails.AnyAsync(m => m.TenantId == tenantId && m.MessageKey == parsed.MessageKey, ct))
        {
            await AdvanceFolderAsync(db, tenantId, position, ct);
            await transaction.CommitAsync(ct);
            return new ImportResult(ImportOutcome.Duplicate);
        }

        var ticket = await FindThreadAsync(db, tenantId, parsed, ct);
        if (ticket is null && parsed.IsAutomatic && parsed.FromAddress is not null
            && await IsFloodingAsync(db, tenantId, parsed.FromAddress, now, ct))
        {
            await transaction.RollbackAsync(ct);
            return await QuarantineAsync(tenantId, raw, position,
                $"Throttled: more than {AutomaticMessagesPerHourBeforeThrottle} automatic messages from {parsed.FromAddress} within an hour ({parsed.AutomaticReason}).",
                parsed, ct);
        }

        var customer = parsed.FromAddress is null ? null : await FindOrCreateCustomerAsync(db, tenantId, parsed, now, ct);
        var isNewTicket = ticket is null;
        if (ticket is null)
        {
            ticket = new Ticket
            {
                Number = (int)await db.NextAsync(Sequences.TicketNumber, 1001, ct),
                Subject = Truncate(parsed.Subject.Length == 0 ? "(no subject)" : parsed.Subject, 500),
                Status = TicketStatus.New,
                TenantId = tenantId,
                Customer = customer,
                CreatedAt = now,
            };
            db.Tickets.Add(ticket);
        }
        else if (!parsed.IsAutomatic && ticket.Status is TicketStatus.Answered or TicketStatus.Closed or TicketStatus.WaitingForCustomer)
        {
            ticket.Status = TicketStatus.Open;
        }

        var message = new TicketMessage
        {
            Ticket = ticket,
            Direction = MessageDirection.Inbound,
            From = Truncate(parsed.FromText, 2000),
            To = Truncate(parsed.To, 4000),
            Cc = Truncate(parsed.Cc, 4000),
            Subject = Truncate(parsed.Subject, 1000),
            Date = parsed.Date is DateTime date && date <= now.AddDays(1) && date.Year > 1990 ? date : now,
            TextBody = parsed.TextBody,
            HtmlBody = parsed.HtmlBody,
            MessageId = parsed.MessageId is null ? null : Truncate(parsed.MessageId, 1000),
            InReplyTo = parsed.InReplyTo,
            References = parsed.References.Count == 0 ? null : string.Join(" ", parsed.References.Select(r => $"<{r}>")),
            RawMime = raw,
            IsAutomatic = parsed.IsAutomatic,
            Attachments = parsed.Attachments.Select(a => new Attachment
            {
                FileName = Truncate(a.FileName, 500),
                ContentType = Truncate(a.ContentType, 200),
                Size = a.Content.LongLength,
                Content = a.Content,
                ContentId = a.ContentId,
            }).ToList(),
        };
        db.TicketMessages.Add(message);
        ticket.LastMessageAt = message.Date > (ticket.LastMessageAt ?? DateTime.MinValue) ? message.Date : ticket.LastMessageAt;
        ticket.UpdatedAt = now;
        ticket.UpdatedBy = ImportedBy;

        db.ImportedMails.Add(new ImportedMail
        {
            TenantId = tenantId,
            Folder = position.Folder,
            UidValidity = position.UidValidity,
            Uid = position.Uid,
            MessageKey = parsed.MessageKey,
            TicketMessage = message,
            ImportedAt = now,
        });
        await db.SaveChangesAsync(ct);
        await AdvanceFolderAsync(db, tenantId, position, ct);
        await transaction.CommitAsync(ct);
        return new ImportResult(isNewTicket ? ImportOutcome.NewTicket : ImportOutcome.Threaded, ticket.Id);
    }

    /// <summary>
    /// Quarantines in a fresh context and transaction. If even that fails (the database is gone), the exception
    /// propagates and the fetch stops without advancing past this message.
    /// </summary>
    public async Task<ImportResult> QuarantineAsync(
        int tenantId, byte[] raw, MailPosition position, string reason, ParsedMail? parsed, CancellationToken ct, bool rawIsComplete = true, long? size = null)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var key = parsed?.MessageKey ?? KeyOfUnparsed(raw);
        if (await db.ImportedMails.AnyAsync(m => m.TenantId == tenantId && m.MessageKey == key, ct))
        {
            await AdvanceFolderAsync(db, tenantId, position, ct);
            await transaction.CommitAsync(ct);
            return new ImportResult(ImportOutcome.Duplicate);
        }
        var quarantined = new QuarantinedMail
        {
            TenantId = tenantId,
            Folder = position.Folder,
            UidValidity = position.UidValidity,
            Uid = position.Uid,
            Reason = Truncate(reason, 2000),
            From = Truncate(parsed?.FromText ?? "", 1000),
            Subject = Truncate(parsed?.Subject ?? "", 1000),
            Size = size ?? raw.LongLength,
            Raw = raw,
            RawIsComplete = rawIsComplete,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.QuarantinedMails.Add(quarantined);
        await db.SaveChangesAsync(ct);
        db.ImportedMails.Add(new ImportedMail
        {
            TenantId = tenantId,
            Folder = position.Folder,
            UidValidity = position.UidValidity,
            Uid = position.Uid,
            MessageKey = key,
            QuarantinedMailId = quarantined.Id,
            ImportedAt = quarantined.CreatedAt,
            // An incomplete copy must stay on the server: no seen flag, no move, no delete.
            AfterImportApplied = !rawIsComplete,
        });
        await db.SaveChangesAsync(ct);
        await AdvanceFolderAsync(db, tenantId, position, ct);
        await transaction.CommitAsync(ct);
        return new ImportResult(ImportOutcome.Quarantined, Reason: reason);
    }

    /// <summary>
    /// Imports a quarantined message again. A complete copy is imported in place of its quarantine entry; a
    /// headers-only copy (over the size limit) is released so the next fetch downloads it from the mailbox again.
    /// </summary>
    public async Task<(bool Ok, string Message)> RetryQuarantinedAsync(int quarantineId, CancellationToken ct = default)
    {
        QuarantinedMail? quarantined;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            quarantined = await db.QuarantinedMails.AsNoTracking().SingleOrDefaultAsync(q => q.Id == quarantineId, ct);
            if (quarantined is null)
            {
                return (false, "This quarantine entry no longer exists.");
            }
            if (!quarantined.RawIsComplete)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.ImportedMails.Where(m => m.QuarantinedMailId == quarantineId).ExecuteDeleteAsync(ct);
                await db.QuarantinedMails.Where(q => q.Id == quarantineId).ExecuteDeleteAsync(ct);
                await db.MailFolderStates
                    .Where(s => s.TenantId == quarantined.TenantId && s.Folder == quarantined.Folder
                                && s.UidValidity == quarantined.UidValidity && s.HighestUid >= quarantined.Uid)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.HighestUid, quarantined.Uid - 1), ct);
                await transaction.CommitAsync(ct);
                return (true, "Released: the next fetch downloads this message from the mailbox again. Raise the size limit first if it was too large.");
            }
        }
        try
        {
            var parsed = ParsedMail.Parse(quarantined.Raw);
            var position = new MailPosition(quarantined.Folder, quarantined.UidValidity, quarantined.Uid);
            var result = await ImportParsedAsync(quarantined.TenantId, quarantined.Raw, parsed, position, ct, replacingQuarantineId: quarantineId);
            return result.Outcome == ImportOutcome.Duplicate
                ? (true, "This message was already imported; the quarantine entry was removed.")
                : (true, $"Imported into ticket {result.TicketId}.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (false, $"The message still cannot be imported: {Innermost(ex).Message}");
        }
    }

    private static string KeyOfUnparsed(byte[] raw) =>
        "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(raw));

    private static Task AdvanceFolderAsync(AppDbContext db, int tenantId, MailPosition position, CancellationToken ct) =>
        db.MailFolderStates
            .Where(s => s.TenantId == tenantId && s.Folder == position.Folder && s.UidValidity == position.UidValidity && s.HighestUid < position.Uid)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.HighestUid, position.Uid), ct);

    [GeneratedRegex(@"\[#(\d{1,9})\]")]
    private static partial Regex TicketTag();

    private static async Task<Ticket?> FindThreadAsync(AppDbContext db, int tenantId, ParsedMail parsed, CancellationToken ct)
    {
        var referenced = parsed.References.Prepend(parsed.InReplyTo).OfType<string>().Distinct().ToList();

        // 1. Our own outgoing Message-ID names the ticket.
        foreach (var id in referenced)
        {
            if (OutgoingMessageIds.TryParseTicketNumber(id, out var number)
                && await db.Tickets.SingleOrDefaultAsync(t => t.TenantId == tenantId && t.Number == number, ct) is { } ticket)
            {
                return ticket;
            }
        }

        // 2. A [#1234] tag in the subject.
        foreach (Match match in TicketTag().Matches(parsed.Subject))
        {
            if (int.TryParse(match.Groups[1].Value, out var number)
                && await db.Tickets.SingleOrDefaultAsync(t => t.TenantId == tenantId && t.Number == number, ct) is { } ticket)
            {
                return ticket;
            }
        }

        // 3. In-Reply-To or References match a message we stored.
        if (referenced.Count > 0)
        {
            var ticketId = await db.TicketMessages
                .Where(m => m.MessageId != null && referenced.Contains(m.MessageId) && m.Ticket.TenantId == tenantId)
                .OrderByDescending(m => m.Date)
                .Select(m => (int?)m.TicketId)
                .FirstOrDefaultAsync(ct);
            if (ticketId is int id)
            {
                return await db.Tickets.SingleAsync(t => t.Id == id, ct);
            }
        }
        return null;
    }

    private static async Task<bool> IsFloodingAsync(AppDbContext db, int tenantId, string address, DateTime now, CancellationToken ct)
    {
        var since = now.AddHours(-1);
        var pattern = $"%{address}%";
        var recent = await db.ImportedMails
            .Where(m => m.TenantId == tenantId && m.ImportedAt >= since && m.TicketMessage != null
                        && m.TicketMessage.IsAutomatic && EF.Functions.Like(m.TicketMessage.From, pattern))
            .CountAsync(ct);
        return recent >= AutomaticMessagesPerHourBeforeThrottle;
    }

    private static async Task<Customer> FindOrCreateCustomerAsync(AppDbContext db, int tenantId, ParsedMail parsed, DateTime now, CancellationToken ct)
    {
        var address = parsed.FromAddress!;
        var known = await db.CustomerEmails
            .Where(e => e.TenantId == tenantId && e.Address.ToLower() == address)
            .Select(e => e.Customer)
            .FirstOrDefaultAsync(ct);
        if (known is not null)
        {
            return known;
        }
        var number = await db.NextAsync($"customer-from-mail-{tenantId}", 1, ct);
        var customer = new Customer
        {
            TenantId = tenantId,
            CustomerNumber = $"M-{number:00000}",
            Name = Truncate(parsed.FromName.Length > 0 ? parsed.FromName : address, 200),
            CreatedFromEmail = true,
            CreatedAt = now,
            Emails = [new CustomerEmail { TenantId = tenantId, Address = Truncate(address, 320) }],
        };
        db.Customers.Add(customer);
        return customer;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
