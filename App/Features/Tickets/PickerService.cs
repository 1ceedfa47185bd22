using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// The searches behind the customer and user pickers: a few matches at a time from the server, limited to one tenant
/// and to what the signed-in user may see, so a picker never loads every customer.
/// </summary>
public sealed class PickerService(IDbContextFactory<AppDbContext> dbFactory, TenantScope? tenantScope = null)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    private const int BroadMatch = 3000;

    private Task<TenantAccess> AccessAsync(CancellationToken ct) => tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All);

    /// <summary>
    /// Customers of <paramref name="tenantId"/> (or of every tenant the user may see) with a word of their name, company,
    /// customer number or email starting with each word typed: those whose name starts with the text first, then the
    /// others, each by name. Empty text lists the first customers by name.
    /// </summary>
    public async Task<IReadOnlyList<CustomerOption>> SearchCustomersAsync(int? tenantId, string? text, int limit = DefaultLimit, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var access = await AccessAsync(ct);
        if (tenantId is int requested && !access.Allows(requested))
        {
            return [];
        }
        var trimmed = (text ?? "").Trim();
        var match = CustomerSearchText.ToMatch(trimmed);
        if (match is null && trimmed.Length > 0)
        {
            // Only punctuation: nothing to look for.
            return [];
        }
        var prefix = EscapeLike(trimmed) + "%";
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (db.Database.IsNpgsql())
        {
            return await SearchCustomersPostgresAsync(db, access, tenantId, trimmed, limit, ct);
        }

        // Names that start with the text come first. Walking the NOCASE name index finds them in order and stops at
        // the limit, so a letter or two never sorts thousands of matches; only when they do not fill the list does
        // the full-text match run.
        var rows = await InScope(db.Set<Customer>(), access, tenantId)
            .Where(c => EF.Functions.Like(c.Name, prefix, "\\"))
            .OrderBy(c => EF.Functions.Collate(c.Name, "NOCASE")).ThenBy(c => c.Id)
            .Take(limit)
            .Select(c => new CustomerOption(c.Id, c.Name, c.Company, c.TenantId, c.CustomerNumber, ""))
            .ToListAsync(ct);
        if (rows.Count < limit && match is not null)
        {
            // The other matches, also by name. A few thousand matches are simply sorted. For a word that matches
            // many customers ("gmbh", "com"), "+Id" keeps SQLite from driving the query by the match list and sorting
            // it: it walks the name index instead and checks each customer against the matches until the list is full.
            var broad = await db.Database
                .SqlQuery<int>($"SELECT count(*) AS Value FROM (SELECT 1 FROM CustomerSearch WHERE CustomerSearch MATCH {match} LIMIT {BroadMatch})")
                .SingleAsync(ct) >= BroadMatch;
            var matching = broad
                ? db.Set<Customer>().FromSql($"SELECT * FROM Customers WHERE +Id IN (SELECT rowid FROM CustomerSearch WHERE CustomerSearch MATCH {match})")
                : db.Set<Customer>().FromSql($"SELECT * FROM Customers WHERE Id IN (SELECT rowid FROM CustomerSearch WHERE CustomerSearch MATCH {match})");
            rows.AddRange(await InScope(matching, access, tenantId)
                .Where(c => !EF.Functions.Like(c.Name, prefix, "\\"))
                .OrderBy(c => EF.Functions.Collate(c.Name, "NOCASE")).ThenBy(c => c.Id)
                .Take(limit - rows.Count)
                .Select(c => new CustomerOption(c.Id, c.Name, c.Company, c.TenantId, c.CustomerNumber, ""))
                .ToListAsync(ct));
        }
        return await WithEmailsAsync(db, rows, ct);
    }

    /// <summary>
    /// The same search on PostgreSQL. Names that start with the text: a range of the NOCASE name index (ICU sorts
    /// every name with a prefix between the prefix and the prefix followed by U+FFFF), checked with ILIKE, since the
    /// case-insensitive ICU collation allows no LIKE. The others: the customer index's GIN lookup of each word's start
    /// (<see cref="CustomerSearchSql.PostgresCreate"/>), sorted by name.
    /// </summary>
    private static async Task<IReadOnlyList<CustomerOption>> SearchCustomersPostgresAsync(
        AppDbContext db, TenantAccess access, int? tenantId, string trimmed, int limit, CancellationToken ct)
    {
        var rows = new List<CustomerOption>();
        if (trimmed.Length > 0)
        {
            var prefix = EscapeLike(trimmed) + "%";
            var below = trimmed + "\uffff";
            rows = await InScope(db.Set<Customer>(), access, tenantId)
                .Where(c => string.Compare(EF.Functions.Collate(c.Name, "NOCASE"), trimmed) >= 0
                    && string.Compare(EF.Functions.Collate(c.Name, "NOCASE"), below) < 0)
                .Where(c => EF.Functions.ILike(EF.Functions.Collate(c.Name, "und-x-icu"), prefix, "\\"))
                .OrderBy(c => EF.Functions.Collate(c.Name, "NOCASE")).ThenBy(c => c.Id)
                .Take(limit)
                .Select(c => new CustomerOption(c.Id, c.Name, c.Company, c.TenantId, c.CustomerNumber, ""))
                .ToListAsync(ct);
        }
        if (rows.Count < limit)
        {
            // Fewer than the limit: every name with the prefix is among them, so the others are all but these.
            var found = rows.Select(r => r.Id).ToList();
            var customers = CustomerSearchText.ToTsQuery(trimmed) is { } query
                ? db.Set<Customer>().FromSql($"""
                    SELECT * FROM "Customers" WHERE "Id" IN (
                        SELECT "CustomerId" FROM "CustomerSearch" WHERE "Document" @@ to_tsquery('simple', {query}))
                    """)
                : db.Set<Customer>();
            rows.AddRange(await InScope(customers, access, tenantId)
                .Where(c => !found.Contains(c.Id))
                .OrderBy(c => EF.Functions.Collate(c.Name, "NOCASE")).ThenBy(c => c.Id)
                .Take(limit - rows.Count)
                .Select(c => new CustomerOption(c.Id, c.Name, c.Company, c.TenantId, c.CustomerNumber, ""))
                .ToListAsync(ct));
        }
        return await WithEmailsAsync(db, rows, ct);
    }

    private static IQueryable<Customer> InScope(IQueryable<Customer> customers, TenantAccess access, int? tenantId)
    {
        customers = customers.AsNoTracking().WhereTenantAllowed(access, c => c.TenantId);
        return tenantId is int id ? customers.Where(c => c.TenantId == id) : customers;
    }

    // Fetched for the few rows shown rather than inside the sorted query, where SQLite would look one up per match.
    private static async Task<IReadOnlyList<CustomerOption>> WithEmailsAsync(AppDbContext db, List<CustomerOption> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return rows;
        }
        var ids = rows.Select(r => r.Id).ToList();
        var firstEmails = await db.Set<CustomerEmail>().AsNoTracking()
            .Where(e => ids.Contains(e.CustomerId))
            .GroupBy(e => e.CustomerId)
            .Select(g => new { CustomerId = g.Key, Address = g.OrderBy(e => e.Id).Select(e => e.Address).First() })
            .ToDictionaryAsync(e => e.CustomerId, e => e.Address, ct);
        return rows.Select(r => r with { Email = firstEmails.GetValueOrDefault(r.Id, "") }).ToList();
    }

    /// <summary>The chosen customers, by id, for showing their names; those the user may not see are left out.</summary>
    public async Task<IReadOnlyList<CustomerOption>> GetCustomersAsync(IEnumerable<int> ids, CancellationToken ct = default)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Customer>().AsNoTracking()
            .Where(c => wanted.Contains(c.Id))
            .WhereTenantAllowed(access, c => c.TenantId)
            .Select(c => new CustomerOption(c.Id, c.Name, c.Company, c.TenantId, c.CustomerNumber,
                c.Emails.OrderBy(e => e.Id).Select(e => e.Address).FirstOrDefault() ?? ""))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Members of group Ticket-Support who work for <paramref name="tenantId"/> (users without chosen tenants work for
    /// all), or for any tenant the signed-in user may see, whose name or email contains the text.
    /// </summary>
    public async Task<IReadOnlyList<Option<string>>> SearchSupportUsersAsync(int? tenantId, string? text, int limit = DefaultLimit, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        var access = await AccessAsync(ct);
        if (tenantId is int requested && !access.Allows(requested))
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = WorkingFor(db.Users.AsNoTracking().Where(u => u.Memberships.Any(m => m.Group.Name == Groups.TicketSupport)), access, tenantId);
        // A desk has tens of agents, not thousands: they are compared in memory, where umlauts fold the way the
        // customer index folds them.
        var candidates = await users.Select(u => new { u.Id, u.DisplayName, Email = u.Email ?? "" }).ToListAsync(ct);
        var words = CustomerSearchText.Words(text)
            .Select(w => (Folded: CustomerSearchText.Fold(w), Spelled: CustomerSearchText.Fold(CustomerSearchText.SpellOut(w))))
            .ToList();
        var whole = CustomerSearchText.Fold((text ?? "").Trim());
        return candidates
            .Select(u => new
            {
                User = u,
                Name = CustomerSearchText.Fold(u.DisplayName),
                Searchable = $"{CustomerSearchText.Fold(u.DisplayName)} {CustomerSearchText.Fold(CustomerSearchText.SpellOut(u.DisplayName))} {CustomerSearchText.Fold(u.Email)}",
            })
            .Where(u => words.All(w => u.Searchable.Contains(w.Folded, StringComparison.Ordinal) || u.Searchable.Contains(w.Spelled, StringComparison.Ordinal)))
            .OrderBy(u => u.Name.StartsWith(whole, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(u => u.User.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(u => u.User.Id, StringComparer.Ordinal)
            .Take(limit)
            .Select(u => new Option<string>(u.User.Id, u.User.DisplayName))
            .ToList();
    }

    /// <summary>
    /// Staff users (logins without a customer) who work for <paramref name="tenantId"/>, or for any tenant the signed-in
    /// user may see, as the support picker limits them; only members of <paramref name="group"/> when one is named.
    /// </summary>
    public async Task<IReadOnlyList<StaffUserOption>> ListStaffUsersAsync(string? group, int? tenantId, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        if (tenantId is int requested && !access.Allows(requested))
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = WorkingFor(db.Users.AsNoTracking().Where(u => u.CustomerId == null), access, tenantId);
        if (!string.IsNullOrWhiteSpace(group))
        {
            var groupName = group.Trim();
            users = users.Where(u => u.Memberships.Any(m => m.Group.Name == groupName));
        }
        var rows = await users
            .Select(u => new { u.Id, u.DisplayName, Email = u.Email ?? "", Groups = u.Memberships.Select(m => m.Group.Name).OrderBy(n => n).ToList() })
            .ToListAsync(ct);
        return rows
            .OrderBy(u => u.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(u => u.Id, StringComparer.Ordinal)
            .Select(u => new StaffUserOption(u.Id, u.DisplayName, u.Email, u.Groups))
            .ToList();
    }

    /// <summary>Users without chosen tenants work for all; the others for the tenants they were given.</summary>
    private static IQueryable<AppUser> WorkingFor(IQueryable<AppUser> users, TenantAccess access, int? tenantId)
    {
        if (tenantId is int id)
        {
            return users.Where(u => !u.Tenants.Any() || u.Tenants.Any(t => t.TenantId == id));
        }
        if (access.TenantIds is { } allowed)
        {
            var allowedIds = allowed.ToList();
            return users.Where(u => !u.Tenants.Any() || u.Tenants.Any(t => allowedIds.Contains(t.TenantId)));
        }
        return users;
    }

    /// <summary>The chosen users, by id, for showing their names.</summary>
    public async Task<IReadOnlyList<Option<string>>> GetUsersAsync(IEnumerable<string> ids, CancellationToken ct = default)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking()
            .Where(u => wanted.Contains(u.Id))
            .Select(u => new Option<string>(u.Id, u.DisplayName))
            .ToListAsync(ct);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
