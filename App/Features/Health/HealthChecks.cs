using System.Text.Json;
using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace BlazorTickets.Features.Health;

/// <summary>The database answers a query.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<AppDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Set<Mailbox>().AsNoTracking().AnyAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", ex);
        }
    }
}

/// <summary>The job scheduler that fetches mail on schedule is running.</summary>
public sealed class SchedulerHealthCheck(ISchedulerFactory schedulers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        return scheduler.Status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"The job scheduler is {scheduler.Status}, not running.");
    }
}

/// <summary>
/// Each mailbox's last fetch. A broken mailbox is an operator's task, not a reason to take the node out of the load
/// balancer, so this check is at worst degraded, which still answers 200.
/// </summary>
public sealed class MailboxesHealthCheck(IDbContextFactory<AppDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mailboxes = await db.Set<Mailbox>().AsNoTracking()
            .OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.TenantId, m.Host, m.UserName, m.LastRunAt, m.LastSuccessAt, Failed = m.LastRunError != null || m.OAuthError != null })
            .ToListAsync(ct);
        var states = mailboxes
            .Where(m => !string.IsNullOrWhiteSpace(m.Host) && !string.IsNullOrWhiteSpace(m.UserName))
            .Select(m => new MailboxHealth(m.Id, m.TenantId, m.LastRunAt is null ? "NotFetchedYet" : m.Failed ? "Failing" : "Ok", m.LastRunAt, m.LastSuccessAt))
            .ToList();
        var data = new Dictionary<string, object> { ["mailboxes"] = states };
        return states.Any(s => s.State == "Failing")
            ? HealthCheckResult.Degraded("A mailbox's last fetch failed.", data: data)
            : HealthCheckResult.Healthy(data: data);
    }
}

/// <summary>Ids and states only: the probe answers anyone, so no names, hosts or error texts.</summary>
public sealed record MailboxHealth(int MailboxId, int TenantId, string State, DateTime? LastFetchAt, DateTime? LastSuccessAt);

public static class HealthServiceCollectionExtensions
{
    public const string Path = "/healthz";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<SchedulerHealthCheck>("scheduler")
            .AddCheck<MailboxesHealthCheck>("mailboxes");
        services.AddOptions<MailHealthOptions>().BindConfiguration(MailHealthOptions.Section);
        services.AddSingleton<MailboxHealthService>();
        services.AddSingleton<MailboxAlerts>();
        services.AddHostedService<MailboxHealthMonitor>();
        return services;
    }

    /// <summary>For a load balancer's probe: 200 while the database and the scheduler work, 503 when either does not.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous();
        return endpoints;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                mailboxes = e.Value.Data.TryGetValue("mailboxes", out var mailboxes) ? mailboxes : null,
            }),
        }, Json);
    }
}
