using System.Collections.Concurrent;
using System.Linq.Expressions;
using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using Microsoft.EntityFrameworkCore;

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
        null,
        null);

    /// <summary>
    /// Whether <paramref name="ticketId"/> matches the filter and if so its row, with snippet and unbilled time as the
    /// page would show them. One query (two with a search or the unbilled filter).
    /// </summary>
    internal static async Task<TicketListRow?> ReadAsync(
        AppDbContext db, IQueryable<Ticket> filtered, int ticketId, DateOnly today, TicketSearchQuery? search, bool withUnbilled, CancellationToken ct)
    {
        var row = await filtered.Where(t => t.Id == ticketId).Select(Projection(today)).SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }
        if (search is not null)
        {
            row = (await TicketSearchRanking.WithSnippetsAsync(db, search, [row], ct))[0];
        }
        if (withUnbilled)
        {
            var unbilled = await UnbilledTime.ForTicketsAsync(db, [row.Id], ct);
            row = row with { Unbilled = unbilled.GetValueOrDefault(row.Id) };
        }
        return row;
    }
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
