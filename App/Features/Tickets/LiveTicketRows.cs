using System.Collections.Concurrent;
using System.Linq.Expressions;

namespace BlazorTickets.Features.Tickets;

/// <summary>The desk list's row of a ticket, as one query; the same projection the list's page uses.</summary>
public static class TicketListRows
{
    public static Expression<Func<Ticket, TicketListRow>> Projection(DateOnly today) => t => new TicketListRow(
        t.Id,
        t.Number,
        t.Subject,
        t.Status,
        t.HandlerName,
        t.CustomerName,
        t.Tenant.Name,
        t.ExpectedDate,
        t.ExpectedDate != null && t.ExpectedDate < today && t.Status != TicketStatus.Closed,
        t.UpdatedAt,
        t.LastMessageAt,
        t.SlaDueAt,
        t.SlaAtRiskAt,
        null);
}

/// <summary>
/// One change reaches every open desk list at once; lists with the same filter, user scope and tenants would all read
/// the same row. The first one reads it, the others share its answer.
/// </summary>
public sealed class LiveTicketRows
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Lazy<Task<TicketListRow?>>> reads = new();

    public Task<TicketListRow?> ReadAsync(string key, Func<Task<TicketListRow?>> read)
    {
        var lazy = reads.GetOrAdd(key, k => new Lazy<Task<TicketListRow?>>(() => ReadAndForgetLaterAsync(k, read)));
        return lazy.Value;
    }

    private async Task<TicketListRow?> ReadAndForgetLaterAsync(string key, Func<Task<TicketListRow?>> read)
    {
        try
        {
            return await read();
        }
        catch
        {
            reads.TryRemove(key, out _);
            throw;
        }
        finally
        {
            _ = Task.Delay(KeepFor).ContinueWith(_ => reads.TryRemove(key, out var _), TaskScheduler.Default);
        }
    }

    public int Pending => reads.Count;
}
