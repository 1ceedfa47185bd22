using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Admin.Customers;

/// <summary>The editable fields of a customer; <see cref="Id"/> 0 means a new customer.</summary>
public sealed class CustomerEdit
{
    public int Id { get; set; }
    public int TenantId { get; set; }
    public string CustomerNumber { get; set; } = "";
    public string Name { get; set; } = "";
    public string Company { get; set; } = "";
    public string Address { get; set; } = "";
    /// <summary>The first address is the primary one; blank entries are ignored.</summary>
    public List<string> Emails { get; set; } = [""];
    /// <summary>Read only: the email of the extranet login that belongs to this customer, if any.</summary>
    public string? ExtranetLogin { get; set; }

    /// <summary>Error key for one address of <see cref="Emails"/>.</summary>
    public static string EmailField(int index) => $"{nameof(Emails)}[{index}]";
}

public sealed record CustomerRow(
    int Id,
    string CustomerNumber,
    string Name,
    string Company,
    string PrimaryEmail,
    int EmailCount,
    int TenantId,
    string TenantName,
    bool HasExtranetLogin);

public sealed record CustomerQuery(string? Text = null, int? TenantId = null);

public enum CustomerSortField
{
    CustomerNumber,
    Name,
    Company,
    PrimaryEmail,
    TenantName,
}

public sealed class CustomerAdminService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock, TenantScope? tenantScope = null)
{
    private Task<TenantAccess> AccessAsync(CancellationToken ct) => tenantScope?.GetAsync(ct) ?? Task.FromResult(TenantAccess.All);

    public const int MaxPageSize = 200;
    public const int MaxNumberLength = 50;
    public const int MaxNameLength = 200;
    public const string NumberPrefix = "C-";
    public const int FirstNumber = 1001;

    public async Task<PagedResult<CustomerRow>> QueryAsync(
        CustomerQuery query, CustomerSortField sort, bool descending, int page, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        return await QueryRangeAsync(query, sort, descending, Math.Max(page, 0) * pageSize, pageSize, ct);
    }

    /// <summary>Like <see cref="QueryAsync"/> by row offset rather than page, for clients that continue where they stopped.</summary>
    public async Task<PagedResult<CustomerRow>> QueryRangeAsync(
        CustomerQuery query, CustomerSortField sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        take = Math.Clamp(take, 1, MaxPageSize);
        skip = Math.Max(skip, 0);

        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var customers = db.Set<Customer>().AsNoTracking().WhereTenantAllowed(access, c => c.TenantId);
        if (query.TenantId is int tenantId)
        {
            customers = customers.Where(c => c.TenantId == tenantId);
        }
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var pattern = $"%{EscapeLike(query.Text.Trim())}%";
            customers = customers.Where(c =>
                EF.Functions.Like(c.CustomerNumber, pattern, "\\")
                || EF.Functions.Like(c.Name, pattern, "\\")
                || EF.Functions.Like(c.Company, pattern, "\\")
                || c.Emails.Any(e => EF.Functions.Like(e.Address, pattern, "\\")));
        }

        var total = await customers.CountAsync(ct);
        var rows = await Sort(customers, sort, descending)
            .Skip(skip)
            .Take(take)
            .Select(c => new CustomerRow(
                c.Id,
                c.CustomerNumber,
                c.Name,
                c.Company,
                c.Emails.OrderBy(e => e.Id).Select(e => e.Address).FirstOrDefault() ?? "",
                c.Emails.Count,
                c.TenantId,
                c.Tenant.Name,
                db.Users.Any(u => u.CustomerId == c.Id)))
            .ToListAsync(ct);
        return new PagedResult<CustomerRow>(rows, total);
    }

    private static IQueryable<Customer> Sort(IQueryable<Customer> query, CustomerSortField sort, bool descending)
    {
        IOrderedQueryable<Customer> ordered = (sort, descending) switch
        {
            (CustomerSortField.Name, false) => query.OrderBy(c => c.Name),
            (CustomerSortField.Name, true) => query.OrderByDescending(c => c.Name),
            (CustomerSortField.Company, false) => query.OrderBy(c => c.Company),
            (CustomerSortField.Company, true) => query.OrderByDescending(c => c.Company),
            (CustomerSortField.PrimaryEmail, false) => query.OrderBy(c => c.Emails.OrderBy(e => e.Id).Select(e => e.Address).FirstOrDefault()),
            (CustomerSortField.PrimaryEmail, true) => query.OrderByDescending(c => c.Emails.OrderBy(e => e.Id).Select(e => e.Address).FirstOrDefault()),
            (CustomerSortField.TenantName, false) => query.OrderBy(c => c.Tenant.Name),
            (CustomerSortField.TenantName, true) => query.OrderByDescending(c => c.Tenant.Name),
            (_, true) => query.OrderByDescending(c => c.CustomerNumber),
            _ => query.OrderBy(c => c.CustomerNumber),
        };
        return descending ? ordered.ThenByDescending(c => c.Id) : ordered.ThenBy(c => c.Id);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    public async Task<CustomerEdit?> GetAsync(int id, CancellationToken ct = default)
    {
        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var edit = await db.Set<Customer>().AsNoTracking()
            .Where(c => c.Id == id)
            .WhereTenantAllowed(access, c => c.TenantId)
            .Select(c => new CustomerEdit
            {
                Id = c.Id,
                TenantId = c.TenantId,
                CustomerNumber = c.CustomerNumber,
                Name = c.Name,
                Company = c.Company,
                Address = c.Address,
                Emails = c.Emails.OrderBy(e => e.Id).Select(e => e.Address).ToList(),
                ExtranetLogin = db.Users.Where(u => u.CustomerId == c.Id).Select(u => u.Email).FirstOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (edit is { Emails.Count: 0 })
        {
            edit.Emails.Add("");
        }
        return edit;
    }

    /// <summary>The next <c>C-nnnn</c> after the highest such number in the tenant; other formats are left alone.</summary>
    public async Task<string> SuggestNumberAsync(int tenantId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var highest = await (db.Database.IsNpgsql()
            ? db.Database.SqlQuery<long?>($"""
                SELECT MAX(CAST(substr("CustomerNumber", 3) AS numeric(30))) AS "Value" FROM "Customers"
                WHERE "TenantId" = {tenantId} AND "CustomerNumber" ~ '^C-[0-9]+$'
                """)
            : db.Database.SqlQuery<long?>($"""
                SELECT MAX(CAST(substr("CustomerNumber", 3) AS INTEGER)) AS "Value" FROM "Customers"
                WHERE "TenantId" = {tenantId} AND "CustomerNumber" GLOB 'C-[0-9]*' AND "CustomerNumber" NOT GLOB 'C-*[^0-9]*'
                """))
            .SingleAsync(ct);
        var next = highest is long h ? h + 1 : FirstNumber;
        return $"{NumberPrefix}{next:0000}";
    }

    /// <summary>The rules that need no database; keys are <see cref="CustomerEdit"/> property names or <see cref="CustomerEdit.EmailField"/>.</summary>
    public static FieldErrors Validate(CustomerEdit edit)
    {
        var errors = new FieldErrors();
        var number = AdminValidation.Trimmed(edit.CustomerNumber);
        if (number.Length == 0)
        {
            errors.Add(nameof(CustomerEdit.CustomerNumber), Text.Of("Enter a customer number."));
        }
        else if (number.Length > MaxNumberLength)
        {
            errors.Add(nameof(CustomerEdit.CustomerNumber), Text.Of("The customer number may have at most 50 characters."));
        }
        var name = AdminValidation.Trimmed(edit.Name);
        if (name.Length == 0)
        {
            errors.Add(nameof(CustomerEdit.Name), Text.Of("Enter a name."));
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(nameof(CustomerEdit.Name), "The name may have at most 200 characters.");
        }
        if (AdminValidation.Trimmed(edit.Company).Length > MaxNameLength)
        {
            errors.Add(nameof(CustomerEdit.Company), Text.Of("The company may have at most 200 characters."));
        }
        if (edit.TenantId <= 0)
        {
            errors.Add(nameof(CustomerEdit.TenantId), "Choose a tenant.");
        }

        var seen = new HashSet<string>();
        for (var i = 0; i < edit.Emails.Count; i++)
        {
            var address = AdminValidation.Trimmed(edit.Emails[i]);
            if (address.Length == 0)
            {
                continue;
            }
            if (!AdminValidation.IsEmailAddress(address))
            {
                errors.Add(CustomerEdit.EmailField(i), Text.Of("Enter a valid email address, such as anna@example.com."));
            }
            else if (!seen.Add(AdminValidation.Lower(address)))
            {
                errors.Add(CustomerEdit.EmailField(i), Text.Of("This address is listed twice."));
            }
        }
        if (seen.Count == 0 && !errors.Keys.Any(k => k.StartsWith(nameof(CustomerEdit.Emails), StringComparison.Ordinal)))
        {
            errors.Add(nameof(CustomerEdit.Emails), Text.Of("Enter at least one email address."));
        }
        return errors;
    }

    /// <summary>Creates the customer when <see cref="CustomerEdit.Id"/> is 0, otherwise updates it with its addresses.</summary>
    public async Task<AdminResult<int>> SaveAsync(CustomerEdit edit, CancellationToken ct = default)
    {
        var errors = Validate(edit);
        if (errors.Count > 0)
        {
            return AdminResult.Invalid<int>(errors);
        }

        var access = await AccessAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!access.Allows(edit.TenantId) || !await db.Set<Tenant>().AnyAsync(t => t.Id == edit.TenantId, ct))
        {
            return AdminResult.Invalid<int>(FieldErrors.Of(nameof(CustomerEdit.TenantId), "Choose a tenant."));
        }

        Customer customer;
        if (edit.Id == 0)
        {
            customer = new Customer { CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Set<Customer>().Add(customer);
        }
        else
        {
            var existing = await db.Set<Customer>().Include(c => c.Emails).WhereTenantAllowed(access, c => c.TenantId).SingleOrDefaultAsync(c => c.Id == edit.Id, ct);
            if (existing is null)
            {
                return AdminResult.Failed<int>(Text.Of("This customer no longer exists."));
            }
            customer = existing;
            if (customer.TenantId != edit.TenantId && await HasTenantBoundRecordsAsync(db, customer.Id, ct))
            {
                errors.Add(nameof(CustomerEdit.TenantId), Text.Of("This customer has tickets or quotes in its tenant, so it cannot move to another tenant."));
            }
        }
        await CheckUniqueAsync(db, edit, errors, ct);
        if (errors.Count > 0)
        {
            return AdminResult.Invalid<int>(errors);
        }

        customer.TenantId = edit.TenantId;
        customer.CustomerNumber = AdminValidation.Trimmed(edit.CustomerNumber);
        customer.Name = AdminValidation.Trimmed(edit.Name);
        customer.Company = AdminValidation.Trimmed(edit.Company);
        customer.Address = (edit.Address ?? "").Trim();
        SyncEmails(db, customer, Addresses(edit));

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Someone saved a clashing number or address between our check and the write.
            await using var fresh = await dbFactory.CreateDbContextAsync(ct);
            var clashes = new FieldErrors();
            await CheckUniqueAsync(fresh, edit, clashes, ct);
            return clashes.Count > 0
                ? AdminResult.Invalid<int>(clashes)
                : AdminResult.Failed<int>(Text.Of("Someone else saved a clashing customer at the same time. Check the number and addresses and try again."));
        }
        return AdminResult.Saved(customer.Id);
    }

    private static List<string> Addresses(CustomerEdit edit) =>
        edit.Emails.Select(AdminValidation.Trimmed).Where(a => a.Length > 0).ToList();

    /// <summary>Keeps the rows of unchanged addresses (their order decides the primary one) and the denormalised tenant in step.</summary>
    private static void SyncEmails(AppDbContext db, Customer customer, List<string> addresses)
    {
        var wanted = addresses.ToDictionary(AdminValidation.Lower);
        var kept = new HashSet<string>();
        foreach (var row in customer.Emails.OrderBy(e => e.Id).ToList())
        {
            var key = AdminValidation.Lower(row.Address);
            if (wanted.TryGetValue(key, out var address) && kept.Add(key))
            {
                row.Address = address;
                row.TenantId = customer.TenantId;
            }
            else
            {
                customer.Emails.Remove(row);
                db.Set<CustomerEmail>().Remove(row);
            }
        }
        foreach (var address in addresses.Where(a => !kept.Contains(AdminValidation.Lower(a))))
        {
            customer.Emails.Add(new CustomerEmail { Address = address, TenantId = customer.TenantId });
        }
    }

    private static async Task CheckUniqueAsync(AppDbContext db, CustomerEdit edit, FieldErrors errors, CancellationToken ct)
    {
        var lowerNumber = AdminValidation.Lower(AdminValidation.Trimmed(edit.CustomerNumber));
        if (await db.Set<Customer>().AnyAsync(c => c.TenantId == edit.TenantId && c.Id != edit.Id && c.CustomerNumber.ToLower() == lowerNumber, ct))
        {
            errors.AddIfFirst(nameof(CustomerEdit.CustomerNumber), Text.Of("Another customer of this tenant already has this number."));
        }

        var lowerAddresses = Addresses(edit).Select(AdminValidation.Lower).ToList();
        // Through the customer rather than the denormalised CustomerEmail.TenantId, which older rows may have wrong.
        var taken = await db.Set<CustomerEmail>()
            .Where(e => e.Customer.TenantId == edit.TenantId && e.CustomerId != edit.Id && lowerAddresses.Contains(e.Address.ToLower()))
            .Select(e => e.Address.ToLower())
            .ToListAsync(ct);
        for (var i = 0; i < edit.Emails.Count; i++)
        {
            if (taken.Contains(AdminValidation.Lower(AdminValidation.Trimmed(edit.Emails[i]))))
            {
                errors.AddIfFirst(CustomerEdit.EmailField(i), Text.Of("This address already belongs to another customer of this tenant."));
            }
        }
    }

    /// <summary>Tickets and quotes must stay in their customer's tenant, so a customer with any cannot move.</summary>
    private static async Task<bool> HasTenantBoundRecordsAsync(AppDbContext db, int customerId, CancellationToken ct) =>
        await db.Set<Ticket>().AnyAsync(t => t.CustomerId == customerId, ct)
        || await db.Set<TicketAssignedCustomer>().AnyAsync(a => a.CustomerId == customerId, ct)
        || await db.Set<Quote>().AnyAsync(q => q.CustomerId == customerId, ct);
}
