namespace BlazorTickets.Features.Replies;

/// <summary>Wakes the outbox worker the moment something is queued, so a reply does not wait for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim semaphore = new(0, 1);

    public void Wake()
    {
        try
        {
            semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up covers everything queued so far.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => semaphore.WaitAsync(timeout, ct);
}
