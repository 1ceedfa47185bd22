using System.Threading.RateLimiting;

namespace BlazorTickets.Features.Portal;

/// <summary>
/// Limits anonymous "forgot password" requests per address and per client IP, so nobody can flood a customer's
/// mailbox with reset mails. A refused request looks the same to the caller as any other.
/// </summary>
public sealed class PasswordResetThrottle : IDisposable
{
    public const int PerAddress = 3;
    public const int PerClient = 10;
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly PartitionedRateLimiter<string> byAddress = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetSlidingWindowLimiter(address, _ => Options(PerAddress)));

    private readonly PartitionedRateLimiter<string> byClient = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetSlidingWindowLimiter(client, _ => Options(PerClient)));

    /// <summary>True when this request may go ahead; each call counts, refused ones too.</summary>
    public bool TryAcquire(string? email, string? clientAddress)
    {
        using var client = byClient.AttemptAcquire(clientAddress ?? "unknown");
        if (!client.IsAcquired)
        {
            return false;
        }
        using var address = byAddress.AttemptAcquire((email ?? "").Trim().ToUpperInvariant());
        return address.IsAcquired;
    }

    private static SlidingWindowRateLimiterOptions Options(int permits) => new()
    {
        PermitLimit = permits,
        Window = Window,
        SegmentsPerWindow = 6,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public void Dispose()
    {
        byAddress.Dispose();
        byClient.Dispose();
    }
}
