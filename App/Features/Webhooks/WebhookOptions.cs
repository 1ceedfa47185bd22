namespace BlazorTickets.Features.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "BlazorTickets:Webhooks";

    /// <summary>How often the worker looks for due deliveries without being woken (e.g. written by another process).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The wait after the first failed attempt; it doubles with every further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long after queueing a delivery is retried before it is marked failed.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(FirstRetryDelay.Ticks * (long)Math.Pow(2, Math.Min(Math.Max(0, attempts - 1), 30)), MaxRetryDelay.Ticks));
}
