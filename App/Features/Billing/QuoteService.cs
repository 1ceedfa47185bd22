using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Billing;

public sealed class QuoteService(
    IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TicketChangeNotifier notifier, QuoteChangeNotifier quoteNotifier,
    TenantScope? tenantScope = null)
{
    public const int MaxPageSize = 200;

    private Task<TenantAccess> AccessAsync(CancellationToken ct) => tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All);

    /// <summary>Draft → Sent → Accepted or Rejected; a draft or a sent quote can be cancelled.</summary>
    public static IReadOnlyList<QuoteStatus> NextStatuses(QuoteStatus status) => status switch
    {
        QuoteStatus.Draft => [QuoteStatus.Sent, QuoteStatus.Cancelled],
        QuoteStatus.Sent => [QuoteStatus.Accepted, QuoteStatus.Rejected, QuoteStatus.Cancelled],
        _ => [],
    };

    public async Task<QuotePage> QueryAsync(QuoteListFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = ApplyFilter(db, filter, access);
        var total = await query.CountAsync(ct);
        var rows = await Project(query.OrderByDescending(q => q.CreatedAt).ThenByDescending(q => q.Id))
            .Skip(Math.Max(page, 0) * pageSize)
            .Take(pageSize)
            .ToListAsync(ct);
        // SQLite keeps decimals as text and cannot sum them exactly; three columns of the filtered quotes are small.
        var amounts = await query.Select(q => new { q.Currency, q.Net, q.Vat, q.Gross }).ToListAsync(ct);
        var totals = amounts.GroupBy(a => a.Currency)
            .OrderBy(g => g.Key)
            .Select(g => new QuoteTotals(g.Key, g.Count(), g.Sum(a => a.Net), g.Sum(a => a.Vat), g.Sum(a => a.Gross)))
            .ToList();
        return new QuotePage(rows, total, totals);
    }

    /// <summary>Every quote the filter matches, newest first, read as a stream (for the CSV export).</summary>
    public async IAsyncEnumerable<QuoteRow> StreamAsync(QuoteListFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await foreach (var row in Project(ApplyFilter(db, filter, access).OrderByDescending(q => q.CreatedAt).ThenByDescending(q => q.Id)).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return row;
        }
    }

    /// <summary>
    /// The filter's quotes with an id above <paramref name="afterId"/> created after <paramref name="createdAfter"/>, oldest
    /// first: a system that fetches new quotes passes the last id it got and neither misses nor repeats one. SQLite
    /// writes one transaction at a time, so ids are handed out in the order quotes become visible.
    /// </summary>
    public async Task<IReadOnlyList<QuoteRow>> ListNewAsync(QuoteListFilter filter, int? afterId, DateTime? createdAfter, int limit, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, MaxPageSize);
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = ApplyFilter(db, filter, access);
        if (afterId is int id)
        {
            query = query.Where(q => q.Id > id);
        }
        if (createdAfter is DateTime after)
        {
            var afterUtc = after.Kind == DateTimeKind.Local ? after.ToUniversalTime() : DateTime.SpecifyKind(after, DateTimeKind.Utc);
            query = query.Where(q => q.CreatedAt > afterUtc);
        }
        return await Project(query.OrderBy(q => q.Id)).Take(limit).ToListAsync(ct);
    }

    /// <summary>The quote as the PDF the quote page downloads; null when there is none the user may see.</summary>
    /// <param name="text">Translates the PDF's English labels (the app's localizer).</param>
    public async Task<QuotePdfFile?> PdfAsync(int id, Func<string, string> text, CancellationToken ct = default)
    {
        var quote = await GetAsync(id, ct);
        return quote is null ? null : new QuotePdfFile(QuotePdf.Render(quote, text), SafeFileName.From($"{quote.Number}.pdf"));
    }

    private IQueryable<Quote> ApplyFilter(AppDbContext db, QuoteListFilter filter, TenantAccess access)
    {
        var query = db.Set<Quote>().AsNoTracking().WhereTenantAllowed(access, q => q.TenantId);
        if (filter.Status is QuoteStatus status)
        {
            query = query.Where(q => q.Status == status);
        }
        if (filter.CustomerId is int customerId)
        {
            query = query.Where(q => q.CustomerId == customerId);
        }
        if (filter.TenantId is int tenantId)
        {
            query = query.Where(q => q.TenantId == tenantId);
        }
        if (filter.From is DateOnly from)
        {
            var fromUtc = ToUtc(from);
            query = query.Where(q => q.CreatedAt >= fromUtc);
        }
        if (filter.To is DateOnly to)
        {
            var toUtc = ToUtc(to.AddDays(1));
            query = query.Where(q => q.CreatedAt < toUtc);
        }
        return query;
    }

    private DateTime ToUtc(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), clock.LocalTimeZone);

    private static IQueryable<QuoteRow> Project(IQueryable<Quote> query) => query.Select(q => new QuoteRow(
        q.Id, q.Number, q.Status, q.CreatedAt, q.Customer.Name, q.Tenant.Name, q.Currency, q.Net, q.Vat, q.Gross, q.Lines.Count, q.CustomerId, q.TenantId));

    public async Task<QuoteDetails?> GetAsync(int id, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var header = await db.Set<Quote>().AsNoTracking()
            .Where(q => q.Id == id)
            .WhereTenantAllowed(access, q => q.TenantId)
            .Select(q => new
            {
                Quote = q,
                TenantName = q.Tenant.Name,
                q.Tenant.SenderName,
                q.Tenant.SenderAddress,
                q.Customer.CustomerNumber,
                CustomerName = q.Customer.Name,
                q.Customer.Company,
                q.Customer.Address,
                CreatedByName = db.Users.Where(u => u.Id == q.CreatedById).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (header is null)
        {
            return null;
        }
        var lines = await db.Set<QuoteLine>().AsNoTracking()
            .Where(l => l.QuoteId == id)
            .OrderBy(l => l.Ticket.Number).ThenBy(l => l.UserGroup.Name).ThenBy(l => l.Id)
            .Select(l => new QuoteLineView(l.Id, l.TicketId, l.Ticket.Number, l.Text, l.UserGroup.Name, l.Hours, l.Rate, l.Amount, l.TimeEntries.Count))
            .ToListAsync(ct);
        var q = header.Quote;
        return new QuoteDetails(
            q.Id, q.Number, q.Status, q.CreatedAt, header.CreatedByName, q.TenantId, header.TenantName, header.SenderName, header.SenderAddress,
            q.CustomerId, header.CustomerNumber, header.CustomerName, header.Company, header.Address,
            q.Currency, q.VatRate, q.Net, q.Vat, q.Gross, lines);
    }

    /// <summary>
    /// Moves a quote to <paramref name="next"/>. Cancelling a draft releases its time entries back to unbilled in the
    /// same transaction; a sent quote's entries stay billed when it is cancelled (the customer has seen that time).
    /// With <paramref name="expected"/> the change only happens from that status, so a caller who decided on an older
    /// reading (a draft to cancel that someone has sent meanwhile) is told rather than obeyed.
    /// </summary>
    public async Task<QuoteStatusResult> SetStatusAsync(int id, QuoteStatus next, QuoteStatus? expected = null, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var current = await db.Set<Quote>().Where(q => q.Id == id).WhereTenantAllowed(access, q => q.TenantId).Select(q => (QuoteStatus?)q.Status).SingleOrDefaultAsync(ct);
        if (current is not QuoteStatus from)
        {
            return new QuoteStatusResult.Refused(QuoteMessages.NotFound);
        }
        if (expected is QuoteStatus expectedStatus && expectedStatus != from)
        {
            return new QuoteStatusResult.Refused(QuoteMessages.ChangedMeanwhile);
        }
        if (!NextStatuses(from).Contains(next))
        {
            return new QuoteStatusResult.Refused(QuoteMessages.NotAllowed);
        }
        // Conditional on the status read above: of two clerks changing the same quote, the second is told, not overwritten.
        var changed = await db.Set<Quote>().Where(q => q.Id == id && q.Status == from).ExecuteUpdateAsync(s => s.SetProperty(q => q.Status, next), ct);
        if (changed == 0)
        {
            return new QuoteStatusResult.Refused(QuoteMessages.ChangedMeanwhile);
        }
        db.NoteUntrackedChange(new UntrackedChange(typeof(Quote), id, nameof(Quote.Status), from, next));
        var released = 0;
        var ticketIds = new List<int>();
        if (next == QuoteStatus.Cancelled && from == QuoteStatus.Draft)
        {
            var lineIds = db.Set<QuoteLine>().Where(l => l.QuoteId == id).Select(l => (int?)l.Id);
            ticketIds = await db.Set<QuoteLine>().Where(l => l.QuoteId == id).Select(l => l.TicketId).Distinct().ToListAsync(ct);
            released = await db.Set<TimeEntry>().Where(e => lineIds.Contains(e.QuoteLineId))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.QuoteLineId, (int?)null), ct);
            var number = await db.Set<Quote>().Where(q => q.Id == id).Select(q => q.Number).SingleAsync(ct);
            using var acting = TicketHistory.ActAsUnlessSet(await TicketHistory.SignedInUserAsync(tenantScope));
            var at = clock.GetUtcNow().UtcDateTime;
            db.AddRange(ticketIds.Select(ticketId => TicketHistory.Entry(ticketId, HistoryKind.Billing, "Quote", number, null, isInternal: true, at)));
        }
        // Also when nothing else is saved: the save interceptors (webhooks) write what follows from the status into this transaction.
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifier.Publish(ticketIds, TicketFields.Billing);
        quoteNotifier.Publish([id]);
        return new QuoteStatusResult.Changed(next, released);
    }
}
