using System.Text.RegularExpressions;
using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// Where a message sits in a mailbox; the importer advances the folder state to it in the same transaction. Mailbox 0
/// is no mailbox: a message imported by API or test.
/// </summary>
public sealed record MailPosition(string Folder, long UidValidity, long Uid, int MailboxId = 0);

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
    private static readonly string ImportedBy = Text.Of("Mail import");

    public async Task<ImportResult> ImportAsync(int tenantId, byte[] raw, MailPosition position, CancellationToken ct = default) =>
        (await ImportBatchAsync(tenantId, [new IncomingMail(raw, position)], ct))[0];

    /// <summary>
    /// Imports messages in UID order in one transaction: each message with its ticket change is in it whole or not
    /// at all, and the folder's committed UID moves with them. If the batch fails, each message is retried alone,
    /// so one bad message is quarantined and never holds up the others.
    /// </summary>
    public async Task<IReadOnlyList<ImportResult>> ImportBatchAsync(int tenantId, IReadOnlyList<IncomingMail> mails, CancellationToken ct = default)
    {
        var parsed = mails.Select(mail => mail.ParsedOrError).ToList();
        try
        {
            return await ImportTogetherAsync(tenantId, mails, parsed, replacingQuarantineId: null, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (mails.Count > 1)
            {
                logger.LogInformation(ex, "A batch of {Count} messages for tenant {Tenant} failed; importing them one by one", mails.Count, tenantId);
                var results = new List<ImportResult>(mails.Count);
                foreach (var mail in mails)
                {
                    results.Add((await ImportBatchAsync(tenantId, [mail], ct))[0]);
                }
                return results;
            }
            var parsedMail = parsed[0] as ParsedMail;
            logger.LogWarning(ex, "Importing a message for tenant {Tenant} failed; quarantining it", tenantId);
            return [await QuarantineAsync(tenantId, mails[0].Raw, mails[0].Position, Text.Of("The database refused the message: {0}", Innermost(ex).Message), parsedMail, ct)];
        }
    }

    public sealed record IncomingMail(byte[] Raw, MailPosition Position)
    {
        private object? parsedOrError;

        /// <summary>
        /// The parsed message, or the parser's complaint. Parsed once, by whoever asks first: the fetch parses a batch
        /// while the previous one is written to the database.
        /// </summary>
        public object ParsedOrError => parsedOrError ??= Parse(Raw);
    }

    /// <summary>A parsed message, or the parser's complaint.</summary>
    private static object Parse(byte[] raw)
    {
        try
        {
            return ParsedMail.Parse(raw);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Text.Of("The message could not be parsed: {0}", ex.Message);
        }
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);

    /// <summary>What a batch has added but not saved yet, so later messages of the same batch find it.</summary>
    private sealed class BatchState
    {
        public readonly HashSet<string> Keys = [];
        public readonly Dictionary<string, Ticket> TicketsByMessageId = new(StringComparer.Ordinal);
        public readonly Dictionary<int, Ticket> TicketsByNumber = [];
        public readonly Dictionary<string, Customer> CustomersByAddress = new(StringComparer.OrdinalIgnoreCase);
        public readonly Dictionary<string, int> AutomaticBySender = new(StringComparer.OrdinalIgnoreCase);
        public readonly Dictionary<Ticket, HashSet<string>> ParticipantsByTicket = new(ReferenceEqualityComparer.Instance);
        public required SequenceBlock TicketNumbers { get; init; }
        public required SequenceBlock CustomerNumbers { get; init; }
        public required IReadOnlyDictionary<int, MailboxDefaults> Defaults { get; init; }
        public int StillToImport;
    }

    /// <summary>What a mailbox gives its new tickets: a handler and watchers.</summary>
    private sealed record MailboxDefaults(string? HandlerId, string? HandlerName, IReadOnlyList<string> WatcherIds);

    private static async Task<IReadOnlyDictionary<int, MailboxDefaults>> DefaultsOfAsync(AppDbContext db, IEnumerable<int> mailboxIds, CancellationToken ct)
    {
        var ids = mailboxIds.Where(id => id > 0).Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<int, MailboxDefaults>();
        }
        var mailboxes = await db.Set<Mailbox>().AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.DefaultHandlerId, m.DefaultWatcherGroupId }).ToListAsync(ct);
        var defaults = new Dictionary<int, MailboxDefaults>();
        foreach (var mailbox in mailboxes)
        {
            // A handler or watcher who left Ticket-Support since the mailbox was set up is skipped, not assigned.
            var supporters = db.Users.Where(u => u.Memberships.Any(m => m.Group.Name == Groups.TicketSupport));
            var handler = mailbox.DefaultHandlerId is null ? null
                : await supporters.Where(u => u.Id == mailbox.DefaultHandlerId).Select(u => new { u.Id, u.DisplayName }).SingleOrDefaultAsync(ct);
            var watchers = mailbox.DefaultWatcherGroupId is not int groupId ? []
                : await supporters.Where(u => u.Memberships.Any(m => m.GroupId == groupId)).Select(u => u.Id).ToListAsync(ct);
            defaults[mailbox.Id] = new MailboxDefaults(handler?.Id, handler?.DisplayName, watchers);
        }
        return defaults;
    }

    private async Task<IReadOnlyList<ImportResult>> ImportTogetherAsync(
        int tenantId, IReadOnlyList<IncomingMail> mails, IReadOnlyList<object> parsedOrError, int? replacingQuarantineId, CancellationToken ct)
    {
        using var acting = TicketHistory.ActAs(new HistoryActor(ActorKind.MailImport, ImportedBy));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The duplicate checks and the sender lookups below hold only while no other import of the tenant writes.
        await db.LockAsync(WriterLock.MailImport, tenantId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (replacingQuarantineId is int quarantineId)
        {
            await db.Set<ImportedMail>().Where(m => m.QuarantinedMailId == quarantineId).ExecuteDeleteAsync(ct);
            await db.Set<QuarantinedMail>().Where(q => q.Id == quarantineId).ExecuteDeleteAsync(ct);
        }

        var keys = parsedOrError.Select((p, i) => p is ParsedMail parsed ? parsed.MessageKey : KeyOfUnparsed(mails[i].Raw)).ToList();
        var batch = new BatchState
        {
            TicketNumbers = new SequenceBlock(Sequences.TicketNumber, 1001),
            CustomerNumbers = new SequenceBlock(CustomerFromMailSequence(tenantId), 1),
            Defaults = await DefaultsOfAsync(db, mails.Select(m => m.Position.MailboxId), ct),
        };
        batch.Keys.UnionWith(await db.Set<ImportedMail>()
            .Where(m => m.TenantId == tenantId && keys.Contains(m.MessageKey))
            .Select(m => m.MessageKey)
            .ToListAsync(ct));

        var senders = parsedOrError.OfType<ParsedMail>().Select(p => p.FromAddress).OfType<string>().Distinct().ToList();
        foreach (var email in await db.Set<CustomerEmail>()
                     .Where(e => e.TenantId == tenantId && senders.Contains(e.Address))
                     .Include(e => e.Customer)
                     .ToListAsync(ct))
        {
            batch.CustomersByAddress.TryAdd(email.Address, email.Customer);
        }

        var results = new ImportResult?[mails.Count];
        var tickets = new Ticket?[mails.Count];
        var messages = new TicketMessage?[mails.Count];
        for (var i = 0; i < mails.Count; i++)
        {
            batch.StillToImport = mails.Count - i;
            var (raw, position) = (mails[i].Raw, mails[i].Position);
            if (!batch.Keys.Add(keys[i]))
            {
                results[i] = new ImportResult(ImportOutcome.Duplicate);
                continue;
            }
            if (parsedOrError[i] is not ParsedMail parsed)
            {
                AddQuarantine(db, tenantId, raw, position, keys[i], (string)parsedOrError[i], null, now, rawIsComplete: true, raw.LongLength);
                results[i] = new ImportResult(ImportOutcome.Quarantined, Reason: (string)parsedOrError[i]);
                continue;
            }

            var named = await FindThreadAsync(db, tenantId, parsed, batch, ct);
            // A tag or a reference alone is no proof: ticket numbers are sequential and Message-IDs get forwarded.
            var ticket = named is not null && await SenderBelongsToAsync(db, named, parsed, batch, ct) ? named : null;
            if (ticket is null && parsed.IsAutomatic && parsed.FromAddress is not null
                && await IsFloodingAsync(db, tenantId, parsed.FromAddress, now, batch, ct))
            {
                var reason = Text.Of("Throttled: more than {0} automatic messages from {1} within an hour ({2}).", AutomaticMessagesPerHourBeforeThrottle, parsed.FromAddress, parsed.AutomaticReason);
                AddQuarantine(db, tenantId, raw, position, keys[i], reason, parsed, now, rawIsComplete: true, raw.LongLength);
                results[i] = new ImportResult(ImportOutcome.Quarantined, Reason: reason);
                continue;
            }

            var customer = parsed.FromAddress is null ? null : await FindOrCreateCustomerAsync(db, tenantId, parsed, now, batch, ct);
            var isNewTicket = ticket is null;
            if (ticket is null)
            {
                ticket = new Ticket
                {
                    Number = (int)await batch.TicketNumbers.NextAsync(db, batch.StillToImport, ct),
                    Subject = Truncate(parsed.Subject.Length == 0 ? "(no subject)" : parsed.Subject, 500),
                    Status = TicketStatus.New,
                    TenantId = tenantId,
                    Customer = customer,
                    CreatedAt = now,
                    RelatedTicket = named,
                    MailboxId = position.MailboxId > 0 ? position.MailboxId : null,
                };
                var defaults = batch.Defaults.GetValueOrDefault(position.MailboxId);
                ticket.HandlerId = defaults?.HandlerId;
                ticket.Watchers = defaults?.WatcherIds.Where(id => id != defaults.HandlerId).Select(id => new TicketWatcher { UserId = id }).ToList() ?? [];
                ticket.CopyListNames(handlerName: defaults?.HandlerName, customer?.Name);
                db.Set<Ticket>().Add(ticket);
                batch.TicketsByNumber[ticket.Number] = ticket;
            }
            else if (!parsed.IsAutomatic && ticket.Status is TicketStatus.Answered or TicketStatus.Closed or TicketStatus.WaitingForCustomer)
            {
                ticket.Status = TicketStatus.Open;
            }

            var message = NewMessage(ticket, parsed, raw, now);
            db.Set<TicketMessage>().Add(message);
            messages[i] = message;
            (await ParticipantsAsync(db, ticket, batch, ct)).UnionWith(AddressesOf(message.From, message.To, message.Cc));
            if (parsed.MessageId is not null)
            {
                batch.TicketsByMessageId[parsed.MessageId] = ticket;
            }
            if (parsed.IsAutomatic && parsed.FromAddress is not null)
            {
                batch.AutomaticBySender[parsed.FromAddress] = batch.AutomaticBySender.GetValueOrDefault(parsed.FromAddress) + 1;
            }
            ticket.LastMessageAt = message.Date > (ticket.LastMessageAt ?? DateTime.MinValue) ? message.Date : ticket.LastMessageAt;
            ticket.UpdatedAt = now;
            ticket.UpdatedBy = ImportedBy;
            db.Set<ImportedMail>().Add(new ImportedMail
            {
                TenantId = tenantId,
                MailboxId = position.MailboxId,
                Folder = position.Folder,
                UidValidity = position.UidValidity,
                Uid = position.Uid,
                MessageKey = keys[i],
                TicketMessage = message,
                ImportedAt = now,
            });
            tickets[i] = ticket;
            results[i] = new ImportResult(isNewTicket ? ImportOutcome.NewTicket : ImportOutcome.Threaded);
        }

        await batch.TicketNumbers.ReturnUnusedAsync(db, ct);
        await batch.CustomerNumbers.ReturnUnusedAsync(db, ct);
        db.ChangeTracker.DetectChanges();
        using (TicketSearchSql.DeferInsertTriggers(db))
        {
            await db.SaveChangesAsync(ct);
        }
        await IndexForSearchAsync(db, results, tickets, messages, ct);
        foreach (var position in mails.Select(m => m.Position).GroupBy(p => (p.MailboxId, p.Folder, p.UidValidity)).Select(g => g.MaxBy(p => p.Uid)!))
        {
            await AdvanceFolderAsync(db, tenantId, position, ct);
        }
        await transaction.CommitAsync(ct);
        return results.Select((r, i) => tickets[i] is { } t ? r! with { TicketId = t.Id } : r!).ToList();
    }

    /// <summary>
    /// The batch's search documents, in its transaction: a new ticket's from the bodies still in memory (all of its
    /// messages when the batch brought several), a ticket that existed before from the tables.
    /// </summary>
    private static Task IndexForSearchAsync(AppDbContext db, ImportResult?[] results, Ticket?[] tickets, TicketMessage?[] messages, CancellationToken ct)
    {
        var newTickets = new Dictionary<Ticket, List<(string?, string?)>>(ReferenceEqualityComparer.Instance);
        var changedTicketIds = new HashSet<int>();
        for (var i = 0; i < results.Length; i++)
        {
            if (tickets[i] is not { } ticket || messages[i] is not { } message)
            {
                continue;
            }
            if (results[i]!.Outcome == ImportOutcome.NewTicket)
            {
                newTickets[ticket] = [];
            }
            if (newTickets.TryGetValue(ticket, out var bodies))
            {
                bodies.Add((message.TextBody, message.HtmlBody));
            }
            else
            {
                changedTicketIds.Add(ticket.Id);
            }
        }
        return TicketSearchSql.IndexImportedAsync(
            db, newTickets.Select(t => (t.Key.Id, TicketSearchText.BodyOf(t.Value))).ToList(), changedTicketIds, ct);
    }

    private static TicketMessage NewMessage(Ticket ticket, ParsedMail parsed, byte[] raw, DateTime now) => new()
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
            Size = a.Size,
            Content = a.Content,
            ContentId = a.ContentId,
            RawContentOffset = a.Range?.Offset,
            RawContentLength = a.Range?.Length,
            RawContentEncoding = a.Range?.Encoding.ToString(),
        }).ToList(),
    };

    private static void AddQuarantine(
        AppDbContext db, int tenantId, byte[] raw, MailPosition position, string key, string reason, ParsedMail? parsed, DateTime now, bool rawIsComplete, long size)
    {
        var quarantined = new QuarantinedMail
        {
            TenantId = tenantId,
            MailboxId = position.MailboxId,
            Folder = position.Folder,
            UidValidity = position.UidValidity,
            Uid = position.Uid,
            Reason = Truncate(reason, 2000),
            From = Truncate(parsed?.FromText ?? "", 1000),
            Subject = Truncate(parsed?.Subject ?? "", 1000),
            Size = size,
            Raw = raw,
            RawIsComplete = rawIsComplete,
            CreatedAt = now,
        };
        db.Set<QuarantinedMail>().Add(quarantined);
        db.Set<ImportedMail>().Add(new ImportedMail
        {
            TenantId = tenantId,
            MailboxId = position.MailboxId,
            Folder = position.Folder,
            UidValidity = position.UidValidity,
            Uid = position.Uid,
            MessageKey = key,
            Quarantine = quarantined,
            ImportedAt = now,
            // An incomplete copy must stay on the server: no seen flag, no move, no delete.
            AfterImportApplied = !rawIsComplete,
        });
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
        await db.LockAsync(WriterLock.MailImport, tenantId, ct);
        var key = parsed?.MessageKey ?? KeyOfUnparsed(raw);
        if (await db.Set<ImportedMail>().AnyAsync(m => m.TenantId == tenantId && m.MessageKey == key, ct))
        {
            await AdvanceFolderAsync(db, tenantId, position, ct);
            await transaction.CommitAsync(ct);
            return new ImportResult(ImportOutcome.Duplicate);
        }
        AddQuarantine(db, tenantId, raw, position, key, reason, parsed, clock.GetUtcNow().UtcDateTime, rawIsComplete, size ?? raw.LongLength);
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
            quarantined = await db.Set<QuarantinedMail>().AsNoTracking().SingleOrDefaultAsync(q => q.Id == quarantineId, ct);
            if (quarantined is null)
            {
                return (false, Text.Of("This quarantine entry no longer exists."));
            }
            if (!quarantined.RawIsComplete)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await db.Set<ImportedMail>().Where(m => m.QuarantinedMailId == quarantineId).ExecuteDeleteAsync(ct);
                await db.Set<QuarantinedMail>().Where(q => q.Id == quarantineId).ExecuteDeleteAsync(ct);
                await db.Set<MailFolderState>()
                    .Where(s => s.TenantId == quarantined.TenantId && s.MailboxId == quarantined.MailboxId && s.Folder == quarantined.Folder
                                && s.UidValidity == quarantined.UidValidity && s.HighestUid >= quarantined.Uid)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.HighestUid, quarantined.Uid - 1), ct);
                await transaction.CommitAsync(ct);
                return (true, Text.Of("Released: the next fetch downloads this message from the mailbox again. Raise the size limit first if it was too large."));
            }
        }
        try
        {
            var parsed = ParsedMail.Parse(quarantined.Raw);
            var position = new MailPosition(quarantined.Folder, quarantined.UidValidity, quarantined.Uid, quarantined.MailboxId);
            var result = (await ImportTogetherAsync(quarantined.TenantId, [new IncomingMail(quarantined.Raw, position)], [parsed], quarantineId, ct))[0];
            return result.Outcome == ImportOutcome.Duplicate
                ? (true, Text.Of("This message was already imported; the quarantine entry was removed."))
                : (true, Text.Of("Imported into ticket {0}.", result.TicketId));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (false, Text.Of("The message still cannot be imported: {0}", Innermost(ex).Message));
        }
    }

    private static string KeyOfUnparsed(byte[] raw) =>
        "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(raw));

    private static Task AdvanceFolderAsync(AppDbContext db, int tenantId, MailPosition position, CancellationToken ct) =>
        db.Set<MailFolderState>()
            .Where(s => s.TenantId == tenantId && s.MailboxId == position.MailboxId && s.Folder == position.Folder && s.UidValidity == position.UidValidity && s.HighestUid < position.Uid)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.HighestUid, position.Uid), ct);

    [GeneratedRegex(@"\[#(\d{1,9})\]")]
    private static partial Regex TicketTag();

    private static async Task<Ticket?> FindThreadAsync(AppDbContext db, int tenantId, ParsedMail parsed, BatchState batch, CancellationToken ct)
    {
        var referenced = parsed.References.Prepend(parsed.InReplyTo).OfType<string>().Distinct().ToList();

        async Task<Ticket?> ByNumber(int number)
        {
            if (batch.TicketsByNumber.TryGetValue(number, out var known))
            {
                return known;
            }
            var found = await db.Set<Ticket>().SingleOrDefaultAsync(t => t.TenantId == tenantId && t.Number == number, ct);
            // A merged ticket's number leads to the ticket it went into (a merge target can be merged on in turn).
            for (var hops = 0; found?.MergedIntoTicketId is int mergedInto && hops < 10; hops++)
            {
                found = batch.TicketsByNumber.Values.FirstOrDefault(t => t.Id == mergedInto)
                    ?? await db.Set<Ticket>().SingleOrDefaultAsync(t => t.Id == mergedInto, ct);
            }
            if (found is not null)
            {
                batch.TicketsByNumber[number] = found;
            }
            return found;
        }

        // 1. Our own outgoing Message-ID names the ticket.
        foreach (var id in referenced)
        {
            if (OutgoingMessageIds.TryParseTicketNumber(id, out var number) && await ByNumber(number) is { } ticket)
            {
                return ticket;
            }
        }

        // 2. A [#1234] tag in the subject.
        foreach (Match match in TicketTag().Matches(parsed.Subject))
        {
            if (int.TryParse(match.Groups[1].Value, out var number) && await ByNumber(number) is { } ticket)
            {
                return ticket;
            }
        }

        // 3. In-Reply-To or References match a message we stored (or this batch is storing).
        foreach (var id in referenced)
        {
            if (batch.TicketsByMessageId.TryGetValue(id, out var inBatch))
            {
                return inBatch;
            }
        }
        if (referenced.Count > 0)
        {
            var ticketId = await db.Set<TicketMessage>()
                .Where(m => m.MessageId != null && referenced.Contains(m.MessageId) && m.Ticket.TenantId == tenantId)
                .OrderByDescending(m => m.Date)
                .Select(m => (int?)m.TicketId)
                .FirstOrDefaultAsync(ct);
            if (ticketId is int id)
            {
                var ticket = batch.TicketsByNumber.Values.FirstOrDefault(t => t.Id == id) ?? await db.Set<Ticket>().SingleAsync(t => t.Id == id, ct);
                batch.TicketsByNumber[ticket.Number] = ticket;
                return ticket;
            }
        }
        return null;
    }

    /// <summary>
    /// The sender may add to the ticket when it is the ticket's customer or an assigned customer (any of their known
    /// addresses), or was a sender or recipient of an earlier message of the ticket (a colleague in CC, say).
    /// </summary>
    private static async Task<bool> SenderBelongsToAsync(AppDbContext db, Ticket ticket, ParsedMail parsed, BatchState batch, CancellationToken ct) =>
        parsed.FromAddress is { } sender && (await ParticipantsAsync(db, ticket, batch, ct)).Contains(sender);

    private static async Task<HashSet<string>> ParticipantsAsync(AppDbContext db, Ticket ticket, BatchState batch, CancellationToken ct)
    {
        if (batch.ParticipantsByTicket.TryGetValue(ticket, out var known))
        {
            return known;
        }
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (ticket.Id != 0)
        {
            var customerIds = await db.Set<TicketAssignedCustomer>().Where(a => a.TicketId == ticket.Id).Select(a => a.CustomerId).ToListAsync(ct);
            if (ticket.CustomerId is int customerId)
            {
                customerIds.Add(customerId);
            }
            addresses.UnionWith(await db.Set<CustomerEmail>().Where(e => customerIds.Contains(e.CustomerId)).Select(e => e.Address).ToListAsync(ct));
            foreach (var message in await db.Set<TicketMessage>()
                         .Where(m => m.TicketId == ticket.Id && m.Direction != MessageDirection.InternalNote)
                         .Select(m => new { m.From, m.To, m.Cc })
                         .ToListAsync(ct))
            {
                addresses.UnionWith(AddressesOf(message.From, message.To, message.Cc));
            }
        }
        return batch.ParticipantsByTicket[ticket] = addresses;
    }

    private static IEnumerable<string> AddressesOf(params string[] headers) =>
        headers.SelectMany(header => InternetAddressList.TryParse(header, out var list)
            ? list.Mailboxes.Select(m => m.Address.Trim().ToLowerInvariant())
            : []);

    private static async Task<bool> IsFloodingAsync(AppDbContext db, int tenantId, string address, DateTime now, BatchState batch, CancellationToken ct)
    {
        var since = now.AddHours(-1);
        var pattern = $"%{address}%";
        var automatic = db.Set<ImportedMail>()
            .Where(m => m.TenantId == tenantId && m.ImportedAt >= since && m.TicketMessage != null && m.TicketMessage.IsAutomatic);
        // SQLite's LIKE ignores ASCII case, PostgreSQL's does not; the From header keeps the sender's spelling.
        var recent = await (db.Database.IsNpgsql()
                ? automatic.Where(m => EF.Functions.ILike(m.TicketMessage!.From, pattern))
                : automatic.Where(m => EF.Functions.Like(m.TicketMessage!.From, pattern)))
            .CountAsync(ct);
        return recent + batch.AutomaticBySender.GetValueOrDefault(address) >= AutomaticMessagesPerHourBeforeThrottle;
    }

    private static async Task<Customer> FindOrCreateCustomerAsync(AppDbContext db, int tenantId, ParsedMail parsed, DateTime now, BatchState batch, CancellationToken ct)
    {
        var address = parsed.FromAddress!;
        // Known senders were loaded for the whole batch; a miss here is a sender new to this tenant.
        if (batch.CustomersByAddress.TryGetValue(address, out var known))
        {
            return known;
        }
        var number = await batch.CustomerNumbers.NextAsync(db, batch.StillToImport, ct);
        var customer = new Customer
        {
            TenantId = tenantId,
            CustomerNumber = $"M-{number:00000}",
            Name = Truncate(parsed.FromName.Length > 0 ? parsed.FromName : address, 200),
            CreatedFromEmail = true,
            CreatedAt = now,
            Emails = [new CustomerEmail { TenantId = tenantId, Address = Truncate(address, 320) }],
        };
        db.Set<Customer>().Add(customer);
        return batch.CustomersByAddress[address] = customer;
    }

    private static string CustomerFromMailSequence(int tenantId) => $"customer-from-mail-{tenantId}";

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
