using System.Collections.Concurrent;

namespace BlazorTickets.Features.Mail;

/// <summary>Settings under BlazorTickets:Mail:FetchBackoff; the defaults suit production, tests shorten them.</summary>
public sealed class MailFetchBackoffOptions
{
    public const string Section = "BlazorTickets:Mail:FetchBackoff";

    public TimeSpan FirstDelay { get; set; } = MailFetchBackoff.FirstDelay;
    public TimeSpan MaxDelay { get; set; } = MailFetchBackoff.MaxDelay;
}

/// <summary>
/// Spaces out automatic fetches (schedule and IDLE push) of a mailbox whose fetch keeps failing, for example on a
/// full disk: the wait doubles from <see cref="FirstDelay"/> up to <see cref="MaxDelay"/> (or the configured
/// <see cref="MailFetchBackoffOptions"/>), and a success ends it.
/// A fetch the user starts is not held back. Each step is logged once, so a lasting failure writes a line per step
/// instead of one per attempt.
/// </summary>
public sealed class MailFetchBackoff(TimeProvider clock, MailFetchBackoffOptions? options = null)
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(30);

    private readonly TimeSpan firstDelay = options?.FirstDelay > TimeSpan.Zero ? options.FirstDelay : FirstDelay;
    private readonly TimeSpan maxDelay = options?.MaxDelay > TimeSpan.Zero ? options.MaxDelay : MaxDelay;

    private sealed record State(int Failures, DateTimeOffset RetryAt);

    private readonly ConcurrentDictionary<int, State> states = new();

    /// <summary>How long an automatic fetch of the mailbox must still wait; zero when it may run.</summary>
    public TimeSpan WaitBefore(int mailboxId) =>
        states.TryGetValue(mailboxId, out var state) && state.RetryAt > clock.GetUtcNow() ? state.RetryAt - clock.GetUtcNow() : TimeSpan.Zero;

    /// <summary>Records a failed fetch and returns the wait before the next automatic one and the number of failures in a row.</summary>
    public (TimeSpan Delay, int Failures) Failed(int mailboxId)
    {
        var now = clock.GetUtcNow();
        var state = states.AddOrUpdate(
            mailboxId,
            _ => new State(1, now + DelayAfter(1)),
            (_, previous) => new State(previous.Failures + 1, now + DelayAfter(previous.Failures + 1)));
        return (state.RetryAt - now, state.Failures);
    }

    public void Succeeded(int mailboxId) => states.TryRemove(mailboxId, out _);

    public TimeSpan DelayAfter(int failures) =>
        TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, Math.Min(firstDelay.Ticks, maxDelay.Ticks) << Math.Min(failures - 1, 20)));
}
