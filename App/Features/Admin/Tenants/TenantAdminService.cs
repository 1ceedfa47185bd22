using System.Linq.Expressions;
using BlazorTickets.Data;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Admin.Tenants;

/// <summary>The editable fields of a tenant; <see cref="Id"/> 0 means a new tenant.</summary>
public sealed class TenantEdit
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string SenderAddress { get; set; } = "";
    public string SenderName { get; set; } = "";
    public string Currency { get; set; } = "EUR";
    public decimal VatRate { get; set; } = 19m;
    public string QuoteNumberPrefix { get; set; } = "Q";
    public int TimeRoundingMinutes { get; set; }

    internal TenantEdit Normalized() => new()
    {
        Id = Id,
        Name = AdminValidation.Trimmed(Name),
        SenderAddress = AdminValidation.Trimmed(SenderAddress),
        SenderName = AdminValidation.Trimmed(SenderName),
        Currency = AdminValidation.Trimmed(Currency).ToUpperInvariant(),
        VatRate = VatRate,
        QuoteNumberPrefix = AdminValidation.Trimmed(QuoteNumberPrefix),
        TimeRoundingMinutes = TimeRoundingMinutes,
    };
}

public sealed class TenantAdminService(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxNameLength = 200;
    public const int MaxSenderNameLength = 200;
    public const int MaxQuoteNumberPrefixLength = 20;

    public static readonly IReadOnlyList<int> TimeRoundingChoices = [0, 1, 5, 6, 10, 15];

    public async Task<IReadOnlyList<TenantEdit>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Tenant>().AsNoTracking().OrderBy(t => t.Name).Select(ToEdit).ToListAsync(ct);
    }

    public async Task<TenantEdit?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Tenant>().AsNoTracking().Where(t => t.Id == id).Select(ToEdit).SingleOrDefaultAsync(ct);
    }

    private static readonly Expression<Func<Tenant, TenantEdit>> ToEdit = t => new TenantEdit
    {
        Id = t.Id,
        Name = t.Name,
        SenderAddress = t.SenderAddress,
        SenderName = t.SenderName,
        Currency = t.Currency,
        VatRate = t.VatRate,
        QuoteNumberPrefix = t.QuoteNumberPrefix,
        TimeRoundingMinutes = t.TimeRoundingMinutes,
    };

    /// <summary>The rules that need no database; keys are <see cref="TenantEdit"/> property names.</summary>
    public static FieldErrors Validate(TenantEdit edit)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(edit.Name))
        {
            errors.Add(nameof(TenantEdit.Name), Text.Of("Enter a name."));
        }
        else if (edit.Name.Trim().Length > MaxNameLength)
        {
            errors.Add(nameof(TenantEdit.Name), "The name may have at most 200 characters.");
        }
        if (!AdminValidation.IsEmailAddress(edit.SenderAddress?.Trim()))
        {
            errors.Add(nameof(TenantEdit.SenderAddress), Text.Of("Enter a valid email address, such as support@example.com."));
        }
        if ((edit.SenderName ?? "").Trim().Length > MaxSenderNameLength)
        {
            errors.Add(nameof(TenantEdit.SenderName), Text.Of("The sender name may have at most 200 characters."));
        }
        var currency = (edit.Currency ?? "").Trim();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetter))
        {
            errors.Add(nameof(TenantEdit.Currency), Text.Of("The currency must be a three-letter code such as EUR."));
        }
        if (edit.VatRate is < 0 or > 100)
        {
            errors.Add(nameof(TenantEdit.VatRate), Text.Of("The VAT rate must be between 0 and 100."));
        }
        else if (!AdminValidation.HasAtMostTwoDecimals(edit.VatRate))
        {
            errors.Add(nameof(TenantEdit.VatRate), Text.Of("The VAT rate may have at most two decimals."));
        }
        var prefix = (edit.QuoteNumberPrefix ?? "").Trim();
        if (prefix.Length > MaxQuoteNumberPrefixLength || prefix.Any(char.IsWhiteSpace))
        {
            errors.Add(nameof(TenantEdit.QuoteNumberPrefix), Text.Of("The quote number prefix may have at most 20 characters and no spaces."));
        }
        if (!TimeRoundingChoices.Contains(edit.TimeRoundingMinutes))
        {
            errors.Add(nameof(TenantEdit.TimeRoundingMinutes), Text.Of("Choose one of 0, 1, 5, 6, 10 or 15 minutes."));
        }
        return errors;
    }

    /// <summary>Creates the tenant when <see cref="TenantEdit.Id"/> is 0, otherwise updates it.</summary>
    public async Task<AdminResult<int>> SaveAsync(TenantEdit input, CancellationToken ct = default)
    {
        var edit = input.Normalized();
        var errors = Validate(edit);
        if (errors.Count > 0)
        {
            return AdminResult.Invalid<int>(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await NameTakenAsync(db, edit, ct))
        {
            return AdminResult.Invalid<int>(NameTaken);
        }

        Tenant tenant;
        if (edit.Id == 0)
        {
            tenant = new Tenant();
            db.Set<Tenant>().Add(tenant);
            // The app replies to customers with this block, so every tenant starts with one.
            db.Set<TextBlock>().Add(TextBlockDefaults.ContactReplyCustomer(tenant));
        }
        else
        {
            var existing = await db.Set<Tenant>().SingleOrDefaultAsync(t => t.Id == edit.Id, ct);
            if (existing is null)
            {
                return AdminResult.Failed<int>(Text.Of("This tenant no longer exists."));
            }
            tenant = existing;
        }

        tenant.Name = edit.Name;
        tenant.SenderAddress = edit.SenderAddress;
        tenant.SenderName = edit.SenderName;
        tenant.Currency = edit.Currency;
        tenant.VatRate = edit.VatRate;
        tenant.QuoteNumberPrefix = edit.QuoteNumberPrefix;
        tenant.TimeRoundingMinutes = edit.TimeRoundingMinutes;

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return AdminResult.Invalid<int>(NameTaken);
        }
        return AdminResult.Saved(tenant.Id);
    }

    // A property, not a field: callers may add to the errors they get.
    private static FieldErrors NameTaken => FieldErrors.Of(nameof(TenantEdit.Name), Text.Of("Another tenant already has this name."));

    private static Task<bool> NameTakenAsync(AppDbContext db, TenantEdit edit, CancellationToken ct)
    {
        var lowerName = AdminValidation.Lower(edit.Name);
        return db.Set<Tenant>().AnyAsync(t => t.Id != edit.Id && t.Name.ToLower() == lowerName, ct);
    }

    public async Task<IReadOnlyList<TenantOption>> GetOptionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Tenant>().AsNoTracking().OrderBy(t => t.Name).Select(t => new TenantOption(t.Id, t.Name)).ToListAsync(ct);
    }
}

public sealed record TenantOption(int Id, string Name);
