using BlazorTickets.Data;
using BlazorTickets.Features.Tenants;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail;

public sealed record QuarantineRow(int Id, string TenantName, string Reason, string From, string Subject, long Size, bool RawIsComplete, DateTime CreatedAt);

public sealed class MailQuarantineService(IDbContextFactory<AppDbContext> dbFactory, MailImporter importer)
{
    public async Task<PagedRows> ListAsync(int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<QuarantinedMail>().AsNoTracking();
        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderByDescending(q => q.CreatedAt).ThenByDescending(q => q.Id)
            .Skip(Math.Max(page, 0) * pageSize).Take(Math.Clamp(pageSize, 1, 200))
            .Select(q => new QuarantineRow(
                q.Id,
                db.Set<Tenant>().Where(t => t.Id == q.TenantId).Select(t => t.Name).FirstOrDefault() ?? "",
                q.Reason, q.From, q.Subject, q.Size, q.RawIsComplete, q.CreatedAt))
            .ToListAsync(ct);
        return new PagedRows(rows, total);
    }

    public sealed record PagedRows(IReadOnlyList<QuarantineRow> Items, int TotalCount);

    public async Task<(string FileName, byte[] Raw)?> GetEmlAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entry = await db.Set<QuarantinedMail>().AsNoTracking()
            .Where(q => q.Id == id)
            .Select(q => new { q.Id, q.Raw, q.RawIsComplete })
            .SingleOrDefaultAsync(ct);
        return entry is null ? null : ($"quarantine-{entry.Id}{(entry.RawIsComplete ? "" : "-headers")}.eml", entry.Raw);
    }

    public Task<(bool Ok, string Message)> RetryAsync(int id, CancellationToken ct = default) => importer.RetryQuarantinedAsync(id, ct);

    /// <summary>Discarding keeps the receipt, so the message is never fetched again.</summary>
    public async Task<bool> DiscardAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<QuarantinedMail>().Where(q => q.Id == id).ExecuteDeleteAsync(ct) > 0;
    }
}
