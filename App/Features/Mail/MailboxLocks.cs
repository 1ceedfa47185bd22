using BlazorTickets.Data;
using Microsoft.Extensions.Options;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// One lock per mailbox, shared by the button, the schedule, IDLE push and the command line: a semaphore for
/// this process plus an exclusive lock file in the data folder for other processes (the command line).
/// </summary>
public sealed class MailboxLocks(IOptions<DataOptions> options, IHostEnvironment environment)
{
    private readonly Dictionary<int, SemaphoreSlim> semaphores = [];
    private readonly Lock gate = new();
    private readonly string folder = Path.Combine(options.Value.ResolveDataFolder(environment.ContentRootPath), "locks");

    /// <summary>Null when the mailbox stayed busy for <paramref name="wait"/>.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(int tenantId, TimeSpan wait, CancellationToken ct)
    {
        SemaphoreSlim semaphore;
        lock (gate)
        {
            if (!semaphores.TryGetValue(tenantId, out semaphore!))
            {
                semaphores[tenantId] = semaphore = new SemaphoreSlim(1, 1);
            }
        }
        var deadline = DateTime.UtcNow + wait;
        if (!await semaphore.WaitAsync(wait, ct))
        {
            return null;
        }
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"mailbox-{tenantId}.lock");
        while (true)
        {
            try
            {
                var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new Held(semaphore, file);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }
            catch (IOException)
            {
                semaphore.Release();
                return null;
            }
            catch
            {
                semaphore.Release();
                throw;
            }
        }
    }

    private sealed class Held(SemaphoreSlim semaphore, FileStream file) : IAsyncDisposable
    {
        private int released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                await file.DisposeAsync();
                semaphore.Release();
            }
        }
    }
}
