using System.Diagnostics;
using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail;

public sealed record FetchProgress(int Done, int Total);

public sealed record FetchSummary(
    int Fetched, int NewTickets, int Threaded, int Duplicates, int Quarantined, TimeSpan Duration, string? Error = null)
{
    public bool Succeeded => Error is null;

    public static FetchSummary Failed(string error, TimeSpan duration = default) => new(0, 0, 0, 0, 0, duration, error);

    /// <summary>Several mailboxes' fetches as one: counts added, each failure named by its mailbox.</summary>
    public static FetchSummary Combine(IReadOnlyList<(string Mailbox, FetchSummary Summary)> parts) =>
        parts.Count == 1
            ? parts[0].Summary
            : new FetchSummary(
                parts.Sum(p => p.Summary.Fetched), parts.Sum(p => p.Summary.NewTickets), parts.Sum(p => p.Summary.Threaded),
                parts.Sum(p => p.Summary.Duplicates), parts.Sum(p => p.Summary.Quarantined),
                parts.Max(p => p.Summary.Duration),
                parts.Any(p => !p.Summary.Succeeded)
                    ? string.Join(" ", parts.Where(p => !p.Summary.Succeeded).Select(p => $"{p.Mailbox}: {p.Summary.Error}"))
                    : null);

    public override string ToString() =>
        Error is null
            ? Text.Of("fetched {0}, new tickets {1}, replies threaded {2}, duplicates skipped {3}, quarantined {4} in {5:0.0} s",
                Fetched, NewTickets, Threaded, Duplicates, Quarantined, Duration.TotalSeconds)
            : Text.Of("fetched {0}, new tickets {1}, replies threaded {2}, duplicates skipped {3}, quarantined {4} in {5:0.0} s; error: {6}",
                Fetched, NewTickets, Threaded, Duplicates, Quarantined, Duration.TotalSeconds, Error);
}

/// <summary>
/// Fetches a mailbox's folders by UID, never by \Seen: every UID above the committed high-water mark is downloaded,
/// imported in its own transaction, and only then flagged, moved or deleted on the server.
/// </summary>
public sealed class MailFetchService(
    IDbContextFactory<AppDbContext> dbFactory,
    MailboxConnector connector,
    MailImporter importer,
    MailboxLocks locks,
    TimeProvider clock,
    ILogger<MailFetchService> logger)
{
    public const int BatchSize = 100;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> running = new();

    private readonly CultureBoundHandlers<int> runStateChanged = new();

    /// <summary>Raised with the mailbox id when a fetch starts or ends, for pages that show the state live.</summary>
    public event Action<int>? RunStateChanged
    {
        add => runStateChanged.Add(value);
        remove => runStateChanged.Remove(value);
    }

    /// <summary>Raised after every fetch of a mailbox, whoever started it; the health monitor listens.</summary>
    public event Action<int, FetchSummary>? Fetched;

    public bool IsFetching(int mailboxId) => running.ContainsKey(mailboxId);
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Fetches every configured mailbox of the tenant side by side, so a slow or broken one never holds up another;
    /// the summary adds them up and names each failing mailbox.
    /// </summary>
    public async Task<FetchSummary> FetchTenantAsync(int tenantId, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        List<(int Id, string Name)> mailboxes;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            mailboxes = (await db.Set<Mailbox>().AsNoTracking().Where(m => m.TenantId == tenantId && m.Host != "" && m.UserName != "")
                    .OrderBy(m => m.Id).ToListAsync(ct))
                .Select(m => (m.Id, m.ToString())).ToList();
        }
        if (mailboxes.Count == 0)
        {
            return FetchSummary.Failed(Text.Of("No mailbox is configured for this tenant."));
        }
        if (mailboxes.Count == 1)
        {
            return await FetchMailboxAsync(mailboxes[0].Id, progress, ct);
        }
        var progressOf = new FetchProgress?[mailboxes.Count];
        var summaries = await Task.WhenAll(mailboxes.Select((mailbox, i) => FetchMailboxAsync(mailbox.Id, progress is null ? null : new SumOfProgress(progress, progressOf, i), ct)));
        return FetchSummary.Combine(summaries.Select((summary, i) => (mailboxes[i].Name, summary)).ToList());
    }

    public async Task<FetchSummary> FetchMailboxAsync(int mailboxId, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        Mailbox? mailbox;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            mailbox = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == mailboxId, ct);
        }
        if (mailbox is null || !mailbox.IsConfigured)
        {
            return FetchSummary.Failed(Text.Of("This mailbox is not configured."));
        }

        await using var held = await locks.TryAcquireAsync(mailboxId, LockWait, ct);
        if (held is null)
        {
            return FetchSummary.Failed(Text.Of("Another fetch of this mailbox is still running after {0:0} minutes.", LockWait.TotalMinutes));
        }

        var counts = new Counts();
        string? error = null;
        running[mailboxId] = 0;
        runStateChanged.Invoke(mailboxId);
        try
        {
            await FetchLockedAsync(mailbox, counts, progress, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (MailboxConnectionException ex)
        {
            error = ex.Message;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Fetching mailbox {Mailbox} stopped", mailboxId);
            error = ex is ServiceNotConnectedException or IOException or ImapProtocolException
                ? Text.Of("The connection to the mail server was lost after {0} message(s): {1} The next fetch continues where this one stopped.", counts.Fetched, ex.Message)
                : Text.Of("The fetch stopped after {0} message(s): {1}", counts.Fetched, ex.Message);
        }

        finally
        {
            running.TryRemove(mailboxId, out _);
        }

        var summary = new FetchSummary(counts.Fetched, counts.NewTickets, counts.Threaded, counts.Duplicates, counts.Quarantined, watch.Elapsed, error);
        await RecordRunAsync(mailboxId, summary, counts);
        runStateChanged.Invoke(mailboxId);
        try
        {
            Fetched?.Invoke(mailboxId, summary);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A listener to the fetch of mailbox {Mailbox} failed", mailboxId);
        }
        return summary;
    }

    /// <summary>Adds up the progress of mailboxes fetched side by side, reporting at once (not posted like Progress&lt;T&gt;).</summary>
    private sealed class SumOfProgress(IProgress<FetchProgress> total, FetchProgress?[] parts, int index) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value)
        {
            lock (parts)
            {
                parts[index] = value;
                total.Report(new FetchProgress(parts.Sum(p => p?.Done ?? 0), parts.Sum(p => p?.Total ?? 0)));
            }
        }
    }

    private sealed class Counts
    {
        public int Fetched;
        public int NewTickets;
        public int Threaded;
        public int Duplicates;
        public int Quarantined;
        /// <summary>The first UID not imported yet; known once the folder was searched, null when all are in.</summary>
        public long? OldestUnfetched;

        public void Add(ImportOutcome outcome)
        {
            Fetched++;
            switch (outcome)
            {
                case ImportOutcome.NewTicket: NewTickets++; break;
                case ImportOutcome.Threaded: Threaded++; break;
                case ImportOutcome.Duplicate: Duplicates++; break;
                case ImportOutcome.Quarantined: Quarantined++; break;
            }
        }
    }

    private async Task FetchLockedAsync(Mailbox mailbox, Counts counts, IProgress<FetchProgress>? progress, CancellationToken ct)
    {
        var endpoint = await connector.EndpointOfAsync(mailbox, ct);
        using var client = await connector.ConnectAsync(endpoint, ct);
        try
        {
            var total = 0;
            foreach (var folderName in mailbox.FolderList)
            {
                await FetchFolderAsync(mailbox, client, folderName, counts, found: count => total += count,
                    reportProgress: () => progress?.Report(new FetchProgress(counts.Fetched, total)), ct);
            }
        }
        finally
        {
            if (client.IsConnected)
            {
                try
                {
                    await client.DisconnectAsync(true, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    logger.LogDebug(ex, "Disconnect after fetch failed");
                }
            }
        }
    }

    private async Task FetchFolderAsync(
        Mailbox mailbox, ImapClient client, string folderPath, Counts counts, Action<int> found, Action reportProgress, CancellationToken ct)
    {
        var folder = await connector.OpenFolderAsync(client, folderPath, FolderAccess.ReadWrite, ct);
        var (folderName, uidValidity) = (folder.FullName, folder.UidValidity);
        var highestUid = await SyncFolderStateAsync(mailbox, folderName, folder.UidValidity, ct);
        await ApplyPendingAfterImportAsync(mailbox, folder, client, ct);

        var newUids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(folder.UidValidity, (uint)Math.Min(highestUid + 1, uint.MaxValue)), UniqueId.MaxValue)), ct))
            .Where(uid => uid.Id > highestUid)
            .OrderBy(uid => uid.Id)
            .ToList();
        counts.OldestUnfetched = newUids.Count > 0 ? newUids[0].Id : null;
        found(newUids.Count);
        reportProgress();

        var batches = newUids.Chunk(BatchSize).ToList();
        Task<DownloadedBatch>? download = batches.Count > 0 ? DownloadAsync(mailbox, folder, batches[0], ct) : null;
        for (var i = 0; download is not null; i++)
        {
            var downloaded = await download;
            // The next batch comes over IMAP while this one is written to the database. The connection is only
            // ever used by one of them at a time: the after-import flags wait until that download is done.
            download = i + 1 < batches.Count ? DownloadAsync(mailbox, folder, batches[i + 1], ct) : null;
            List<UniqueId> handled;
            try
            {
                handled = await Task.Run(() => ImportDownloadedAsync(mailbox, folderName, uidValidity, downloaded, counts, ct), ct);
            }
            catch
            {
                if (download is not null)
                {
                    await download.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                }
                throw;
            }
            counts.OldestUnfetched = i + 1 < batches.Count ? batches[i + 1][0].Id : null;
            reportProgress();
            if (download is not null)
            {
                await download.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
            await ApplyAfterImportAsync(mailbox, folder, client, handled, ct);
        }
    }

    /// <summary>Returns the committed high-water mark; a new UIDVALIDITY starts a rescan from zero.</summary>
    private async Task<long> SyncFolderStateAsync(Mailbox mailbox, string folderName, uint uidValidity, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var state = await db.Set<MailFolderState>().SingleOrDefaultAsync(s => s.TenantId == mailbox.TenantId && s.MailboxId == mailbox.Id && s.Folder == folderName, ct);
        if (state is null)
        {
            db.Set<MailFolderState>().Add(new MailFolderState { TenantId = mailbox.TenantId, MailboxId = mailbox.Id, Folder = folderName, UidValidity = uidValidity, HighestUid = 0 });
            await db.SaveChangesAsync(ct);
            return 0;
        }
        if (state.UidValidity != uidValidity)
        {
            logger.LogWarning("UIDVALIDITY of {Folder} of mailbox {Mailbox} changed from {Old} to {New}; rescanning, duplicates are skipped by Message-ID",
                folderName, mailbox.Id, state.UidValidity, uidValidity);
            state.UidValidity = uidValidity;
            state.HighestUid = 0;
            await db.SaveChangesAsync(ct);
            return 0;
        }
        return state.HighestUid;
    }

    /// <summary>A batch as the server gave it: whole messages, and only the headers of those over the size limit.</summary>
    private sealed record DownloadedBatch(
        UniqueId[] Uids, Dictionary<UniqueId, MailImporter.IncomingMail> Mails, Dictionary<UniqueId, (long Size, byte[] Headers)> Oversized);

    private static async Task<DownloadedBatch> DownloadAsync(Mailbox settings, IMailFolder folder, UniqueId[] batch, CancellationToken ct)
    {
        var sizes = (await folder.FetchAsync(batch, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct))
            .ToDictionary(s => s.UniqueId, s => (long?)s.Size);
        var wanted = batch.Where(uid => sizes.GetValueOrDefault(uid) is not long size || size <= settings.MaxMessageBytes).ToList();

        var raw = new Dictionary<UniqueId, byte[]>();
        if (wanted.Count > 0 && folder is ImapFolder imapFolder)
        {
            await imapFolder.GetStreamsAsync(wanted, async (_, _, uid, stream, token) =>
            {
                if (stream.CanSeek)
                {
                    var bytes = new byte[stream.Length - stream.Position];
                    await stream.ReadExactlyAsync(bytes, token);
                    raw[uid] = bytes;
                    return;
                }
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory, token);
                raw[uid] = memory.ToArray();
            }, ct);
        }

        var oversized = new Dictionary<UniqueId, (long, byte[])>();
        foreach (var uid in batch)
        {
            if (!raw.ContainsKey(uid) && sizes.GetValueOrDefault(uid) is long size && size > settings.MaxMessageBytes)
            {
                var headers = await folder.GetHeadersAsync(uid, ct);
                using var memory = new MemoryStream();
                headers.WriteTo(memory);
                oversized[uid] = (size, memory.ToArray());
            }
        }
        var (folderName, uidValidity) = (folder.FullName, folder.UidValidity);
        var mails = raw.ToDictionary(pair => pair.Key, pair => new MailImporter.IncomingMail(pair.Value, new MailPosition(folderName, uidValidity, pair.Key.Id, settings.Id)));
        foreach (var mail in mails.Values)
        {
            _ = mail.ParsedOrError;
        }
        return new DownloadedBatch(batch, mails, oversized);
    }

    /// <summary>The database side only: it never touches the IMAP connection, which the next download is using.</summary>
    private async Task<List<UniqueId>> ImportDownloadedAsync(
        Mailbox mailbox, string folderName, uint uidValidity, DownloadedBatch downloaded, Counts counts, CancellationToken ct)
    {
        // Strictly in UID order: the committed high-water mark must never pass a message that is not stored yet.
        var handled = new List<UniqueId>();
        var run = new List<UniqueId>();
        async Task ImportRunAsync()
        {
            if (run.Count == 0)
            {
                return;
            }
            var results = await importer.ImportBatchAsync(mailbox.TenantId, run.Select(uid => downloaded.Mails[uid]).ToList(), ct);
            foreach (var result in results)
            {
                counts.Add(result.Outcome);
            }
            handled.AddRange(run);
            run.Clear();
        }

        foreach (var uid in downloaded.Uids)
        {
            if (downloaded.Mails.ContainsKey(uid))
            {
                run.Add(uid);
                continue;
            }
            await ImportRunAsync();
            if (downloaded.Oversized.TryGetValue(uid, out var oversized))
            {
                var position = new MailPosition(folderName, uidValidity, uid.Id, mailbox.Id);
                counts.Add((await QuarantineOversizedAsync(mailbox, oversized.Size, oversized.Headers, position, ct)).Outcome);
            }
            // Otherwise the server listed the UID but returned no body: it was expunged meanwhile. Nothing to import.
        }
        await ImportRunAsync();
        return handled;
    }

    private async Task<ImportResult> QuarantineOversizedAsync(
        Mailbox settings, long size, byte[] headerBytes, MailPosition position, CancellationToken ct)
    {
        ParsedMail? parsed = null;
        try
        {
            parsed = ParsedMail.Parse([.. headerBytes, .. "\r\n"u8]);
        }
        catch (FormatException)
        {
        }
        var reason = Text.Of("Larger than the limit of {0:0.#} MB ({1:0.#} MB). Only the headers are stored; the message stays in the mailbox.", settings.MaxMessageBytes / 1048576.0, size / 1048576.0);
        return await importer.QuarantineAsync(settings.TenantId, headerBytes, position, reason, parsed, ct, rawIsComplete: false, size: size);
    }

    private async Task ApplyPendingAfterImportAsync(Mailbox mailbox, IMailFolder folder, ImapClient client, CancellationToken ct)
    {
        List<UniqueId> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var folderName = folder.FullName;
            var validity = (long)folder.UidValidity;
            pending = (await db.Set<ImportedMail>()
                    .Where(m => m.MailboxId == mailbox.Id && m.Folder == folderName && m.UidValidity == validity && !m.AfterImportApplied)
                    .Select(m => m.Uid)
                    .ToListAsync(ct))
                .Select(uid => new UniqueId(folder.UidValidity, (uint)uid))
                .ToList();
        }
        foreach (var batch in pending.Chunk(BatchSize))
        {
            await ApplyAfterImportAsync(mailbox, folder, client, batch, ct);
        }
    }

    private async Task ApplyAfterImportAsync(
        Mailbox settings, IMailFolder folder, ImapClient client, IList<UniqueId> uids, CancellationToken ct)
    {
        if (uids.Count == 0)
        {
            return;
        }
        switch (settings.AfterImport)
        {
            case AfterImportAction.MoveToFolder when !string.IsNullOrWhiteSpace(settings.MoveToFolder):
                var destination = await client.GetFolderAsync(settings.MoveToFolder, ct);
                await folder.MoveToAsync(uids, destination, ct);
                break;
            case AfterImportAction.Delete:
                await folder.AddFlagsAsync(uids, MessageFlags.Deleted, silent: true, ct);
                if (client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
                {
                    await folder.ExpungeAsync(uids, ct);
                }
                else
                {
                    await folder.ExpungeAsync(ct);
                }
                break;
            default:
                await folder.AddFlagsAsync(uids, MessageFlags.Seen, silent: true, ct);
                break;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var folderName = folder.FullName;
        var validity = (long)folder.UidValidity;
        var ids = uids.Select(u => (long)u.Id).ToList();
        await db.Set<ImportedMail>()
            .Where(m => m.MailboxId == settings.Id && m.Folder == folderName && m.UidValidity == validity && ids.Contains(m.Uid))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.AfterImportApplied, true), ct);
    }

    private async Task RecordRunAsync(int mailboxId, FetchSummary summary, Counts counts)
    {
        try
        {
            var text = (summary with { Error = null }).ToString();
            var now = clock.GetUtcNow().UtcDateTime;
            await using var db = await dbFactory.CreateDbContextAsync();
            var query = db.Set<Mailbox>().Where(m => m.Id == mailboxId);
            if (summary.Succeeded)
            {
                await query.ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.LastRunAt, now)
                    .SetProperty(x => x.LastRunSeconds, summary.Duration.TotalSeconds)
                    .SetProperty(x => x.LastRunSummary, text)
                    .SetProperty(x => x.LastRunError, (string?)null)
                    .SetProperty(x => x.LastSuccessAt, now)
                    .SetProperty(x => x.FailingSince, (DateTime?)null)
                    .SetProperty(x => x.OldestUnfetchedUid, (long?)null));
                return;
            }
            await query.ExecuteUpdateAsync(s => s
                .SetProperty(x => x.LastRunAt, now)
                .SetProperty(x => x.LastRunSeconds, summary.Duration.TotalSeconds)
                .SetProperty(x => x.LastRunSummary, text)
                .SetProperty(x => x.LastRunError, summary.Error)
                .SetProperty(x => x.FailingSince, x => x.FailingSince ?? now)
                // Unknown when the server could not be searched: the last known value stays.
                .SetProperty(x => x.OldestUnfetchedUid, x => counts.OldestUnfetched ?? x.OldestUnfetchedUid));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record the fetch run of mailbox {Mailbox}", mailboxId);
        }
    }
}
