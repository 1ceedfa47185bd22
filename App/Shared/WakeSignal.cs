namespace BlazorTickets.Shared;

/// <summary>Wakes a background worker that otherwise sleeps until its timeout; wakes coalesce.</summary>
public class WakeSignal
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
