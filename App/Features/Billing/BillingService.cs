using System.Globalization;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Billing;

/// <summary>
/// Turns unbilled time on selected tickets into quotes: one per customer and tenant, one line per ticket and user group.
/// Works through the selection in chunks of set-based queries, so thousands of tickets never load all entries at once.
/// </summary>
public sealed class BillingService(
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TicketChangeNotifier notifier, QuoteChangeNotifier quoteNotifier,
    TenantScope? tenantScope = null)
{
    public const int ChunkSize = 500;

    private Task<TenantAccess> AccessAsync(CancellationToken ct) => tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All);

    // The user's billing group, or their only group if they have exactly one. Must match UnbilledTime.GroupsAsync.
    private const string EffectiveGroupSql = """
        COALESCE(
            (SELECT u."BillingGroupId" FROM "AspNetUsers" AS u WHERE u."Id" = e."UserId"),
            (SELECT MIN(m."GroupId") FROM "UserGroupMemberships" AS m WHERE m."UserId" = e."UserId" HAVING COUNT(*) = 1))
        """;

    /// <summary>Billable unbilled hours of each ticket that has some, and what billing them would cost now.</summary>
    public async Task<IReadOnlyDictionary<int, UnbilledAmount>> UnbilledAsync(IReadOnlyCollection<int> ticketIds, CancellationToken ct = default)
    {
        if (ticketIds.Count == 0)
        {
            return new Dictionary<int, UnbilledAmount>();
        }
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var allowed = await db.Set<Ticket>().AsNoTracking().Where(t => ticketIds.Contains(t.Id))
            .WhereTenantAllowed(access, t => t.TenantId).Select(t => t.Id).ToListAsync(ct);
        return await UnbilledTime.ForTicketsAsync(db, allowed, ct);
    }

    public async Task<BillingPreview> PreviewAsync(IReadOnlyCollection<int> ticketIds, IProgress<BillingProgress>? progress = null, CancellationToken ct = default)
    {
        var ids = ticketIds.Distinct().ToList();
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await db.Set<UserGroup>().AsNoTracking().ToDictionaryAsync(g => g.Id, g => (g.Name, g.HourlyRate), ct);
        var tenants = await db.Set<Tenant>().AsNoTracking().ToDictionaryAsync(t => t.Id, t => t, ct);

        var quotes = new Dictionary<(int TenantId, int CustomerId), (string CustomerName, List<BillingPreviewTicket> Tickets)>();
        var skipped = new List<SkippedTicket>();
        var done = 0;
        foreach (var chunk in ids.Chunk(ChunkSize))
        {
            var analysis = await AnalyzeAsync(db, chunk, access, ct);
            skipped.AddRange(analysis.Skipped);
            foreach (var ticket in analysis.Billable)
            {
                var key = (ticket.Facts.TenantId, ticket.Facts.CustomerId!.Value);
                if (!quotes.TryGetValue(key, out var quote))
                {
                    quotes[key] = quote = (ticket.Facts.CustomerName ?? "", []);
                }
                var lines = ticket.Groups
                    .Select(g =>
                    {
                        var (name, rate) = groups[g.GroupId];
                        var hours = Money.Hours(g.Minutes);
                        return new BillingPreviewLine(g.GroupId, name, hours, rate, Money.Amount(hours, rate));
                    })
                    .OrderBy(l => l.UserGroupName)
                    .ToList();
                quote.Tickets.Add(new BillingPreviewTicket(ticket.Facts.Id, ticket.Facts.Number, ticket.Facts.Subject, lines));
            }
            done += chunk.Length;
            progress?.Report(new BillingProgress(done, ids.Count));
        }

        return new BillingPreview(
            quotes
                .Select(q =>
                {
                    var tenant = tenants[q.Key.TenantId];
                    return new BillingPreviewQuote(tenant.Id, tenant.Name, q.Key.CustomerId, q.Value.CustomerName, tenant.Currency, tenant.VatRate,
                        q.Value.Tickets.OrderBy(t => t.Number).ToList());
                })
                .OrderBy(q => q.CustomerName, StringComparer.CurrentCultureIgnoreCase).ThenBy(q => q.TenantName)
                .ToList(),
            skipped.OrderBy(s => s.Number).ToList());
    }

    /// <summary>
    /// Bills the selection in one transaction. Entries are claimed with a conditional update (only unbilled, billable
    /// ones), and every line's hours come from the entries that update actually linked, so a run that lost a race to
    /// another never bills an entry twice and leaves no empty line or quote behind.
    /// </summary>
    public async Task<BillResult> BillAsync(
        IReadOnlyCollection<int> ticketIds, string? userId, IProgress<BillingProgress>? progress = null, CancellationToken ct = default)
    {
        var ids = ticketIds.Distinct().ToList();
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        // SQLite: BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), so a second run waits for the write lock instead of failing on upgrade.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // PostgreSQL: the conditional claim alone keeps entries from being billed twice, but two runs claiming overlapping
        // chunks in different orders deadlock on the entries' row locks; one after the other they cannot.
        await db.LockAsync(WriterLock.Billing, ct: ct);

        var groups = await db.Set<UserGroup>().AsNoTracking().ToDictionaryAsync(g => g.Id, g => g.HourlyRate, ct);
        var tenants = await db.Set<Tenant>().AsNoTracking().ToDictionaryAsync(t => t.Id, t => t, ct);
        var now = clock.GetUtcNow().UtcDateTime;

        var quotes = new Dictionary<(int TenantId, int CustomerId), QuoteTally>();
        var skipped = new List<SkippedTicket>();
        var billedTickets = new HashSet<int>();
        var entriesBilled = 0;
        var done = 0;
        foreach (var chunk in ids.Chunk(ChunkSize))
        {
            var analysis = await AnalyzeAsync(db, chunk, access, ct);
            skipped.AddRange(analysis.Skipped);
            if (analysis.Billable.Count > 0)
            {
                foreach (var key in analysis.Billable.Select(t => (t.Facts.TenantId, t.Facts.CustomerId!.Value)).Distinct().Where(k => !quotes.ContainsKey(k)))
                {
                    var tenant = tenants[key.TenantId];
                    var quote = new Quote
                    {
                        // Numbers are given at the end, only to quotes that keep lines: no gaps in the sequence.
                        Number = "~" + Guid.NewGuid().ToString("N"),
                        TenantId = key.TenantId,
                        CustomerId = key.Value,
                        Status = QuoteStatus.Draft,
                        CreatedAt = now,
                        CreatedById = userId,
                        Currency = tenant.Currency,
                        VatRate = tenant.VatRate,
                    };
                    db.Set<Quote>().Add(quote);
                    quotes[key] = new QuoteTally(quote);
                }
                await db.SaveChangesAsync(ct);
                var tallies = quotes.Values.ToDictionary(q => q.Quote.Id);

                var lines = new List<QuoteLine>();
                foreach (var ticket in analysis.Billable)
                {
                    var quote = quotes[(ticket.Facts.TenantId, ticket.Facts.CustomerId!.Value)].Quote;
                    foreach (var group in ticket.Groups)
                    {
                        var hours = Money.Hours(group.Minutes);
                        lines.Add(new QuoteLine
                        {
                            QuoteId = quote.Id,
                            TicketId = ticket.Facts.Id,
                            UserGroupId = group.GroupId,
                            Text = $"{Ticket.FormatNumber(ticket.Facts.Number)} {ticket.Facts.Subject}",
                            Rate = groups[group.GroupId],
                            Hours = hours,
                            Amount = Money.Amount(hours, groups[group.GroupId]),
                        });
                    }
                }
                db.Set<QuoteLine>().AddRange(lines);
                await db.SaveChangesAsync(ct);

                var lineIds = string.Join(",", lines.Select(l => l.Id.ToString(CultureInfo.InvariantCulture)));
                var chunkTicketIds = string.Join(",", analysis.Billable.Select(t => t.Facts.Id.ToString(CultureInfo.InvariantCulture)));
                // Only integers are spliced into the statement.
#pragma warning disable EF1002
                // Each entry finds its line through the index on QuoteLines.TicketId. The unary + keeps SQLite from walking
                // the line id list (or the group index) for every entry instead, which made this quadratic.
                var ownLine = $"""
                    SELECT l."Id" FROM "QuoteLines" AS l
                    WHERE l."TicketId" = e."TicketId" AND +l."UserGroupId" = {EffectiveGroupSql} AND +l."Id" IN ({lineIds})
                    """;
                entriesBilled += await db.Database.ExecuteSqlRawAsync($"""
                    UPDATE "TimeEntries" AS e SET "QuoteLineId" = ({ownLine})
                    WHERE e."TicketId" IN ({chunkTicketIds})
                      AND e."QuoteLineId" IS NULL
                      AND e."Billable"
                      AND EXISTS (SELECT 1 FROM "Tickets" AS t WHERE t."Id" = e."TicketId" AND t."TimeTrackingAllowed")
                      AND EXISTS ({ownLine})
                    """, ct);
#pragma warning restore EF1002

                var lineIdList = lines.Select(l => (int?)l.Id).ToList();
                var linked = await db.Set<TimeEntry>().AsNoTracking()
                    .Where(e => lineIdList.Contains(e.QuoteLineId))
                    .GroupBy(e => e.QuoteLineId!.Value)
                    .Select(g => new { LineId = g.Key, Minutes = g.Sum(e => (long)e.Minutes) })
                    .ToDictionaryAsync(g => g.LineId, g => g.Minutes, ct);
                // The lines were priced from the entries seen before the claim; the claimed entries decide.
                var keptTickets = new HashSet<int>();
                foreach (var line in lines)
                {
                    if (!linked.TryGetValue(line.Id, out var minutes))
                    {
                        // Another run claimed these entries first.
                        db.Set<QuoteLine>().Remove(line);
                        continue;
                    }
                    var hours = Money.Hours(minutes);
                    if (hours != line.Hours)
                    {
                        line.Hours = hours;
                        line.Amount = Money.Amount(hours, line.Rate);
                        db.Entry(line).State = EntityState.Modified;
                    }
                    var tally = tallies[line.QuoteId];
                    tally.Net += line.Amount;
                    tally.LineCount++;
                    billedTickets.Add(line.TicketId);
                    keptTickets.Add(line.TicketId);
                }
                await db.SaveChangesAsync(ct);
                var lost = analysis.Billable.Where(t => !keptTickets.Contains(t.Facts.Id)).Select(t => t.Facts).ToList();
                if (lost.Count > 0)
                {
                    var billedBy = await LatestBillingAsync(db, lost.Select(t => t.Id).ToList(), ct);
                    skipped.AddRange(lost.Select(t => billedBy.TryGetValue(t.Id, out var billing)
                        ? AlreadyBilled(t.Id, t.Number, t.Subject, billing)
                        : new SkippedTicket(t.Id, t.Number, t.Subject, SkipReasons.NoUnbilledTime, WholeTicket: true)));
                }
                db.ChangeTracker.Clear();
            }
            done += chunk.Length;
            progress?.Report(new BillingProgress(done, ids.Count));
        }

        var billed = new List<BilledQuote>();
        var customerNames = await CustomerNamesAsync(db, quotes.Keys.Select(k => k.CustomerId).ToList(), ct);
        foreach (var (key, tally) in quotes.OrderBy(q => customerNames.GetValueOrDefault(q.Key.CustomerId), StringComparer.CurrentCultureIgnoreCase).ThenBy(q => q.Value.Quote.Id))
        {
            var quote = tally.Quote;
            if (tally.LineCount == 0)
            {
                await db.Set<Quote>().Where(q => q.Id == quote.Id).ExecuteDeleteAsync(ct);
                continue;
            }
            var tenant = tenants[key.TenantId];
            var year = clock.GetLocalNow().Year;
            var sequence = await db.NextAsync(QuoteNumbers.SequenceName(tenant.Id, year), ct: ct);
            quote.Number = QuoteNumbers.Format(tenant.QuoteNumberPrefix, year, sequence);
            quote.Net = tally.Net;
            quote.Vat = Money.Vat(quote.Net, quote.VatRate);
            quote.Gross = quote.Net + quote.Vat;
            db.Set<Quote>().Attach(quote);
            db.Entry(quote).State = EntityState.Modified;
            billed.Add(new BilledQuote(quote.Id, quote.Number, key.CustomerId, customerNames.GetValueOrDefault(key.CustomerId) ?? "", tally.LineCount, quote.Net, quote.Gross, quote.Currency));
        }
        await db.SaveChangesAsync(ct);
        if (billed.Count > 0)
        {
            var billedQuoteIds = billed.Select(q => q.QuoteId).ToList();
            var ticketQuotes = await db.Set<QuoteLine>().AsNoTracking()
                .Where(l => billedQuoteIds.Contains(l.QuoteId))
                .Select(l => new { l.TicketId, l.Quote.Number })
                .Distinct()
                .ToListAsync(ct);
            using var acting = TicketHistory.ActAsUnlessSet(await TicketHistory.SignedInUserAsync(tenantScope) ?? (userId is null ? null : HistoryActor.User(userId, "")));
            db.AddRange(ticketQuotes.Select(t => TicketHistory.Entry(t.TicketId, HistoryKind.Billing, "Quote", null, t.Number, isInternal: true, now)));
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);

        if (billedTickets.Count > 0)
        {
            notifier.Publish(billedTickets, TicketFields.Billing);
        }
        quoteNotifier.Publish(billed.Select(q => q.QuoteId).ToArray());
        return new BillResult(billed, skipped.OrderBy(s => s.Number).ToList(), entriesBilled);
    }

    private static async Task<Dictionary<int, string>> CustomerNamesAsync(AppDbContext db, List<int> customerIds, CancellationToken ct) =>
        await db.Set<Customer>().AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);

    private sealed record Billing(string Number, string By);

    private static SkippedTicket AlreadyBilled(int ticketId, int number, string subject, Billing billing) =>
        new(ticketId, number, subject, SkipReasons.AlreadyBilled, WholeTicket: true, BilledBy: billing.By, QuoteNumber: billing.Number);

    /// <summary>For each ticket whose billable time is on a quote: the newest such quote and who created it.</summary>
    private static async Task<Dictionary<int, Billing>> LatestBillingAsync(AppDbContext db, IReadOnlyCollection<int> ticketIds, CancellationToken ct)
    {
        if (ticketIds.Count == 0)
        {
            return [];
        }
        var rows = await db.Set<QuoteLine>().AsNoTracking()
            .Where(l => ticketIds.Contains(l.TicketId) && l.TimeEntries.Any(e => e.Billable))
            .Select(l => new
            {
                l.TicketId,
                l.QuoteId,
                l.Quote.Number,
                By = db.Users.Where(u => u.Id == l.Quote.CreatedById).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.TicketId)
            .ToDictionary(g => g.Key, g => g.MaxBy(r => r.QuoteId)!)
            .ToDictionary(p => p.Key, p => new Billing(p.Value.Number, p.Value.By ?? "?"));
    }

    private sealed class QuoteTally(Quote quote)
    {
        public Quote Quote { get; } = quote;
        public decimal Net { get; set; }
        public int LineCount { get; set; }
    }

    private sealed record TicketFacts(int Id, int Number, string Subject, int? CustomerId, string? CustomerName, int TenantId, bool Consent, bool TimerRunning);

    private sealed record GroupMinutes(int GroupId, long Minutes);

    private sealed record BillableTicket(TicketFacts Facts, IReadOnlyList<GroupMinutes> Groups);

    private sealed record ChunkAnalysis(List<BillableTicket> Billable, List<SkippedTicket> Skipped);

    /// <summary>Decides for each ticket of a chunk whether it is billed, with which groups' minutes, and what is left out.</summary>
    /// <remarks>A ticket of a tenant the user may not see is skipped as not found: the client's selection is never trusted.</remarks>
    private static async Task<ChunkAnalysis> AnalyzeAsync(AppDbContext db, int[] chunk, TenantAccess access, CancellationToken ct)
    {
        var tickets = await db.Set<Ticket>().AsNoTracking()
            .Where(t => chunk.Contains(t.Id))
            .WhereTenantAllowed(access, t => t.TenantId)
            .Select(t => new TicketFacts(
                t.Id, t.Number, t.Subject, t.CustomerId, t.Customer != null ? t.Customer.Name : null, t.TenantId, t.TimeTrackingAllowed,
                db.Set<RunningTimer>().Any(r => r.TicketId == t.Id)))
            .ToDictionaryAsync(t => t.Id, ct);
        var entries = await UnbilledTime.GroupsAsync(db, chunk, ct);
        var entriesByTicket = entries.ToLookup(e => e.TicketId);
        var withoutTime = chunk.Where(id => !entriesByTicket[id].Any(e => e.Billable)).ToList();
        var billedOn = await LatestBillingAsync(db, withoutTime, ct);

        var billable = new List<BillableTicket>();
        var skipped = new List<SkippedTicket>();
        foreach (var id in chunk)
        {
            if (!tickets.TryGetValue(id, out var ticket))
            {
                skipped.Add(new SkippedTicket(id, 0, "", SkipReasons.NotFound, WholeTicket: true));
                continue;
            }
            SkippedTicket Skip(string reason, int count = 0) => new(ticket.Id, ticket.Number, ticket.Subject, reason, WholeTicket: true, count);
            var ofTicket = entriesByTicket[id].ToList();
            var groups = ofTicket.Where(e => e.Billable && e.GroupId is not null && e.Minutes > 0)
                .Select(e => new GroupMinutes(e.GroupId!.Value, e.Minutes))
                .ToList();
            var withoutGroup = ofTicket.Where(e => e.Billable && e.GroupId is null).Sum(e => e.Count);
            var nonBillable = ofTicket.Where(e => !e.Billable).Sum(e => e.Count);

            if (ticket.CustomerId is null)
            {
                skipped.Add(Skip(SkipReasons.NoCustomer));
            }
            else if (!ticket.Consent)
            {
                skipped.Add(Skip(SkipReasons.NoConsent));
            }
            else if (ticket.TimerRunning)
            {
                skipped.Add(Skip(SkipReasons.TimerRunning));
            }
            else if (groups.Count == 0)
            {
                skipped.Add(withoutGroup > 0 ? Skip(SkipReasons.NoBillingGroup, withoutGroup)
                    : billedOn.TryGetValue(id, out var billed) ? AlreadyBilled(ticket.Id, ticket.Number, ticket.Subject, billed)
                    : Skip(SkipReasons.NoUnbilledTime));
            }
            else
            {
                billable.Add(new BillableTicket(ticket, groups));
                if (nonBillable > 0)
                {
                    skipped.Add(new SkippedTicket(ticket.Id, ticket.Number, ticket.Subject, SkipReasons.NonBillableEntries, WholeTicket: false, nonBillable));
                }
                if (withoutGroup > 0)
                {
                    skipped.Add(new SkippedTicket(ticket.Id, ticket.Number, ticket.Subject, SkipReasons.NoBillingGroup, WholeTicket: false, withoutGroup));
                }
            }
        }
        return new ChunkAnalysis(billable, skipped);
    }
}

public static class QuoteNumbers
{
    public static string SequenceName(int tenantId, int year) => $"quote-number:{tenantId}:{year}";

    /// <summary>"Q" in 2026, 1 gives "Q-2026-0001"; a prefix that already ends in a dash keeps one dash.</summary>
    public static string Format(string prefix, int year, long sequence)
    {
        var head = (prefix ?? "").Trim().TrimEnd('-');
        var tail = string.Create(CultureInfo.InvariantCulture, $"{year}-{sequence:0000}");
        return head.Length == 0 ? tail : $"{head}-{tail}";
    }
}
