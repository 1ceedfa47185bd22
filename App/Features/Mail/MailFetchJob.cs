using BlazorTickets.Data;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace BlazorTickets.Features.Mail;

/// <summary>The scheduled fetch of one tenant's mailbox.</summary>
[DisallowConcurrentExecution]
public sealed class MailFetchJob(MailFetchService fetcher, MailFetchBackoff backoff, ILogger<MailFetchJob> logger) : IJob
{
    public const string TenantIdKey = "tenantId";
    public const string Group = "mail-fetch";

    public static JobKey KeyOf(int tenantId) => new($"tenant-{tenantId}", Group);
    public static TriggerKey TriggerOf(int tenantId) => new($"tenant-{tenantId}", Group);

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        new(RunAsync(context.MergedJobDataMap.GetInt(TenantIdKey), cancellationToken));

    /// <summary>One scheduled fetch, unless the mailbox failed lately and its backoff has not run out.</summary>
    /// <returns>Whether a fetch was attempted.</returns>
    public async Task<bool> RunAsync(int tenantId, CancellationToken ct)
    {
        if (backoff.WaitBefore(tenantId) > TimeSpan.Zero)
        {
            return false;
        }
        var summary = await fetcher.FetchAsync(tenantId, ct: ct);
        if (summary.Succeeded)
        {
            backoff.Succeeded(tenantId);
            return true;
        }
        var (delay, failures) = backoff.Failed(tenantId);
        logger.LogWarning("Scheduled fetch for tenant {Tenant} failed ({Failures} in a row); scheduled fetches pause for {Delay}: {Summary}",
            tenantId, failures, delay, summary);
        return true;
    }
}

/// <summary>
/// Keeps one durable Quartz job per configured mailbox, with a cron trigger while the schedule is enabled. The jobs are
/// set up once the web server listens (<see cref="StartedAsync"/>), so that reading the mailboxes does not delay the
/// first page; the host's start still waits for them.
/// </summary>
public sealed class MailSchedule(ISchedulerFactory schedulerFactory, IDbContextFactory<AppDbContext> dbFactory, MailboxSettingsService settingsService, ILogger<MailSchedule> logger)
    : IHostedLifecycleService
{
    public Task StartAsync(CancellationToken ct)
    {
        settingsService.Changed += OnSettingsChanged;
        return Task.CompletedTask;
    }

    public async Task StartedAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantIds = await db.Set<MailboxSettings>().Select(s => s.TenantId).ToListAsync(ct);
        foreach (var tenantId in tenantIds)
        {
            await SyncAsync(tenantId, ct);
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

    private void OnSettingsChanged(MailboxSettingsChanged change) => _ = SyncSafelyAsync(change.TenantId);

    private async Task SyncSafelyAsync(int tenantId)
    {
        try
        {
            await SyncAsync(tenantId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not update the mail schedule of tenant {Tenant}", tenantId);
        }
    }

    public async Task SyncAsync(int tenantId, CancellationToken ct)
    {
        MailboxSettings? settings;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            settings = await db.Set<MailboxSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.TenantId == tenantId, ct);
        }
        var scheduler = await schedulerFactory.GetScheduler(ct);
        var jobKey = MailFetchJob.KeyOf(tenantId);
        if (settings is null || !settings.IsConfigured)
        {
            await scheduler.DeleteJob(jobKey, ct);
            return;
        }
        var job = JobBuilder.Create<MailFetchJob>()
            .WithIdentity(jobKey)
            .UsingJobData(MailFetchJob.TenantIdKey, tenantId)
            .StoreDurably()
            .Build();
        await scheduler.AddJob(job, AddJobOptions.Replacing, ct);
        await scheduler.UnscheduleJob(MailFetchJob.TriggerOf(tenantId), ct);
        if (settings.ScheduleEnabled && MailboxSettingsService.IsValidCron(settings.CronSchedule))
        {
            var trigger = TriggerBuilder.Create()
                .WithIdentity(MailFetchJob.TriggerOf(tenantId))
                .ForJob(jobKey)
                .WithCronSchedule(settings.CronSchedule, cron => cron.WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                .Build();
            // Replacing: nodes starting together each sync the shared job store, and the second must not fail.
            await scheduler.ScheduleJob(trigger, ScheduleJobOptions.Replacing, ct);
        }
    }

    /// <summary>When the schedule fires next, from the stored cron expression; null while the schedule is off.</summary>
    public static DateTimeOffset? NextRun(MailboxSettings settings, DateTimeOffset now) =>
        settings.ScheduleEnabled && MailboxSettingsService.IsValidCron(settings.CronSchedule)
            ? new CronExpression(settings.CronSchedule).GetNextValidTimeAfter(now)
            : null;

    public async Task RunNowAsync(int tenantId, CancellationToken ct = default)
    {
        var scheduler = await schedulerFactory.GetScheduler(ct);
        await scheduler.TriggerJob(MailFetchJob.KeyOf(tenantId), ct);
    }
}
