using BlazorTickets.Data;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Webhooks;

public sealed class WebhookEndpointInput
{
    public int TenantId { get; set; }
    public string Url { get; set; } = "";
    public string Description { get; set; } = "";
    public HashSet<string> EventTypes { get; set; } = [.. WebhookEventTypes.All];
}

public sealed record WebhookEndpointRow(
    int Id, int TenantId, string TenantName, string Url, string Description, IReadOnlyList<string> EventTypes, bool IsActive,
    int Pending, int Failed, DateTime? LastDeliveredAt);

public sealed record WebhookAttemptRow(DateTime At, int? StatusCode, int DurationMs, string? Error);

public sealed record WebhookDeliveryRow(
    long Id, string EventId, string Type, DateTime CreatedAt, WebhookDeliveryState State, int Attempts, DateTime NextAttemptAt,
    DateTime? DeliveredAt, IReadOnlyList<WebhookAttemptRow> AttemptLog);

/// <summary>The outcome of a save: the endpoint, and its secret when one was made (shown once, never again); or why not.</summary>
public sealed record WebhookSaveResult(int? Id, string? Secret, FieldErrors Errors)
{
    public bool Succeeded => Errors.IsEmpty;
}

public static class WebhookValidation
{
    public const int MaxUrlLength = 2000;
    public const int MaxDescriptionLength = 200;

    public static FieldErrors Validate(WebhookEndpointInput input)
    {
        var errors = new FieldErrors();
        var url = input.Url.Trim();
        if (url.Length == 0)
        {
            errors.Add(nameof(WebhookEndpointInput.Url), Text.Of("Enter the URL to send the events to."));
        }
        else if (url.Length > MaxUrlLength)
        {
            errors.Add(nameof(WebhookEndpointInput.Url), Text.Of("At most {0} characters."), MaxUrlLength);
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
        {
            errors.Add(nameof(WebhookEndpointInput.Url), Text.Of("Enter an http or https URL."));
        }
        if (input.Description.Trim().Length > MaxDescriptionLength)
        {
            errors.Add(nameof(WebhookEndpointInput.Description), Text.Of("At most {0} characters."), MaxDescriptionLength);
        }
        if (input.EventTypes.Count == 0)
        {
            errors.Add(nameof(WebhookEndpointInput.EventTypes), Text.Of("Choose at least one event."));
        }
        else if (input.EventTypes.Any(t => !WebhookEventTypes.All.Contains(t)))
        {
            errors.Add(nameof(WebhookEndpointInput.EventTypes), Text.Of("Unknown event type."));
        }
        return errors;
    }
}

/// <summary>Admins' work on webhook endpoints and their delivery log. Every change drops the cached subscriptions.</summary>
public sealed class WebhookService(
    IDbContextFactory<AppDbContext> dbFactory,
    WebhookSubscriptions subscriptions,
    WebhookSigning signing,
    WebhookSignal signal,
    TimeProvider clock)
{
    public const int DeliveryPageSize = 100;

    public Task<IReadOnlyList<WebhookEndpointRow>> ListAsync(CancellationToken ct = default) => RowsAsync(null, ct);

    public async Task<WebhookEndpointRow?> EndpointAsync(int id, CancellationToken ct = default) => (await RowsAsync(id, ct)).SingleOrDefault();

    private async Task<IReadOnlyList<WebhookEndpointRow>> RowsAsync(int? id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoints = db.Set<WebhookEndpoint>().AsNoTracking();
        if (id is int only)
        {
            endpoints = endpoints.Where(e => e.Id == only);
        }
        var rows = await endpoints
            .OrderBy(e => e.Tenant.Name).ThenBy(e => e.Url)
            .Select(e => new
            {
                e.Id, e.TenantId, TenantName = e.Tenant.Name, e.Url, e.Description, e.EventTypes, e.IsActive,
                Pending = db.Set<WebhookDelivery>().Count(d => d.EndpointId == e.Id && d.State == WebhookDeliveryState.Pending),
                Failed = db.Set<WebhookDelivery>().Count(d => d.EndpointId == e.Id && d.State == WebhookDeliveryState.Failed),
                LastDeliveredAt = db.Set<WebhookDelivery>().Where(d => d.EndpointId == e.Id).Max(d => d.DeliveredAt),
            })
            .ToListAsync(ct);
        return rows.Select(r => new WebhookEndpointRow(r.Id, r.TenantId, r.TenantName, r.Url, r.Description,
            WebhookEndpoint.SubscribedIn(r.EventTypes), r.IsActive, r.Pending, r.Failed, r.LastDeliveredAt)).ToList();
    }

    public async Task<WebhookEndpointInput?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.Set<WebhookEndpoint>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
        return endpoint is null ? null : new WebhookEndpointInput
        {
            TenantId = endpoint.TenantId, Url = endpoint.Url, Description = endpoint.Description, EventTypes = [.. endpoint.Subscribed],
        };
    }

    /// <summary>A new endpoint with a new secret, which the result carries once.</summary>
    public async Task<WebhookSaveResult> CreateAsync(WebhookEndpointInput input, CancellationToken ct = default)
    {
        var errors = WebhookValidation.Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<Tenant>().AnyAsync(t => t.Id == input.TenantId, ct))
        {
            errors.Add(nameof(WebhookEndpointInput.TenantId), Text.Of("Choose a tenant."));
        }
        if (!errors.IsEmpty)
        {
            return new WebhookSaveResult(null, null, errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var secret = WebhookSigning.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            TenantId = input.TenantId, ProtectedSecret = signing.Protect(secret), IsActive = true, CreatedAt = now,
        };
        Apply(endpoint, input, now);
        db.Add(endpoint);
        await db.SaveChangesAsync(ct);
        subscriptions.Invalidate();
        return new WebhookSaveResult(endpoint.Id, secret, FieldErrors.None);
    }

    public async Task<WebhookSaveResult> UpdateAsync(int id, WebhookEndpointInput input, CancellationToken ct = default)
    {
        var errors = WebhookValidation.Validate(input);
        if (!errors.IsEmpty)
        {
            return new WebhookSaveResult(null, null, errors);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null)
        {
            return new WebhookSaveResult(null, null, FieldErrors.OfForm(Text.Of("The webhook no longer exists.")));
        }
        Apply(endpoint, input, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        subscriptions.Invalidate();
        return new WebhookSaveResult(id, null, FieldErrors.None);
    }

    private static void Apply(WebhookEndpoint endpoint, WebhookEndpointInput input, DateTime now)
    {
        endpoint.Url = input.Url.Trim();
        endpoint.Description = input.Description.Trim();
        endpoint.EventTypes = string.Join(",", WebhookEventTypes.All.Where(input.EventTypes.Contains));
        endpoint.UpdatedAt = now;
    }

    /// <summary>A disabled endpoint gets no new events; its pending deliveries wait until it is enabled again.</summary>
    public async Task<bool> SetActiveAsync(int id, bool active, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Set<WebhookEndpoint>().Where(e => e.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.IsActive, active).SetProperty(e => e.UpdatedAt, clock.GetUtcNow().UtcDateTime), ct);
        subscriptions.Invalidate();
        if (active)
        {
            signal.Wake();
        }
        return changed > 0;
    }

    /// <summary>A new secret, returned once; the old one stops signing at once.</summary>
    public async Task<string?> RotateSecretAsync(int id, CancellationToken ct = default)
    {
        var secret = WebhookSigning.NewSecret();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Set<WebhookEndpoint>().Where(e => e.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProtectedSecret, signing.Protect(secret)).SetProperty(e => e.UpdatedAt, clock.GetUtcNow().UtcDateTime), ct);
        return changed > 0 ? secret : null;
    }

    /// <summary>Removes the endpoint with its deliveries and their log.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.Set<WebhookEndpoint>().SingleOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null)
        {
            return false;
        }
        db.Remove(endpoint);
        await db.SaveChangesAsync(ct);
        subscriptions.Invalidate();
        return true;
    }

    /// <summary>The newest deliveries of an endpoint, each with every attempt.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> DeliveriesAsync(int endpointId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<WebhookDelivery>().AsNoTracking()
            .Where(d => d.EndpointId == endpointId)
            .OrderByDescending(d => d.EventId)
            .Take(DeliveryPageSize)
            .Select(d => new WebhookDeliveryRow(d.Id, d.Event.EventId, d.Event.Type, d.Event.CreatedAt, d.State, d.Attempts, d.NextAttemptAt, d.DeliveredAt,
                d.AttemptLog.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Select(a => new WebhookAttemptRow(a.At, a.StatusCode, a.DurationMs, a.Error)).ToList()))
            .AsSplitQuery()
            .ToListAsync(ct);
    }

    /// <summary>Sends the event to the endpoint again, with a fresh retry period; the attempts so far stay in the log.</summary>
    public async Task<bool> RedeliverAsync(long deliveryId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = await db.Set<WebhookDelivery>().Where(d => d.Id == deliveryId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.State, WebhookDeliveryState.Pending)
                .SetProperty(d => d.QueuedAt, now)
                .SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.DeliveredAt, (DateTime?)null), ct);
        if (changed > 0)
        {
            signal.Wake();
        }
        return changed > 0;
    }
}
