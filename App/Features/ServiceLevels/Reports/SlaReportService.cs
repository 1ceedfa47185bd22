using System.Globalization;
using System.Text;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.ServiceLevels.Reports;

/// <summary>A period of whole days in the server's time zone, both ends included.</summary>
public sealed record SlaReportPeriod(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;
    public const int DefaultDays = 30;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public static SlaReportPeriod LastDays(DateOnly today, int days = DefaultDays) => new(today.AddDays(1 - days), today);

    public FieldErrors Validate()
    {
        if (From > To)
        {
            return FieldErrors.Of(nameof(From), "The start date must not be after the end date.");
        }
        return Days > MaxDays ? FieldErrors.Of(nameof(To), "Choose a period of at most {0} days.", MaxDays) : FieldErrors.None;
    }

    /// <summary>Reads from=yyyy-MM-dd&amp;to=yyyy-MM-dd; a missing end falls back to the default period's.</summary>
    public static SlaReportPeriod? FromQuery(string? from, string? to, DateOnly today)
    {
        var fallback = LastDays(today);
        DateOnly? Parse(string? value, DateOnly otherwise) =>
            string.IsNullOrEmpty(value) ? otherwise
            : DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
        return Parse(from, fallback.From) is { } f && Parse(to, fallback.To) is { } t ? new SlaReportPeriod(f, t) : null;
    }

    public string ToQuery() => $"?from={From:yyyy-MM-dd}&to={To:yyyy-MM-dd}";
}

public readonly record struct SlaCounts(int Met, int Breached, int Running)
{
    public int Total => Met + Breached + Running;

    /// <summary>Met out of met and breached, in percent; null while no stage has been decided.</summary>
    public double? AttainmentPercent => Met + Breached == 0 ? null : 100.0 * Met / (Met + Breached);

    public static SlaCounts operator +(SlaCounts a, SlaCounts b) => new(a.Met + b.Met, a.Breached + b.Breached, a.Running + b.Running);
}

public enum SlaReportGrouping
{
    Tenant,
    Customer,
    Agent,
}

/// <param name="Key">The tenant, customer or user id; null for tickets without customer or handler.</param>
public sealed record SlaReportRow(string? Key, string Name, IReadOnlyDictionary<SlaTarget, SlaCounts> ByTarget)
{
    public SlaCounts All => ByTarget.Values.Aggregate(default(SlaCounts), (sum, c) => sum + c);

    public SlaCounts For(SlaTarget target) => ByTarget.TryGetValue(target, out var counts) ? counts : default;
}

public sealed record SlaReport(SlaReportPeriod Period, SlaReportRow Totals, IReadOnlyList<SlaReportRow> Tenants, IReadOnlyList<SlaReportRow> Customers, IReadOnlyList<SlaReportRow> Agents)
{
    public static readonly IReadOnlyList<SlaTarget> Targets = [SlaTarget.FirstResponse, SlaTarget.NextResponse, SlaTarget.Resolution];

    public IReadOnlyList<SlaReportRow> Rows(SlaReportGrouping grouping) => grouping switch
    {
        SlaReportGrouping.Tenant => Tenants,
        SlaReportGrouping.Customer => Customers,
        _ => Agents,
    };
}

public abstract record SlaReportResult
{
    public sealed record Ready(SlaReport Report) : SlaReportResult;
    public sealed record Invalid(FieldErrors Errors) : SlaReportResult;
}

/// <summary>
/// How well the service levels were kept: the stages that started in a period, counted met, breached or still running,
/// per tenant, customer and handler, limited to the tenants the user may see.
/// </summary>
public sealed class SlaReportService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TenantScope? tenantScope = null)
{
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, clock.LocalTimeZone));

    public async Task<SlaReportResult> GetAsync(SlaReportPeriod period, CancellationToken ct = default)
    {
        var errors = period.Validate();
        if (!errors.IsEmpty)
        {
            return new SlaReportResult.Invalid(errors);
        }
        var access = tenantScope is null ? TenantAccess.All : await tenantScope.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var fromUtc = StartOfDayUtc(period.From);
        var toUtc = StartOfDayUtc(period.To.AddDays(1));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Counted in the database, one row per tenant, customer, handler and target. A stage completed without a due time
        // was completed while its clock stood still for good (a close, a wait on the customer), before any due time: met.
        var groups = await db.Set<TicketSlaStage>().AsNoTracking()
            .WhereTenantAllowed(access, s => s.Ticket.TenantId)
            .Where(s => s.StartedAt >= fromUtc && s.StartedAt < toUtc)
            .GroupBy(s => new { s.Ticket.TenantId, s.Ticket.CustomerId, s.Ticket.HandlerId, s.Target })
            .Select(g => new CountedGroup(
                g.Key.TenantId, g.Key.CustomerId, g.Key.HandlerId, g.Key.Target,
                g.Sum(s => s.CompletedAt != null && (s.DueAt == null || s.CompletedAt <= s.DueAt) ? 1 : 0),
                g.Sum(s => s.DueAt != null && (s.CompletedAt ?? now) > s.DueAt ? 1 : 0),
                g.Sum(s => s.CompletedAt == null && (s.DueAt == null || now <= s.DueAt) ? 1 : 0)))
            .ToListAsync(ct);

        var tenantIds = groups.Select(g => g.TenantId).Distinct().ToList();
        var customerIds = groups.Where(g => g.CustomerId != null).Select(g => g.CustomerId!.Value).Distinct().ToList();
        var userIds = groups.Where(g => g.HandlerId != null).Select(g => g.HandlerId!).Distinct().ToList();
        var tenantNames = await db.Set<Tenant>().AsNoTracking().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var customerNames = await db.Set<Customer>().AsNoTracking().Where(c => customerIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Name != "" ? c.Name : c.Company, ct);
        var userNames = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);

        var totals = new SlaReportRow(null, Text.Of("All"), ByTarget(groups));
        var tenants = Rows(groups, g => g.TenantId.ToString(CultureInfo.InvariantCulture),
            g => tenantNames.GetValueOrDefault(g.TenantId) ?? $"#{g.TenantId}");
        var customers = Rows(groups, g => g.CustomerId?.ToString(CultureInfo.InvariantCulture),
            g => g.CustomerId is int id ? customerNames.GetValueOrDefault(id) ?? $"#{id}" : Text.Of("No customer"));
        var agents = Rows(groups, g => g.HandlerId, g => g.HandlerId is { } id ? userNames.GetValueOrDefault(id) ?? id : Text.Of("Unassigned"));
        return new SlaReportResult.Ready(new SlaReport(period, totals, tenants, customers, agents));
    }

    private sealed record CountedGroup(int TenantId, int? CustomerId, string? HandlerId, SlaTarget Target, int Met, int Breached, int Running);

    /// <summary>One row per key, the unknown (null) key last, the others by name.</summary>
    private static List<SlaReportRow> Rows(IReadOnlyList<CountedGroup> groups, Func<CountedGroup, string?> keyOf, Func<CountedGroup, string> nameOf) =>
        groups
            .GroupBy(keyOf)
            .Select(byKey => new SlaReportRow(byKey.Key, nameOf(byKey.First()), ByTarget(byKey)))
            .OrderBy(r => r.Key is null)
            .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();

    private static Dictionary<SlaTarget, SlaCounts> ByTarget(IEnumerable<CountedGroup> groups) =>
        groups.GroupBy(g => g.Target).ToDictionary(
            byTarget => byTarget.Key,
            byTarget => byTarget.Aggregate(default(SlaCounts), (sum, g) => sum + new SlaCounts(g.Met, g.Breached, g.Running)));

    private DateTime StartOfDayUtc(DateOnly day)
    {
        var zone = clock.LocalTimeZone;
        var local = day.ToDateTime(TimeOnly.MinValue);
        // A zone that skips midnight on a change of time starts that day an hour later.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    public const string CsvHeader = "grouping,name,target,total,met,breached,running,attainment_percent";

    /// <summary>The report as CSV: UTF-8 with BOM, comma-separated, invariant numbers; one line per row and target and one for all targets.</summary>
    public static async Task WriteCsvAsync(SlaReport report, Stream output, CancellationToken ct = default)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true);
        await writer.WriteLineAsync(CsvHeader.AsMemory(), ct);
        IEnumerable<(string Grouping, SlaReportRow Row)> all =
        [
            ("total", report.Totals),
            .. report.Tenants.Select(r => ("tenant", r)),
            .. report.Customers.Select(r => ("customer", r)),
            .. report.Agents.Select(r => ("agent", r)),
        ];
        foreach (var (grouping, row) in all)
        {
            await writer.WriteLineAsync(CsvLine(grouping, row.Name, "all", row.All).AsMemory(), ct);
            foreach (var target in SlaReport.Targets)
            {
                await writer.WriteLineAsync(CsvLine(grouping, row.Name, target.ToString(), row.For(target)).AsMemory(), ct);
            }
        }
    }

    public static string CsvLine(string grouping, string name, string target, SlaCounts counts) => string.Join(",",
        grouping,
        CsvField(name),
        target,
        counts.Total.ToString(CultureInfo.InvariantCulture),
        counts.Met.ToString(CultureInfo.InvariantCulture),
        counts.Breached.ToString(CultureInfo.InvariantCulture),
        counts.Running.ToString(CultureInfo.InvariantCulture),
        counts.AttainmentPercent is double percent ? percent.ToString("0.0", CultureInfo.InvariantCulture) : "");

    // Spreadsheets run a cell that starts with = + - @ (or a tab or return before one) as a formula: such text gets a leading apostrophe.
    private static string CsvField(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
