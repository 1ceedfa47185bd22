using System.Globalization;
using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using MimeKit.Utils;

namespace BlazorTickets.Features.Replies;

/// <summary>
/// Composes replies and queues them: the outbound message and its outbox entry are stored in one transaction, and the
/// outbox worker sends. Errors are English constants the compose area translates.
/// </summary>
public sealed class ReplyService(IDbContextFactory<AppDbContext> dbFactory, OutboxSignal signal, TicketChangeNotifier notifier, TimeProvider clock)
{
    public async Task<ReplyContext?> GetContextAsync(int ticketId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ticket = await db.Set<Ticket>().AsNoTracking()
            .Where(t => t.Id == ticketId)
            .Select(t => new { t.Id, t.Number, t.Subject, t.TenantId, CustomerName = t.Customer != null ? t.Customer.Name : null, t.ExpectedDate, t.MailboxId })
            .SingleOrDefaultAsync(ct);
        if (ticket is null)
        {
            return null;
        }
        var agent = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.DisplayName, u.Signature }).SingleOrDefaultAsync(ct);
        var messages = await db.Set<TicketMessage>().AsNoTracking()
            .Where(m => m.TicketId == ticketId && m.Direction != MessageDirection.InternalNote)
            .OrderBy(m => m.Date).ThenBy(m => m.Id)
            .Select(m => new { m.Id, m.Direction, m.From, m.To, m.Subject, m.Date, m.TextBody })
            .ToListAsync(ct);
        var templates = await db.Set<TextBlock>().AsNoTracking()
            .Where(b => b.TenantId == ticket.TenantId && b.IsReplyTemplate)
            .OrderBy(b => b.Name)
            .Select(b => new ReplyTemplate(b.Id, b.Name, b.Body))
            .ToListAsync(ct);
        // A ticket that came in through one of the tenant's mailboxes is answered from that mailbox's address, and
        // through its own SMTP server when it has one.
        var mailbox = ticket.MailboxId is int mailboxId
            ? await db.Set<Mailbox>().AsNoTracking().Where(m => m.Id == mailboxId).Select(m => new { m.Address, m.SmtpHost }).SingleOrDefaultAsync(ct)
            : null;
        var smtpConfigured = !string.IsNullOrWhiteSpace(mailbox?.SmtpHost)
            || await db.Set<SmtpSettings>().AnyAsync(s => s.TenantId == ticket.TenantId && s.Host != "", ct);
        return new ReplyContext(
            ticket.Id, ticket.Number, ticket.Subject, ticket.TenantId, ticket.CustomerName, ticket.ExpectedDate,
            agent?.DisplayName ?? "", agent?.Signature ?? "", smtpConfigured,
            messages.Select(m => new AnswerableMessage(m.Id, m.Direction, m.From, FirstAddress(m.From), m.To, m.Subject, m.Date, m.TextBody)).ToList(),
            templates,
            string.IsNullOrWhiteSpace(mailbox?.Address) ? null : mailbox.Address);
    }

    private static string FirstAddress(string list) =>
        InternetAddressList.TryParse(list, out var parsed) ? parsed.Mailboxes.Select(m => m.Address).FirstOrDefault() ?? "" : "";

    /// <summary>The message a new reply answers by default: the newest from the customer, else the newest at all.</summary>
    public static AnswerableMessage? DefaultAnswered(ReplyContext context) =>
        context.Messages.LastOrDefault(m => m.Direction == MessageDirection.Inbound) ?? context.Messages.LastOrDefault();

    /// <summary>Fills subject and recipient from the answered message; for our own message the recipient is whom we wrote to.</summary>
    public static void Prefill(ReplyInput input, ReplyContext context, AnswerableMessage? answered)
    {
        input.TicketId = context.TicketId;
        input.AnsweredMessageId = answered?.Id;
        input.Subject = ReplyText.ReplySubject(answered?.Subject is { Length: > 0 } s ? s : context.TicketSubject, context.Tag);
        input.To = answered is null ? "" : answered.Direction == MessageDirection.Outbound ? answered.To : answered.FromAddress;
    }

    public static Dictionary<string, string?> PlaceholderValues(ReplyContext context, AnswerableMessage? answered, string message, string subject) => new()
    {
        [ReplyPlaceholders.Message] = message,
        [ReplyPlaceholders.QuotedOriginal] = answered is null ? "" : ReplyText.Quote(answered.From, answered.Date, answered.TextBody),
        [ReplyPlaceholders.Signature] = context.AgentSignature,
        [ReplyPlaceholders.TicketNumber] = context.Tag,
        [ReplyPlaceholders.Subject] = subject,
        [ReplyPlaceholders.CustomerName] = context.CustomerName ?? "",
        [ReplyPlaceholders.AgentName] = context.AgentName,
        [ReplyPlaceholders.ExpectedDate] = context.ExpectedDate?.ToString("d", CultureInfo.CurrentCulture) ?? "",
    };

    /// <summary>A template's text with its placeholders filled, and the ones it does not know.</summary>
    /// <remarks>A template has no {{message}} of its own: that one never counts as empty.</remarks>
    public static ReplyPlaceholders.Result FillTemplate(ReplyContext context, ReplyTemplate template, AnswerableMessage? answered)
    {
        var result = ReplyPlaceholders.Fill(template.Body, PlaceholderValues(context, answered, "", context.TicketSubject));
        return result with { Empty = result.Empty.Where(p => p != ReplyPlaceholders.Message).ToList() };
    }

    public static FieldErrors ValidateAttachments(IReadOnlyList<ReplyAttachmentInput> attachments)
    {
        var errors = new FieldErrors();
        var tooLarge = attachments.FirstOrDefault(a => a.Size > ReplyLimits.MaxFileBytes);
        if (tooLarge is not null)
        {
            errors.Add("Attachments", "{0} is larger than {1} MB per file.", tooLarge.FileName, (ReplyLimits.MaxFileBytes / 1048576).ToString(CultureInfo.InvariantCulture));
        }
        else if (attachments.Sum(a => a.Size) > ReplyLimits.MaxTotalBytes)
        {
            errors.Add("Attachments", "All attachments together may not exceed {0} MB.", (ReplyLimits.MaxTotalBytes / 1048576).ToString(CultureInfo.InvariantCulture));
        }
        else if (attachments.Count > ReplyLimits.MaxFiles)
        {
            errors.Add("Attachments", "At most {0} attachments.", ReplyLimits.MaxFiles.ToString(CultureInfo.InvariantCulture));
        }
        return errors;
    }

    public static FieldErrors Validate(ReplyInput input)
    {
        var errors = ValidateAttachments(input.Attachments);
        var to = ReplyAddresses.Split(input.To);
        if (to.Count == 0)
        {
            errors.Add(nameof(input.To), "Enter at least one recipient.");
        }
        else if (ReplyAddresses.Invalid(input.To) is { Count: > 0 } badTo)
        {
            errors.Add(nameof(input.To), "Not a valid address: {0}", string.Join(", ", badTo));
        }
        if (ReplyAddresses.Invalid(input.Cc) is { Count: > 0 } badCc)
        {
            errors.Add(nameof(input.Cc), "Not a valid address: {0}", string.Join(", ", badCc));
        }
        if (string.IsNullOrWhiteSpace(input.Subject))
        {
            errors.Add(nameof(input.Subject), "Enter a subject.");
        }
        if (string.IsNullOrWhiteSpace(input.Body))
        {
            errors.Add(nameof(input.Body), "Write the reply first.");
        }
        if (input.EmptyPlaceholders.Count > 0 && !input.EmptyPlaceholdersConfirmed)
        {
            errors.Add(ReplyInput.EmptyPlaceholdersKey, "A placeholder was empty; check the text and confirm that it may go out like this.");
        }
        return errors;
    }

    /// <summary>
    /// Queues the reply. A second call with the same <see cref="ReplyInput.ComposeId"/> (a double click, a resubmit after
    /// a lost answer) finds the first and queues nothing.
    /// </summary>
    public async Task<SendReplyResult> SendAsync(ReplyInput input, string userId, CancellationToken ct = default)
    {
        var existing = await FindQueuedAsync(input.ComposeId, ct);
        if (existing is not null)
        {
            return existing;
        }
        var context = await GetContextAsync(input.TicketId, userId, ct);
        if (context is null)
        {
            return new SendReplyResult.Invalid(FieldErrors.OfForm("This ticket does not exist."));
        }
        var errors = Validate(input);
        if (!context.SmtpConfigured)
        {
            errors.AddForm("This tenant has no SMTP server; an admin sets it up next to the mailbox settings.");
        }
        var answered = context.Messages.FirstOrDefault(m => m.Id == input.AnsweredMessageId);
        var values = PlaceholderValues(context, answered, "", context.TicketSubject);
        var message = ReplyPlaceholders.Fill(input.Body, values);
        if (message.Unknown.Count > 0)
        {
            errors.Add(nameof(input.Body), "Unknown placeholder: {0}. Replace it with text before sending.", string.Join(", ", message.Unknown));
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenant = await db.Set<Tenant>().AsNoTracking().SingleAsync(t => t.Id == context.TenantId, ct);
        var senderAddress = context.MailboxAddress ?? tenant.SenderAddress;
        if (!ReplyAddresses.IsValidSingle(senderAddress))
        {
            errors.AddForm("This tenant has no sender address; an admin sets it in the SMTP settings.");
        }
        var block = await db.Set<TextBlock>().AsNoTracking().SingleOrDefaultAsync(b => b.TenantId == tenant.Id && b.Key == TextBlockKeys.ContactReplyCustomer, ct)
            ?? TextBlockDefaults.ContactReplyCustomer(tenant);
        var subject = ReplyText.WithTag(input.Subject, context.Tag);
        var blockValues = PlaceholderValues(context, answered, message.Text.TrimEnd(), subject);
        var text = ReplyPlaceholders.Fill(block.Body, blockValues);
        var renderedSubject = string.IsNullOrWhiteSpace(block.Subject) ? new ReplyPlaceholders.Result(subject, []) : ReplyPlaceholders.Fill(block.Subject, blockValues);
        var blockUnknown = text.Unknown.Concat(renderedSubject.Unknown).Distinct().ToList();
        if (blockUnknown.Count > 0)
        {
            errors.AddForm("The text block {0} has an unknown placeholder: {1}. An admin fixes it under text blocks.", block.Name, string.Join(", ", blockUnknown));
        }
        if (errors.Count > 0)
        {
            return new SendReplyResult.Invalid(errors);
        }
        if (input.SeenUpToMessageId is int seenUpTo)
        {
            var unseen = await db.Set<TicketMessage>().AsNoTracking()
                .Where(m => m.TicketId == input.TicketId && m.Id > seenUpTo && m.Direction == MessageDirection.Inbound && !m.IsAutomatic)
                .Select(m => m.Id)
                .ToListAsync(ct);
            if (unseen.Count > 0)
            {
                return new SendReplyResult.CustomerWroteMeanwhile(context.Messages.Where(m => unseen.Contains(m.Id)).OrderBy(m => m.Id).ToList());
            }
        }

        var now = clock.GetUtcNow();
        var answeredIds = answered is null
            ? null
            : await db.Set<TicketMessage>().AsNoTracking().Where(m => m.Id == answered.Id).Select(m => new { m.MessageId, m.References }).SingleAsync(ct);
        var mime = BuildMime(tenant.SenderName, senderAddress, input, ReplyText.WithTag(renderedSubject.Text, context.Tag),
            CollapseBlankLines(text.Text), context.TicketNumber, answeredIds?.MessageId, answeredIds?.References, now);
        var raw = MailOutbox.ToBytes(mime);

        var outbound = new TicketMessage
        {
            TicketId = context.TicketId,
            Direction = MessageDirection.Outbound,
            From = MailOutbox.Truncate(mime.From.ToString(), 2000),
            To = MailOutbox.Truncate(mime.To.ToString(), 4000),
            Cc = MailOutbox.Truncate(mime.Cc.ToString(), 4000),
            Subject = MailOutbox.Truncate(mime.Subject ?? "", 1000),
            Date = now.UtcDateTime,
            TextBody = mime.TextBody ?? "",
            MessageId = mime.MessageId,
            InReplyTo = mime.InReplyTo,
            References = mime.References.Count == 0 ? null : string.Join(" ", mime.References.Select(r => $"<{r}>")),
            AuthorId = userId,
            Attachments = input.Attachments.Select(a => new Attachment
            {
                FileName = MailOutbox.Truncate(a.FileName, 500),
                ContentType = MailOutbox.Truncate(a.ContentType, 200),
                Size = a.Size,
                Content = a.Content,
            }).ToList(),
        };
        var outbox = new OutboxMail
        {
            TenantId = context.TenantId,
            TicketId = context.TicketId,
            TicketMessage = outbound,
            IdempotencyKey = input.ComposeId,
            Recipients = MailOutbox.Truncate(string.Join(", ", mime.To.Mailboxes.Concat(mime.Cc.Mailboxes).Select(m => m.Address)), 4000),
            Subject = outbound.Subject,
            RawMime = raw,
            State = DeliveryState.Queued,
            NextAttemptAt = now.UtcDateTime,
            CreatedAt = now.UtcDateTime,
            StatusAfterSending = input.StatusAfterSending,
        };
        using var acting = TicketHistory.ActAsUnlessSet(HistoryActor.User(userId, context.AgentName));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Set<TicketMessage>().Add(outbound);
        db.Add(outbox);
        await db.Set<ReplyDraft>().Where(d => d.TicketId == context.TicketId && d.UserId == userId).ExecuteDeleteAsync(ct);
        await db.Set<Ticket>().Where(t => t.Id == context.TicketId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.UpdatedAt, now.UtcDateTime)
            .SetProperty(t => t.UpdatedBy, context.AgentName)
            .SetProperty(t => t.Version, t => t.Version + 1), ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same form was submitted twice at once: the unique compose id let only one in.
            if (await FindQueuedAsync(input.ComposeId, CancellationToken.None) is { } raced)
            {
                return raced;
            }
            throw;
        }
        signal.Wake();
        return new SendReplyResult.Queued(outbound.Id, outbox.Id, WasAlreadyQueued: false);
    }

    private async Task<SendReplyResult.Queued?> FindQueuedAsync(string composeId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.Set<OutboxMail>().AsNoTracking()
            .Where(o => o.IdempotencyKey == composeId)
            .Select(o => new { o.Id, o.TicketMessageId })
            .SingleOrDefaultAsync(ct);
        return found is null ? null : new SendReplyResult.Queued(found.TicketMessageId ?? 0, found.Id, WasAlreadyQueued: true);
    }

    private static string CollapseBlankLines(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text.Replace("\r\n", "\n"), @"\n{3,}", "\n\n").Trim('\n') + "\n";

    internal static MimeMessage BuildMime(
        string senderName, string senderAddress, ReplyInput input, string subject, string text,
        int ticketNumber, string? answeredMessageId, string? answeredReferences, DateTimeOffset now)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(senderName, senderAddress));
        foreach (var to in ReplyAddresses.Split(input.To))
        {
            message.To.Add(MailboxAddress.Parse(to));
        }
        foreach (var cc in ReplyAddresses.Split(input.Cc))
        {
            message.Cc.Add(MailboxAddress.Parse(cc));
        }
        message.Subject = subject;
        message.Date = now;
        message.MessageId = OutgoingMessageIds.Create(ticketNumber, senderAddress);
        answeredMessageId = answeredMessageId?.Trim().Trim('<', '>');
        if (!string.IsNullOrEmpty(answeredMessageId))
        {
            message.InReplyTo = answeredMessageId;
            if (!string.IsNullOrEmpty(answeredReferences))
            {
                foreach (var reference in MimeUtils.EnumerateReferences(answeredReferences))
                {
                    message.References.Add(reference);
                }
            }
            if (!message.References.Contains(answeredMessageId))
            {
                message.References.Add(answeredMessageId);
            }
        }
        var body = new BodyBuilder { TextBody = text, HtmlBody = ReplyText.ToHtml(text) };
        foreach (var attachment in input.Attachments)
        {
            var contentType = ContentType.TryParse(attachment.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
            body.Attachments.Add(attachment.FileName, attachment.Content, contentType);
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Puts a failed mail back in the queue at once, with a fresh set of attempts.</summary>
    public async Task<bool> RetryAsync(int outboxMailId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var ticketId = await db.Set<OutboxMail>().Where(o => o.Id == outboxMailId).Select(o => o.TicketId).SingleOrDefaultAsync(ct);
        var updated = await db.Set<OutboxMail>()
            .Where(o => o.Id == outboxMailId && (o.State == DeliveryState.Failed || o.State == DeliveryState.Queued))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, DeliveryState.Queued).SetProperty(o => o.Attempts, 0).SetProperty(o => o.NextAttemptAt, now), ct);
        if (updated == 0)
        {
            return false;
        }
        if (ticketId is int id)
        {
            notifier.Publish([id], TicketFields.Delivery);
        }
        signal.Wake();
        return true;
    }

    public async Task<ReplyInput?> LoadDraftAsync(int ticketId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var draft = await db.Set<ReplyDraft>().AsNoTracking().Include(d => d.Attachments)
            .SingleOrDefaultAsync(d => d.TicketId == ticketId && d.UserId == userId, ct);
        return draft is null ? null : new ReplyInput
        {
            ComposeId = draft.ComposeId,
            TicketId = draft.TicketId,
            AnsweredMessageId = draft.AnsweredMessageId,
            Subject = draft.Subject,
            To = draft.To,
            Cc = draft.Cc,
            StatusAfterSending = draft.StatusAfterSending,
            Body = draft.Body,
            Attachments = draft.Attachments.OrderBy(a => a.Id).Select(a => new ReplyAttachmentInput(a.FileName, a.ContentType, a.Content)).ToList(),
        };
    }

    /// <summary>Keeps the form as it is, attachments included; one draft per agent and ticket.</summary>
    public async Task<FieldErrors> SaveDraftAsync(ReplyInput input, string userId, CancellationToken ct = default)
    {
        var errors = ValidateAttachments(input.Attachments);
        if (errors.Count > 0)
        {
            return errors;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<ReplyDraft>().Where(d => d.TicketId == input.TicketId && d.UserId == userId).ExecuteDeleteAsync(ct);
        db.Add(new ReplyDraft
        {
            TicketId = input.TicketId,
            UserId = userId,
            ComposeId = input.ComposeId,
            AnsweredMessageId = input.AnsweredMessageId,
            Subject = MailOutbox.Truncate(input.Subject, 1000),
            To = MailOutbox.Truncate(input.To, 4000),
            Cc = MailOutbox.Truncate(input.Cc, 4000),
            StatusAfterSending = input.StatusAfterSending,
            Body = input.Body,
            UpdatedAt = clock.GetUtcNow().UtcDateTime,
            Attachments = input.Attachments.Select(a => new ReplyDraftAttachment { FileName = a.FileName, ContentType = a.ContentType, Content = a.Content }).ToList(),
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return errors;
    }

    /// <summary>
    /// Keeps an uploaded file with the agent's draft on the ticket (made if there is none), under the compose form's
    /// limits, so that a reply sent later can take it by its id; sending the reply clears the draft with it.
    /// </summary>
    public async Task<(int? Id, FieldErrors Errors)> AddDraftAttachmentAsync(int ticketId, string userId, ReplyAttachmentInput file, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var draft = await db.Set<ReplyDraft>().Include(d => d.Attachments).SingleOrDefaultAsync(d => d.TicketId == ticketId && d.UserId == userId, ct);
        var kept = draft?.Attachments.Select(a => new ReplyAttachmentInput(a.FileName, a.ContentType, a.Content)).ToList() ?? [];
        var errors = ValidateAttachments([.. kept, file]);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        if (draft is null)
        {
            draft = new ReplyDraft { TicketId = ticketId, UserId = userId, ComposeId = Guid.NewGuid().ToString("N") };
            db.Add(draft);
        }
        draft.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        var attachment = new ReplyDraftAttachment
        {
            FileName = MailOutbox.Truncate(SafeFileName.From(file.FileName), 500),
            ContentType = MailOutbox.Truncate(string.IsNullOrWhiteSpace(file.ContentType) ? "application/octet-stream" : file.ContentType, 200),
            Content = file.Content,
        };
        draft.Attachments.Add(attachment);
        await db.SaveChangesAsync(ct);
        return (attachment.Id, errors);
    }

    /// <summary>Files kept with the agent's draft on the ticket, by id; null when any id is not one of them.</summary>
    public async Task<List<ReplyAttachmentInput>?> DraftAttachmentsAsync(int ticketId, string userId, IReadOnlyCollection<int> ids, CancellationToken ct = default)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.Set<ReplyDraftAttachment>().AsNoTracking()
            .Where(a => ids.Contains(a.Id) && a.Draft.TicketId == ticketId && a.Draft.UserId == userId)
            .OrderBy(a => a.Id)
            .Select(a => new { a.Id, File = new ReplyAttachmentInput(a.FileName, a.ContentType, a.Content) })
            .ToListAsync(ct);
        return found.Count == ids.Distinct().Count() ? found.Select(a => a.File).ToList() : null;
    }

    public async Task DeleteDraftAsync(int ticketId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<ReplyDraft>().Where(d => d.TicketId == ticketId && d.UserId == userId).ExecuteDeleteAsync(ct);
    }

    /// <summary>The delivery state of each outbound message of a ticket, by message id.</summary>
    public async Task<IReadOnlyDictionary<int, OutboxStatus>> GetDeliveryAsync(int ticketId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Set<OutboxMail>().AsNoTracking()
            .Where(o => o.TicketId == ticketId && o.TicketMessageId != null)
            .Select(o => new { MessageId = o.TicketMessageId!.Value, Status = new OutboxStatus(o.Id, o.State, o.Attempts, o.NextAttemptAt, o.LastError, o.SentCopy, o.SentCopyError) })
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.MessageId, r => r.Status);
    }
}
