using BlazorTickets.Features.Tenants;

namespace BlazorTickets.Features.Webhooks;

/// <summary>A URL of a tenant's that is told about the events it subscribed to.</summary>
public class WebhookEndpoint
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public Tenant Tenant { get; set; } = null!;
    public string Url { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>The subscribed event types, comma-separated (<see cref="WebhookEventTypes"/>).</summary>
    public string EventTypes { get; set; } = "";
    /// <summary>The signing secret, encrypted with Data Protection: it must be readable again to sign.</summary>
    public string ProtectedSecret { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    public IReadOnlyList<string> Subscribed => SubscribedIn(EventTypes);

    /// <summary>The event types of a stored <see cref="EventTypes"/> value.</summary>
    public static IReadOnlyList<string> SubscribedIn(string eventTypes) =>
        eventTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>What happened, as the JSON every endpoint receives; written in the same transaction as the change.</summary>
public class WebhookEvent
{
    public long Id { get; set; }
    /// <summary>The public id in the payload ("evt_…"), for receivers to drop duplicates.</summary>
    public string EventId { get; set; } = "";
    public int TenantId { get; set; }
    public string Type { get; set; } = "";
    /// <summary>Events with the same key reach an endpoint in the order they happened, e.g. "ticket:12".</summary>
    public string OrderKey { get; set; } = "";
    /// <summary>A plain column, no foreign key: a foreign key on Tickets would make SQLite rebuild that table and drop its triggers.</summary>
    public int? TicketId { get; set; }
    public string Payload { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public enum WebhookDeliveryState
{
    Pending = 0,
    Delivered = 1,
    /// <summary>Given up after the retry period.</summary>
    Failed = 2,
}

/// <summary>One event for one endpoint: unique per pair, so an event reaches an endpoint once however often it is tried.</summary>
public class WebhookDelivery
{
    public long Id { get; set; }
    public int EndpointId { get; set; }
    public WebhookEndpoint Endpoint { get; set; } = null!;
    public long EventId { get; set; }
    public WebhookEvent Event { get; set; } = null!;
    /// <summary>A copy of the event's, so the worker finds the earlier deliveries of the same key by an index.</summary>
    public string OrderKey { get; set; } = "";
    public WebhookDeliveryState State { get; set; }
    public int Attempts { get; set; }
    /// <summary>When the delivery was queued (again, for a redelivery); retries end a retry period later.</summary>
    public DateTime QueuedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public List<WebhookAttempt> AttemptLog { get; set; } = [];
}

/// <summary>One HTTP request of a delivery.</summary>
public class WebhookAttempt
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public WebhookDelivery Delivery { get; set; } = null!;
    public DateTime At { get; set; }
    public int? StatusCode { get; set; }
    public int DurationMs { get; set; }
    public string? Error { get; set; }

    public const int MaxErrorLength = 500;
}
