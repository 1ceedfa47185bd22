using System.Globalization;
using System.Text;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Tickets.History;

/// <summary>One history entry as shown: ids in the values are replaced by the names they stand for now.</summary>
public sealed record HistoryItem(
    long Id, int TicketId, int TicketNumber, DateTime At, ActorKind ActorKind, string ActorName, HistoryKind Kind,
    string? Field, string? OldValue, string? NewValue, bool IsInternal);

/// <summary>The admin's filter over all tickets' history; dates are local days, both included. Page, CSV and bookmarks share it as a query string.</summary>
public sealed record HistoryQuery(string? ActorId = null, int? TenantId = null, DateOnly? From = null, DateOnly? To = null, HistoryKind? Kind = null)
{
    public static HistoryQuery FromQuery(string query)
    {
        var values = QueryHelpers.ParseQuery(query);
        string? Get(string key) => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString() : null;
        DateOnly? GetDate(string key) => DateOnly.TryParseExact(Get(key), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        return new HistoryQuery(
            Get("user"),
            int.TryParse(Get("tenant"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var tenant) ? tenant : null,
            GetDate("from"),
            GetDate("to"),
            Enum.TryParse<HistoryKind>(Get("kind"), ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind : null);
    }

    public string ToQuery()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        if (ActorId is { Length: > 0 } actor) parts.Add(new("user", actor));
        if (TenantId is int tenant) parts.Add(new("tenant", tenant.ToString(CultureInfo.InvariantCulture)));
        if (From is DateOnly from) parts.Add(new("from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        if (To is DateOnly to) parts.Add(new("to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        if (Kind is HistoryKind kind) parts.Add(new("kind", kind.ToString()));
        return QueryString.Create(parts).Value ?? "";
    }
}

public sealed class TicketHistoryService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TenantScope? tenantScope = null)
{
    public const int PageSize = 50;
    public const int MaxCsvRows = 100_000;

    private Task<TenantAccess> AccessAsync(CancellationToken ct) => tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All);

    /// <summary>A ticket's history, oldest first; from <paramref name="afterId"/> on only what came since. Customers see no internal entries.</summary>
    public async Task<IReadOnlyList<HistoryItem>> ForTicketAsync(int ticketId, bool customerView, long afterId = 0, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<Ticket>().WhereTenantAllowed(access, t => t.TenantId).AnyAsync(t => t.Id == ticketId, ct))
        {
            return [];
        }
        var entries = db.Set<TicketHistoryEntry>().AsNoTracking().Where(h => h.TicketId == ticketId && h.Id > afterId);
        if (customerView)
        {
            entries = entries.Where(h => !h.IsInternal);
        }
        return await ResolveAsync(db, await entries.OrderBy(h => h.Id).Select(h => new Row(h, h.Ticket.Number)).ToListAsync(ct), ct);
    }

    /// <summary>Every ticket's history the user may see, newest first, a page at a time.</summary>
    public async Task<PagedResult<HistoryItem>> SearchAsync(HistoryQuery query, int page, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var filtered = await FilterAsync(db, query, ct);
        var total = await filtered.Take(TicketService.CountCap + 1).CountAsync(ct);
        var rows = await filtered.OrderByDescending(h => h.Id).Skip(Math.Max(0, page) * PageSize).Take(PageSize)
            .Select(h => new Row(h, h.Ticket.Number)).ToListAsync(ct);
        return new PagedResult<HistoryItem>(await ResolveAsync(db, rows, ct), Math.Min(total, TicketService.CountCap), total > TicketService.CountCap);
    }

    /// <summary>The filtered history as CSV (UTF-8, comma-separated, oldest first), at most <see cref="MaxCsvRows"/> rows.</summary>
    public async Task WriteCsvAsync(HistoryQuery query, Stream output, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var filtered = await FilterAsync(db, query, ct);
        var rows = await filtered.OrderBy(h => h.Id).Take(MaxCsvRows).Select(h => new Row(h, h.Ticket.Number)).ToListAsync(ct);
        var items = await ResolveAsync(db, rows, ct);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await writer.WriteLineAsync("at_utc,ticket,actor_kind,actor,kind,field,old_value,new_value,internal");
        foreach (var item in items)
        {
            await writer.WriteLineAsync(string.Join(",",
                item.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Ticket.FormatNumber(item.TicketNumber),
                item.ActorKind, Csv(item.ActorName), item.Kind, Csv(item.Field), Csv(item.OldValue), Csv(item.NewValue), item.IsInternal ? "yes" : "no"));
        }
    }

    // Spreadsheets run a cell that starts with = + - @ as a formula: such text gets a leading apostrophe.
    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private async Task<IQueryable<TicketHistoryEntry>> FilterAsync(AppDbContext db, HistoryQuery query, CancellationToken ct)
    {
        var access = await AccessAsync(ct);
        var tickets = db.Set<Ticket>().WhereTenantAllowed(access, t => t.TenantId);
        if (query.TenantId is int tenantId)
        {
            tickets = tickets.Where(t => t.TenantId == tenantId);
        }
        var entries = db.Set<TicketHistoryEntry>().AsNoTracking();
        if (access.IsRestricted || query.TenantId is not null)
        {
            entries = entries.Where(h => tickets.Any(t => t.Id == h.TicketId));
        }
        if (!string.IsNullOrEmpty(query.ActorId))
        {
            entries = entries.Where(h => h.ActorId == query.ActorId);
        }
        if (query.Kind is HistoryKind kind)
        {
            entries = entries.Where(h => h.Kind == kind);
        }
        if (query.From is DateOnly from)
        {
            var fromUtc = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), clock.LocalTimeZone);
            entries = entries.Where(h => h.At >= fromUtc);
        }
        if (query.To is DateOnly to)
        {
            var toUtc = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), clock.LocalTimeZone);
            entries = entries.Where(h => h.At < toUtc);
        }
        return entries;
    }

    private sealed record Row(TicketHistoryEntry Entry, int TicketNumber);

    /// <summary>Replaces user, customer and tenant ids by today's names; an id whose record is gone stays as it is.</summary>
    private static async Task<IReadOnlyList<HistoryItem>> ResolveAsync(AppDbContext db, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        var userIds = new HashSet<string>();
        var customerIds = new HashSet<int>();
        var tenantIds = new HashSet<int>();
        foreach (var (entry, _) in rows)
        {
            if (entry.ActorKind is ActorKind.User or ActorKind.Customer && entry.ActorId is not null)
            {
                userIds.Add(entry.ActorId);
            }
            foreach (var value in new[] { entry.OldValue, entry.NewValue }.OfType<string>())
            {
                switch (ValueKindOf(entry))
                {
                    case ValueKind.User:
                        userIds.Add(value);
                        break;
                    case ValueKind.Customer when int.TryParse(value, CultureInfo.InvariantCulture, out var customerId):
                        customerIds.Add(customerId);
                        break;
                    case ValueKind.Tenant when int.TryParse(value, CultureInfo.InvariantCulture, out var tenantId):
                        tenantIds.Add(tenantId);
                        break;
                }
            }
        }
        var users = userIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var customers = customerIds.Count == 0 ? [] : await db.Set<Customer>().AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var tenants = tenantIds.Count == 0 ? [] : await db.Set<Tenant>().AsNoTracking().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);

        string? Name(ValueKind valueKind, string? value) => value is null ? null : valueKind switch
        {
            ValueKind.User => users.GetValueOrDefault(value, value),
            ValueKind.Customer => int.TryParse(value, CultureInfo.InvariantCulture, out var id) ? customers.GetValueOrDefault(id, value) : value,
            ValueKind.Tenant => int.TryParse(value, CultureInfo.InvariantCulture, out var id) ? tenants.GetValueOrDefault(id, value) : value,
            _ => value,
        };

        return rows.Select(row =>
        {
            var entry = row.Entry;
            var valueKind = ValueKindOf(entry);
            var actor = entry.ActorId is not null && users.TryGetValue(entry.ActorId, out var current) ? current : entry.ActorName;
            return new HistoryItem(entry.Id, entry.TicketId, row.TicketNumber, entry.At, entry.ActorKind, actor, entry.Kind, entry.Field,
                Name(valueKind, entry.OldValue), Name(valueKind, entry.NewValue), entry.IsInternal);
        }).ToList();
    }

    private enum ValueKind { Text, User, Customer, Tenant }

    private static ValueKind ValueKindOf(TicketHistoryEntry entry) => entry.Kind switch
    {
        HistoryKind.Handler or HistoryKind.Watchers => ValueKind.User,
        HistoryKind.Customers => ValueKind.Customer,
        HistoryKind.Field when entry.Field == nameof(Ticket.TenantId) => ValueKind.Tenant,
        _ => ValueKind.Text,
    };
}
