using System.Diagnostics;
using System.Globalization;
using System.Text;
using BlazorTickets.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Webhooks;

/// <summary>Wakes the webhook worker after a save wrote deliveries.</summary>
public sealed class WebhookSignal : WakeSignal;

/// <summary>
/// Delivers what the deliveries table holds. A delivery is due when its time has come and no earlier delivery of the
/// same endpoint and order key (the same ticket) is still pending: events of a ticket arrive in order. A delivery left
/// pending by a crash is simply tried again after the restart; receivers drop duplicates by the event id.
/// </summary>
public sealed class WebhookWorker(
    IDbContextFactory<AppDbContext> dbFactory,
    IHttpClientFactory httpClients,
    WebhookSigning signing,
    WebhookSignal signal,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookWorker> logger) : BackgroundService
{
    public const string HttpClientName = "Webhooks";
    private const int BatchSize = 50;

    private sealed record Due(long Id, int EndpointId, string Url, string ProtectedSecret, string Type, string Payload, int Attempts, DateTime QueuedAt);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.PollInterval;
            try
            {
                if (await DeliverDueAsync(stoppingToken) > 0)
                {
                    continue;
                }
                wait = await TimeUntilNextDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The webhook run failed; trying again shortly");
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

    /// <summary>Tries every delivery due now, endpoints side by side and each endpoint's one after another; returns how many were tried.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<Due> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            due = await Unblocked(db)
                .Where(d => d.NextAttemptAt <= now)
                .OrderBy(d => d.EventId)
                .Take(BatchSize)
                .Select(d => new Due(d.Id, d.EndpointId, d.Endpoint.Url, d.Endpoint.ProtectedSecret, d.Event.Type, d.Event.Payload, d.Attempts, d.QueuedAt))
                .ToListAsync(ct);
        }
        await Task.WhenAll(due.GroupBy(d => d.EndpointId).Select(async endpoint =>
        {
            foreach (var delivery in endpoint)
            {
                await AttemptAsync(delivery, ct);
            }
        }));
        return due.Count;
    }

    private async Task AttemptAsync(Due delivery, CancellationToken ct)
    {
        var started = clock.GetUtcNow().UtcDateTime;
        var stopwatch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;
        try
        {
            var secret = signing.Unprotect(delivery.ProtectedSecret);
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(WebhookSigning.SignatureHeader, WebhookSigning.Signature(secret, timestamp, delivery.Payload));
            request.Headers.Add(WebhookSigning.EventHeader, delivery.Type);
            request.Headers.Add(WebhookSigning.DeliveryHeader, delivery.Id.ToString(CultureInfo.InvariantCulture));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.Timeout);
            using var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = response.ReasonPhrase;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = "Timeout: " + options.Value.Timeout.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " s";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex.Message;
        }
        stopwatch.Stop();
        await RecordAsync(delivery, started, status, (int)stopwatch.ElapsedMilliseconds, status is >= 200 and < 300 ? null : error ?? "Failed");
    }

    private async Task RecordAsync(Due delivery, DateTime at, int? status, int durationMs, string? error)
    {
        // The attempt happened: its record must follow even if the app is stopping.
        var ct = CancellationToken.None;
        var attempts = delivery.Attempts + 1;
        var next = at + options.Value.Backoff(attempts);
        var state = error is null ? WebhookDeliveryState.Delivered
            : next > delivery.QueuedAt + options.Value.RetryFor ? WebhookDeliveryState.Failed
            : WebhookDeliveryState.Pending;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(new WebhookAttempt
        {
            DeliveryId = delivery.Id, At = at, StatusCode = status, DurationMs = durationMs,
            Error = error is { Length: > WebhookAttempt.MaxErrorLength } ? error[..(WebhookAttempt.MaxErrorLength - 1)] + "…" : error,
        });
        await db.SaveChangesAsync(ct);
        await db.Set<WebhookDelivery>().Where(d => d.Id == delivery.Id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, state)
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.NextAttemptAt, next)
            .SetProperty(d => d.DeliveredAt, state == WebhookDeliveryState.Delivered ? at : null), ct);
        await transaction.CommitAsync(ct);
        if (state == WebhookDeliveryState.Failed)
        {
            logger.LogWarning("Webhook delivery {Id} to {Url} given up after {Attempts} attempts: {Error}", delivery.Id, delivery.Url, attempts, error);
        }
    }

    /// <summary>Pending deliveries of active endpoints that no earlier pending delivery of the same endpoint and order key holds up.</summary>
    private static IQueryable<WebhookDelivery> Unblocked(AppDbContext db)
    {
        var deliveries = db.Set<WebhookDelivery>();
        return deliveries
            .Where(d => d.State == WebhookDeliveryState.Pending && d.Endpoint.IsActive)
            .Where(d => !deliveries.Any(e => e.EndpointId == d.EndpointId && e.OrderKey == d.OrderKey && e.State == WebhookDeliveryState.Pending && e.EventId < d.EventId));
    }

    private async Task<TimeSpan> TimeUntilNextDueAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var next = await Unblocked(db)
            .OrderBy(d => d.NextAttemptAt).Select(d => (DateTime?)d.NextAttemptAt).FirstOrDefaultAsync(ct);
        var poll = options.Value.PollInterval;
        if (next is null)
        {
            return poll;
        }
        var until = next.Value - clock.GetUtcNow().UtcDateTime;
        return until <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : until < poll ? until : poll;
    }
}
