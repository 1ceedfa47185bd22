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

    public override string ToString() =>
        Error is null
            ? Text.Of("fetched {0}, new tickets {1}, replies threaded {2}, duplicates skipped {3}, quarantined {4} in {5:0.0} s",
                Fetched, NewTickets, Threaded, Duplicates, Quarantined, Duration.TotalSeconds)
            : Text.Of("fetched {0}, new tickets {1}, replies threaded {2}, duplicates skipped {3}, quarantined {4} in {5:0.0} s; error: {6}",
                Fetched, NewTickets, Threaded, Duplicates, Quarantined, Duration.TotalSeconds, Error);
}

/// <summary>
/// Fetches a tenant's mailbox by UID, never by \Seen: every UID above the committed high-water mark is downloaded,
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

    /// <summary>Raised when a fetch of a tenant starts or ends, for pages that show the state live.</summary>
    public event Action<int>? RunStateChanged
    {
        add => runStateChanged.Add(value);
        remove => runStateChanged.Remove(value);
    }

    public bool IsFetching(int tenantId) => running.ContainsKey(tenantId);
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(2);

    public async Task<FetchSummary> FetchAsync(int tenantId, IProgress<FetchProgress>? progress = null, CancellationToken ct = default)
    {
        var watch = Stopwatch.StartNew();
        MailboxSettings? settings;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            settings = await db.Set<MailboxSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId, ct);
        }
        if (settings is null || !settings.IsConfigured)
        {
            return FetchSummary.Failed(Text.Of("No mailbox is configured for this tenant."));
        }

        await using var held = await locks.TryAcquireAsync(tenantId, LockWait, ct);
        if (held is null)
        {
            return FetchSummary.Failed(Text.Of("Another fetch of this mailbox is still running after {0:0} minutes.", LockWait.TotalMinutes));
        }

        var counts = new Counts();
        string? error = null;
        running[tenantId] = 0;
        runStateChanged.Invoke(tenantId);
        try
        {
            await FetchLockedAsync(tenantId, settings, counts, progress, ct);
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
            logger.LogWarning(ex, "Fetching the mailbox of tenant {Tenant} stopped", tenantId);
            error = ex is ServiceNotConnectedException or IOException or ImapProtocolException
                ? Text.Of("The connection to the mail server was lost after {0} message(s): {1} The next fetch continues where this one stopped.", counts.Fetched, ex.Message)
                : Text.Of("The fetch stopped after {0} message(s): {1}", counts.Fetched, ex.Message);
        }

        finally
        {
            running.TryRemove(tenantId, out _);
        }

        var summary = new FetchSummary(counts.Fetched, counts.NewTickets, counts.Threaded, counts.Duplicates, counts.Quarantined, watch.Elapsed, error);
        await RecordRunAsync(tenantId, summary);
        runStateChanged.Invoke(tenantId);
        return summary;
    }

    private sealed class Counts
    {
        public int Fetched;
        public int NewTickets;
        public int Threaded;
        public int Duplicates;
        public int Quarantined;

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

    private async Task FetchLockedAsync(int tenantId, MailboxSettings settings, Counts counts, IProgress<FetchProgress>? progress, CancellationToken ct)
    {
        var endpoint = connector.EndpointOf(settings);
        using var client = await connector.ConnectAsync(endpoint, ct);
        try
        {
            var folder = await connector.OpenFolderAsync(client, settings.Folder, FolderAccess.ReadWrite, ct);
            var (folderName, uidValidity) = (folder.FullName, folder.UidValidity);
            var highestUid = await SyncFolderStateAsync(tenantId, folderName, folder.UidValidity, ct);
            await ApplyPendingAfterImportAsync(tenantId, settings, folder, client, ct);

            var newUids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(folder.UidValidity, (uint)Math.Min(highestUid + 1, uint.MaxValue)), UniqueId.MaxValue)), ct))
                .Where(uid => uid.Id > highestUid)
                .OrderBy(uid => uid.Id)
                .ToList();
            progress?.Report(new FetchProgress(0, newUids.Count));

            var batches = newUids.Chunk(BatchSize).ToList();
            Task<DownloadedBatch>? download = batches.Count > 0 ? DownloadAsync(settings, folder, batches[0], ct) : null;
            for (var i = 0; download is not null; i++)
            {
                var downloaded = await download;
                // The next batch comes over IMAP while this one is written to the database. The connection is only
                // ever used by one of them at a time: the after-import flags wait until that download is done.
                download = i + 1 < batches.Count ? DownloadAsync(settings, folder, batches[i + 1], ct) : null;
                List<UniqueId> handled;
                try
                {
                    handled = await Task.Run(() => ImportDownloadedAsync(tenantId, settings, folderName, uidValidity, downloaded, counts, ct), ct);
                }
                catch
                {
                    if (download is not null)
                    {
                        await download.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                    }
                    throw;
                }
                progress?.Report(new FetchProgress(counts.Fetched, newUids.Count));
                if (download is not null)
                {
                    await download.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                }
                await ApplyAfterImportAsync(tenantId, settings, folder, client, handled, ct);
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

    /// <summary>Returns the committed high-water mark; a new UIDVALIDITY starts a rescan from zero.</summary>
    private async Task<long> SyncFolderStateAsync(int tenantId, string folderName, uint uidValidity, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var state = await db.Set<MailFolderState>().SingleOrDefaultAsync(s => s.TenantId == tenantId && s.Folder == folderName, ct);
        if (state is null)
        {
            db.Set<MailFolderState>().Add(new MailFolderState { TenantId = tenantId, Folder = folderName, UidValidity = uidValidity, HighestUid = 0 });
            await db.SaveChangesAsync(ct);
            return 0;
        }
        if (state.UidValidity != uidValidity)
        {
            logger.LogWarning("UIDVALIDITY of {Folder} for tenant {Tenant} changed from {Old} to {New}; rescanning, duplicates are skipped by Message-ID",
                folderName, tenantId, state.UidValidity, uidValidity);
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

    private static async Task<DownloadedBatch> DownloadAsync(MailboxSettings settings, IMailFolder folder, UniqueId[] batch, CancellationToken ct)
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
        var mails = raw.ToDictionary(pair => pair.Key, pair => new MailImporter.IncomingMail(pair.Value, new MailPosition(folderName, uidValidity, pair.Key.Id)));
        foreach (var mail in mails.Values)
        {
            _ = mail.ParsedOrError;
        }
        return new DownloadedBatch(batch, mails, oversized);
    }

    /// <summary>The database side only: it never touches the IMAP connection, which the next download is using.</summary>
    private async Task<List<UniqueId>> ImportDownloadedAsync(
        int tenantId, MailboxSettings settings, string folderName, uint uidValidity, DownloadedBatch downloaded, Counts counts, CancellationToken ct)
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
            var results = await importer.ImportBatchAsync(tenantId, run.Select(uid => downloaded.Mails[uid]).ToList(), ct);
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
                var position = new MailPosition(folderName, uidValidity, uid.Id);
                counts.Add((await QuarantineOversizedAsync(tenantId, settings, oversized.Size, oversized.Headers, position, ct)).Outcome);
            }
            // Otherwise the server listed the UID but returned no body: it was expunged meanwhile. Nothing to import.
        }
        await ImportRunAsync();
        return handled;
    }

    private async Task<ImportResult> QuarantineOversizedAsync(
        int tenantId, MailboxSettings settings, long size, byte[] headerBytes, MailPosition position, CancellationToken ct)
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
        return await importer.QuarantineAsync(tenantId, headerBytes, position, reason, parsed, ct, rawIsComplete: false, size: size);
    }

    private async Task ApplyPendingAfterImportAsync(int tenantId, MailboxSettings settings, IMailFolder folder, ImapClient client, CancellationToken ct)
    {
        List<UniqueId> pending;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var folderName = folder.FullName;
            var validity = (long)folder.UidValidity;
            pending = (await db.Set<ImportedMail>()
                    .Where(m => m.TenantId == tenantId && m.Folder == folderName && m.UidValidity == validity && !m.AfterImportApplied)
                    .Select(m => m.Uid)
                    .ToListAsync(ct))
                .Select(uid => new UniqueId(folder.UidValidity, (uint)uid))
                .ToList();
        }
        foreach (var batch in pending.Chunk(BatchSize))
        {
            await ApplyAfterImportAsync(tenantId, settings, folder, client, batch, ct);
        }
    }

    private async Task ApplyAfterImportAsync(
        int tenantId, MailboxSettings settings, IMailFolder folder, ImapClient client, IList<UniqueId> uids, CancellationToken ct)
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
            .Where(m => m.TenantId == tenantId && m.Folder == folderName && m.UidValidity == validity && ids.Contains(m.Uid))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.AfterImportApplied, true), ct);
    }

    private async Task RecordRunAsync(int tenantId, FetchSummary summary)
    {
        try
        {
            var counts = (summary with { Error = null }).ToString();
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Set<MailboxSettings>().Where(s => s.TenantId == tenantId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.LastRunAt, clock.GetUtcNow().UtcDateTime)
                .SetProperty(x => x.LastRunSeconds, summary.Duration.TotalSeconds)
                .SetProperty(x => x.LastRunSummary, counts)
                .SetProperty(x => x.LastRunError, summary.Error));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record the fetch run of tenant {Tenant}", tenantId);
        }
    }
}
