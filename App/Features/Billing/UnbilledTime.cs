using BlazorTickets.Data;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Billing;

/// <summary>Unbilled minutes of a ticket for one (billable or not) kind and one billing group; null group: the user has none.</summary>
public sealed record UnbilledGroup(int TicketId, bool Billable, int? GroupId, long Minutes, int Count);

/// <param name="Currency">The ticket's tenant's currency, which the bill run will put on the quote.</param>
public sealed record UnbilledAmount(decimal Hours, decimal Amount, string Currency = "");

public static class UnbilledTime
{
    /// <summary>
    /// Unbilled entries of the tickets, summed per ticket, billable flag and the user's billing group (or their only group).
    /// One grouped query; the bill run's SQL uses the same rule for the group.
    /// </summary>
    public static Task<List<UnbilledGroup>> GroupsAsync(AppDbContext db, IReadOnlyCollection<int> ticketIds, CancellationToken ct) =>
        db.Set<TimeEntry>().AsNoTracking()
            .Where(e => ticketIds.Contains(e.TicketId) && e.QuoteLineId == null)
            .Select(e => new
            {
                e.TicketId,
                e.Billable,
                e.Minutes,
                GroupId = e.User.BillingGroupId ?? (e.User.Memberships.Count() == 1 ? e.User.Memberships.Min(m => (int?)m.GroupId) : null),
            })
            .GroupBy(e => new { e.TicketId, e.Billable, e.GroupId })
            .Select(g => new UnbilledGroup(g.Key.TicketId, g.Key.Billable, g.Key.GroupId, g.Sum(e => (long)e.Minutes), g.Count()))
            .ToListAsync(ct);

    /// <summary>
    /// Billable unbilled hours per ticket and what billing them would cost now: the sum of one line per user group,
    /// priced as the bill run prices it. Hours of users without a billing group count, their amount does not.
    /// </summary>
    public static async Task<Dictionary<int, UnbilledAmount>> ForTicketsAsync(AppDbContext db, IReadOnlyCollection<int> ticketIds, CancellationToken ct)
    {
        var groups = await GroupsAsync(db, ticketIds, ct);
        var groupIds = groups.Where(g => g.GroupId is not null).Select(g => g.GroupId!.Value).Distinct().ToList();
        var rates = await db.Set<UserGroup>().AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.HourlyRate, ct);
        var billableTickets = groups.Where(g => g.Billable).Select(g => g.TicketId).Distinct().ToList();
        var currencies = await db.Set<Ticket>().AsNoTracking().Where(t => billableTickets.Contains(t.Id))
            .Select(t => new { t.Id, t.Tenant.Currency })
            .ToDictionaryAsync(t => t.Id, t => t.Currency, ct);
        return groups.Where(g => g.Billable)
            .GroupBy(g => g.TicketId)
            .ToDictionary(
                t => t.Key,
                t => new UnbilledAmount(
                    Money.Hours(t.Sum(g => g.Minutes)),
                    t.Where(g => g.GroupId is not null).Sum(g => Money.Amount(Money.Hours(g.Minutes), rates[g.GroupId!.Value])),
                    currencies.GetValueOrDefault(t.Key, "")));
    }
}
