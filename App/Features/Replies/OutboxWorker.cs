using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using MailKit;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace BlazorTickets.Features.Replies;

/// <summary>
/// Sends what the outbox holds. Each mail is claimed with a conditional update (Queued and due → Sending), so two
/// workers never send the same row. A mail becomes Sent only after the server accepted it; then, in the same
/// transaction, its ticket takes the status chosen for after sending. Failures wait with a growing backoff; a
/// permanent refusal (5xx) or too many attempts mark the mail Failed with the server's reason.
/// </summary>
public sealed class OutboxWorker(
    IDbContextFactory<AppDbContext> dbFactory,
    SmtpConnector smtp,
    MailboxConnector mailboxes,
    OutboxSignal signal,
    TicketChangeNotifier notifier,
    TimeProvider clock,
    ILogger<OutboxWorker> logger,
    PostgresSessionLocks? sharedDatabase = null) : BackgroundService
{
    /// <summary>Other nodes share this outbox (PostgreSQL).</summary>
    private bool Shared => sharedDatabase is not null;

    public static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(30);
    private static readonly string SentBy = Text.Of("Mail outbox");

    /// <summary>The <see cref="UntrackedChange.Property"/> of an outbound message that went out.</summary>
    public const string MessageSent = "Sent";

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(30 * Math.Pow(2, Math.Max(0, attempts - 1)), TimeSpan.FromMinutes(30).TotalSeconds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await RecoverAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "The outbox could not recover interrupted sends");
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = IdlePoll;
            try
            {
                if (Shared)
                {
                    // A node that died mid-send left its claim behind.
                    await RequeueInterruptedAsync(stoppingToken);
                }
                await ProcessDueAsync(stoppingToken);
                wait = await TimeUntilNextDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The outbox run failed; trying again shortly");
            }
            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// How long a claim (Sending since <see cref="OutboxMail.ClaimedAt"/>) holds when several nodes share the outbox
    /// (PostgreSQL). The sending node renews it every <see cref="ClaimRenewal"/>, so an older claim is a dead node's.
    /// </summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ClaimRenewal = TimeSpan.FromMinutes(1);

    /// <summary>
    /// After a restart, mails left in Sending were interrupted mid-send. They go back to the queue: sending one again
    /// may deliver it twice, but with the same Message-ID, and nothing is lost. On PostgreSQL other nodes may be
    /// sending right now, so only claims that ran out (<see cref="ClaimTimeout"/>) go back.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken ct = default)
    {
        var count = await RequeueInterruptedAsync(ct);
        await CatchUpSentCopiesAsync(ct);
        return count;
    }

    private async Task<int> RequeueInterruptedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var interrupted = db.Set<OutboxMail>().Where(o => o.State == DeliveryState.Sending);
        if (Shared)
        {
            var expired = now - ClaimTimeout;
            interrupted = interrupted.Where(o => o.ClaimedAt == null || o.ClaimedAt < expired);
        }
        var ticketIds = await interrupted.Where(o => o.TicketId != null).Select(o => o.TicketId!.Value).ToListAsync(ct);
        var count = await interrupted
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, DeliveryState.Queued).SetProperty(o => o.NextAttemptAt, now).SetProperty(o => o.ClaimedAt, (DateTime?)null), ct);
        Publish(ticketIds);
        return count;
    }

    /// <summary>Copies to the Sent folder that a stop or crash interrupted after the mail went out.</summary>
    private async Task CatchUpSentCopiesAsync(CancellationToken ct)
    {
        List<(OutboxMail Mail, string Folder)> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            pending = (await db.Set<OutboxMail>().AsNoTracking()
                    .Where(o => o.State == DeliveryState.Sent && o.SentCopy == SentCopyState.Pending)
                    .Join(db.Set<SmtpSettings>(), o => o.TenantId, s => s.TenantId, (o, s) => new { Mail = o, s.SentFolder })
                    .ToListAsync(ct))
                .Select(p => (p.Mail, p.SentFolder))
                .ToList();
        }
        foreach (var (mail, folder) in pending)
        {
            await CopyToSentAsync(mail, folder, ct);
        }
    }

    private async Task<TimeSpan> TimeUntilNextDueAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var next = await db.Set<OutboxMail>().Where(o => o.State == DeliveryState.Queued).OrderBy(o => o.NextAttemptAt).Select(o => (DateTime?)o.NextAttemptAt).FirstOrDefaultAsync(ct);
        if (next is null)
        {
            return IdlePoll;
        }
        var until = next.Value - clock.GetUtcNow().UtcDateTime;
        return until <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : until < IdlePoll ? until : IdlePoll;
    }

    /// <summary>Sends every mail that is due now, one after another; returns how many the server accepted.</summary>
    public async Task<int> ProcessDueAsync(CancellationToken ct = default)
    {
        var sent = 0;
        var skipped = new HashSet<int>();
        while (true)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            int candidate;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                candidate = await db.Set<OutboxMail>()
                    .Where(o => o.State == DeliveryState.Queued && o.NextAttemptAt <= now && !skipped.Contains(o.Id))
                    .OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id)
                    .Select(o => o.Id)
                    .FirstOrDefaultAsync(ct);
                if (candidate == 0)
                {
                    return sent;
                }
                var claimed = await db.Set<OutboxMail>()
                    .Where(o => o.Id == candidate && o.State == DeliveryState.Queued && o.NextAttemptAt <= now)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(o => o.State, DeliveryState.Sending)
                        .SetProperty(o => o.ClaimedAt, now)
                        .SetProperty(o => o.Attempts, o => o.Attempts + 1), ct);
                if (claimed == 0)
                {
                    // Another worker took it.
                    skipped.Add(candidate);
                    continue;
                }
            }
            skipped.Add(candidate);
            if (await DeliverAsync(candidate, ct))
            {
                sent++;
            }
        }
    }

    private async Task<bool> DeliverAsync(int id, CancellationToken ct)
    {
        OutboxMail mail;
        SmtpSettings? settings;
        Mailbox? mailbox;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            mail = await db.Set<OutboxMail>().AsNoTracking().SingleAsync(o => o.Id == id, ct);
            settings = await db.Set<SmtpSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.TenantId == mail.TenantId, ct);
            mailbox = await OwnSmtpMailboxAsync(db, mail, ct);
        }
        Publish(mail.TicketId);
        if (mailbox is null && (settings is null || !settings.IsConfigured))
        {
            await RecordFailureAsync(mail, Text.Of("This tenant has no SMTP server configured."), permanent: false);
            return false;
        }
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewal = Shared ? RenewClaimWhileSendingAsync(id, sending.Token) : Task.CompletedTask;
        try
        {
            SmtpEndpoint endpoint;
            try
            {
                endpoint = mailbox is not null && await mailboxes.SmtpEndpointOfAsync(mailbox, ct) is { } own
                    ? SmtpEndpoint.Of(own)
                    : smtp.EndpointOf(settings!);
            }
            catch (MailboxConnectionException ex)
            {
                // An OAuth2 mailbox that must be connected again: the mail waits, it is not lost.
                await RecordFailureAsync(mail, ex.Message, permanent: false);
                return false;
            }
            var response = await smtp.SendAsync(endpoint, mail.RawMime, ct);
            logger.LogInformation("Outbox mail {Id} accepted: {Response}", mail.Id, response);
        }
        catch (SmtpDeliveryException ex)
        {
            await RecordFailureAsync(mail, ex.Message, ex.IsPermanent);
            return false;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await db.Set<OutboxMail>().Where(o => o.Id == id && o.State == DeliveryState.Sending)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, DeliveryState.Queued).SetProperty(o => o.Attempts, o => o.Attempts - 1), CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Outbox mail {Id} could not be sent", mail.Id);
            await RecordFailureAsync(mail, ex.Message, permanent: false);
            return false;
        }
        finally
        {
            await sending.CancelAsync();
            await renewal;
        }
        var copyToSent = settings?.CopyToSentFolder == true;
        await RecordSentAsync(mail, copyToSent);
        if (copyToSent)
        {
            await CopyToSentAsync(mail, settings!.SentFolder, ct);
        }
        return true;
    }

    /// <summary>The mailbox a reply's ticket came in through, when it sends with an SMTP server of its own.</summary>
    private static async Task<Mailbox?> OwnSmtpMailboxAsync(AppDbContext db, OutboxMail mail, CancellationToken ct)
    {
        if (mail.TicketId is not int ticketId || mail.TicketMessageId is null)
        {
            return null;
        }
        var mailboxId = await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.MailboxId).SingleOrDefaultAsync(ct);
        return mailboxId is null ? null
            : await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == mailboxId && m.SmtpHost != null && m.SmtpHost != "", ct);
    }

    /// <summary>Keeps this node's claim fresh on PostgreSQL, where other nodes take over claims older than <see cref="ClaimTimeout"/>.</summary>
    private async Task RenewClaimWhileSendingAsync(int id, CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            while (true)
            {
                await Task.Delay(ClaimRenewal, ct);
                var now = clock.GetUtcNow().UtcDateTime;
                await db.Set<OutboxMail>().Where(o => o.Id == id && o.State == DeliveryState.Sending)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.ClaimedAt, now), ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning("Renewing the claim on outbox mail {Id} failed: {Message}", id, ex.Message);
        }
    }

    private async Task RecordSentAsync(OutboxMail mail, bool copyToSent)
    {
        // Once the server has the mail, the record must follow even if the app is stopping.
        var ct = CancellationToken.None;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<OutboxMail>().Where(o => o.Id == mail.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, DeliveryState.Sent)
            .SetProperty(o => o.SentAt, now)
            .SetProperty(o => o.LastError, (string?)null)
            .SetProperty(o => o.SentCopy, copyToSent ? SentCopyState.Pending : SentCopyState.NotWanted), ct);
        if (mail.TicketId is int ticketId)
        {
            // A customer who wrote again while the reply waited in the outbox is not answered by it: the ticket keeps
            // the status their mail gave it (Open) instead of looking Answered.
            var customerWroteSince = mail.TicketMessageId is int replyId && await db.Set<TicketMessage>().AnyAsync(m =>
                m.TicketId == ticketId && m.Id > replyId && m.Direction == MessageDirection.Inbound && !m.IsAutomatic, ct);
            if (mail.StatusAfterSending is TicketStatus status && !customerWroteSince)
            {
                var before = await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => (TicketStatus?)t.Status).SingleOrDefaultAsync(ct);
                if (before is TicketStatus old && old != status)
                {
                    using var acting = TicketHistory.ActAs(HistoryActor.Job(SentBy));
                    db.Add(TicketHistory.Entry(ticketId, HistoryKind.Status, nameof(Ticket.Status), TicketHistoryValues.Format(old), TicketHistoryValues.Format(status), isInternal: false, now));
                    await db.SaveChangesAsync(ct);
                }
                await db.Set<Ticket>().Where(t => t.Id == ticketId).ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Status, status)
                    .SetProperty(t => t.LastMessageAt, now)
                    .SetProperty(t => t.UpdatedAt, now)
                    .SetProperty(t => t.UpdatedBy, SentBy)
                    .SetProperty(t => t.Version, t => t.Version + 1), ct);
                if (before is TicketStatus changedFrom && changedFrom != status)
                {
                    db.NoteUntrackedChange(new UntrackedChange(typeof(Ticket), ticketId, nameof(Ticket.Status), changedFrom, status));
                }
            }
        }
        if (mail.TicketMessageId is int sentMessageId)
        {
            db.NoteUntrackedChange(new UntrackedChange(typeof(TicketMessage), sentMessageId, MessageSent, false, true));
        }
        // Lets the save interceptors (webhooks) write what follows from the updates above into this transaction.
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        Publish(mail.TicketId);
    }

    private async Task RecordFailureAsync(OutboxMail mail, string reason, bool permanent)
    {
        var ct = CancellationToken.None;
        var now = clock.GetUtcNow().UtcDateTime;
        // The claim already counted this attempt.
        var attempts = mail.Attempts;
        var failed = permanent || attempts >= OutboxMail.MaxAttempts;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<OutboxMail>().Where(o => o.Id == mail.Id && o.State == DeliveryState.Sending).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, failed ? DeliveryState.Failed : DeliveryState.Queued)
            .SetProperty(o => o.NextAttemptAt, now + Backoff(attempts))
            .SetProperty(o => o.LastError, MailOutbox.Truncate(reason, 2000))
            .SetProperty(o => o.ClaimedAt, (DateTime?)null), ct);
        logger.LogWarning("Outbox mail {Id}, attempt {Attempt}: {Reason}{Final}", mail.Id, attempts, reason, failed ? " (given up)" : "");
        Publish(mail.TicketId);
    }

    /// <summary>Appends the sent mail to the tenant's IMAP Sent folder. A failure is recorded apart and never re-sends the mail.</summary>
    private async Task CopyToSentAsync(OutboxMail mail, string folderName, CancellationToken ct)
    {
        string? error = null;
        try
        {
            Mailbox? mailbox;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                // The copy goes to the mailbox the ticket came in through, else to the tenant's first one.
                var ticketMailboxId = mail.TicketId is int ticketId
                    ? await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.MailboxId).SingleOrDefaultAsync(ct)
                    : null;
                mailbox = await db.Set<Mailbox>().AsNoTracking()
                    .Where(m => m.TenantId == mail.TenantId && m.Host != "")
                    .OrderBy(m => m.Id == ticketMailboxId ? 0 : 1).ThenBy(m => m.Id)
                    .FirstOrDefaultAsync(ct);
            }
            if (mailbox is null || !mailbox.IsConfigured)
            {
                error = Text.Of("The tenant has no IMAP mailbox for the copy in the Sent folder.");
            }
            else
            {
                using var client = await mailboxes.ConnectAsync(await mailboxes.EndpointOfAsync(mailbox, ct), ct);
                IMailFolder? folder;
                try
                {
                    folder = await client.GetFolderAsync(folderName, ct);
                }
                catch (FolderNotFoundException)
                {
                    var root = client.GetFolder(client.PersonalNamespaces[0]);
                    folder = await root.CreateAsync(folderName, isMessageFolder: true, ct)
                        ?? throw new InvalidOperationException(Text.Of("The folder \"{0}\" could not be created.", folderName));
                }
                using var stream = new MemoryStream(mail.RawMime, writable: false);
                var message = await MimeMessage.LoadAsync(stream, ct);
                // A copy caught up after a crash may already be there (appended, but not yet recorded): never twice.
                var alreadyThere = false;
                if (message.MessageId is { Length: > 0 } messageId)
                {
                    await folder.OpenAsync(FolderAccess.ReadOnly, ct);
                    alreadyThere = (await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId), ct)).Count > 0;
                    await folder.CloseAsync(false, ct);
                }
                if (!alreadyThere)
                {
                    await folder.AppendAsync(message, MessageFlags.Seen, ct);
                }
                await client.DisconnectAsync(true, ct);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            error = ex is MailboxConnectionException ? ex.Message : Text.Of("The copy in the Sent folder failed: {0}", ex.Message);
        }
        await using var update = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        await update.Set<OutboxMail>().Where(o => o.Id == mail.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.SentCopy, error is null ? SentCopyState.Done : SentCopyState.Failed)
            .SetProperty(o => o.SentCopyError, error), CancellationToken.None);
        Publish(mail.TicketId);
    }

    private void Publish(int? ticketId)
    {
        if (ticketId is int id)
        {
            notifier.Publish([id], SentFields);
        }
    }

    private void Publish(IReadOnlyCollection<int> ticketIds) => notifier.Publish(ticketIds, SentFields);

    // Written with ExecuteUpdate, which the change tracker does not see: the delivery state and, once sent, the ticket's status and dates.
    private const TicketFields SentFields = TicketFields.Delivery | TicketFields.Status | TicketFields.LastMessageAt | TicketFields.Updated;
}
