using BlazorTickets.Data;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace BlazorTickets.Features.Mail;

/// <summary>The scheduled fetch of one mailbox.</summary>
[DisallowConcurrentExecution]
public sealed class MailFetchJob(MailFetchService fetcher, MailFetchBackoff backoff, ILogger<MailFetchJob> logger) : IJob
{
    public const string MailboxIdKey = "mailboxId";
    public const string Group = "mail-fetch";

    public static JobKey KeyOf(int mailboxId) => new($"mailbox-{mailboxId}", Group);
    public static TriggerKey TriggerOf(int mailboxId) => new($"mailbox-{mailboxId}", Group);

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        new(RunAsync(context.MergedJobDataMap.GetInt(MailboxIdKey), cancellationToken));

    /// <summary>One scheduled fetch, unless the mailbox failed lately and its backoff has not run out.</summary>
    /// <returns>Whether a fetch was attempted.</returns>
    public async Task<bool> RunAsync(int mailboxId, CancellationToken ct)
    {
        if (backoff.WaitBefore(mailboxId) > TimeSpan.Zero)
        {
            return false;
        }
        var summary = await fetcher.FetchMailboxAsync(mailboxId, ct: ct);
        if (summary.Succeeded)
        {
            backoff.Succeeded(mailboxId);
            return true;
        }
        var (delay, failures) = backoff.Failed(mailboxId);
        logger.LogWarning("Scheduled fetch of mailbox {Mailbox} failed ({Failures} in a row); scheduled fetches pause for {Delay}: {Summary}",
            mailboxId, failures, delay, summary);
        return true;
    }
}

/// <summary>
/// Keeps one durable Quartz job per configured mailbox, with a cron trigger while the schedule is enabled. The jobs are
/// set up once the web server listens (<see cref="StartedAsync"/>), so that reading the mailboxes does not delay the
/// first page; the host's start still waits for them.
/// </summary>
public sealed class MailSchedule(ISchedulerFactory schedulerFactory, IDbContextFactory<AppDbContext> dbFactory, MailboxService settingsService, ILogger<MailSchedule> logger)
    : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken ct)
    {
        settingsService.Changed += OnSettingsChanged;
        return Task.CompletedTask;
    }

    public async Task StartedAsync(CancellationToken ct)
    {
        List<int> mailboxIds;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            mailboxIds = await db.Set<Mailbox>().Select(m => m.Id).ToListAsync(ct);
        }
        // Jobs of mailboxes that are gone, and those of the single mailbox per tenant before there were several.
        var scheduler = await schedulerFactory.GetScheduler(ct);
        var current = mailboxIds.Select(MailFetchJob.KeyOf).ToHashSet();
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(MailFetchJob.Group), ct))
        {
            if (!current.Contains(key))
            {
                await scheduler.DeleteJob(key, ct);
            }
        }
        foreach (var mailboxId in mailboxIds)
        {
            await SyncAsync(mailboxId, ct);
        }
    }

    public Task StopAsync(CancellationToken ct)
    {
        settingsService.Changed -= OnSettingsChanged;
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;

    private void OnSettingsChanged(MailboxChanged change) => _ = SyncSafelyAsync(change.MailboxId);

    private async Task SyncSafelyAsync(int mailboxId)
    {
        try
        {
            await SyncAsync(mailboxId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not update the mail schedule of mailbox {Mailbox}", mailboxId);
        }
    }

    public async Task SyncAsync(int mailboxId, CancellationToken ct)
    {
        Mailbox? settings;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            settings = await db.Set<Mailbox>().AsNoTracking().SingleOrDefaultAsync(m => m.Id == mailboxId, ct);
        }
        var scheduler = await schedulerFactory.GetScheduler(ct);
        var jobKey = MailFetchJob.KeyOf(mailboxId);
        if (settings is null || !settings.IsConfigured)
        {
            await scheduler.DeleteJob(jobKey, ct);
            return;
        }
        var job = JobBuilder.Create<MailFetchJob>()
            .WithIdentity(jobKey)
            .UsingJobData(MailFetchJob.MailboxIdKey, mailboxId)
            .StoreDurably()
            .Build();
        await scheduler.AddJob(job, AddJobOptions.Replacing, ct);
        await scheduler.UnscheduleJob(MailFetchJob.TriggerOf(mailboxId), ct);
        if (settings.ScheduleEnabled && MailboxService.IsValidCron(settings.CronSchedule))
        {
            var trigger = TriggerBuilder.Create()
                .WithIdentity(MailFetchJob.TriggerOf(mailboxId))
                .ForJob(jobKey)
                .WithCronSchedule(settings.CronSchedule, cron => cron.WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                .Build();
            // Replacing: nodes starting together each sync the shared job store, and the second must not fail.
            await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, ct);
        }
    }

    /// <summary>When the schedule fires next, from the stored cron expression; null while the schedule is off.</summary>
    public static DateTimeOffset? NextRun(Mailbox settings, DateTimeOffset now) =>
        settings.ScheduleEnabled && MailboxService.IsValidCron(settings.CronSchedule)
            ? new CronExpression(settings.CronSchedule).GetNextValidTimeAfter(now)
            : null;

    public async Task RunNowAsync(int mailboxId, CancellationToken ct = default)
    {
        var scheduler = await schedulerFactory.GetScheduler(ct);
        await scheduler.TriggerJob(MailFetchJob.KeyOf(mailboxId), ct);
    }
}
