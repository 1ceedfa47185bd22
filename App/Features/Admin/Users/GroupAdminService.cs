using BlazorTickets.Data;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Admin.Users;

/// <summary>The editable fields of a group; <see cref="Id"/> 0 means a new group.</summary>
public sealed class GroupEdit
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public decimal HourlyRate { get; set; }
}

public sealed record GroupRow(int Id, string Name, decimal HourlyRate, int MemberCount)
{
    public bool IsBuiltIn => GroupAdminService.IsBuiltIn(Name);
}

public sealed class GroupAdminService(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxNameLength = 100;
    public const decimal MaxHourlyRate = 1_000_000m;

    /// <summary>The app checks these names (they double as role names), so renaming or deleting them would break it.</summary>
    public static bool IsBuiltIn(string name) => Groups.Staff.Contains(name);

    public async Task<IReadOnlyList<GroupRow>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<UserGroup>().AsNoTracking()
            .OrderBy(g => g.Name)
            .Select(g => new GroupRow(g.Id, g.Name, g.HourlyRate, g.Members.Count))
            .ToListAsync(ct);
    }

    public async Task<GroupEdit?> GetAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<UserGroup>().AsNoTracking()
            .Where(g => g.Id == id)
            .Select(g => new GroupEdit { Id = g.Id, Name = g.Name, HourlyRate = g.HourlyRate })
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>The rules that need no database; keys are <see cref="GroupEdit"/> property names.</summary>
    public static FieldErrors Validate(GroupEdit edit)
    {
        var errors = new FieldErrors();
        var name = AdminValidation.Trimmed(edit.Name);
        if (name.Length == 0)
        {
            errors.Add(nameof(GroupEdit.Name), Text.Of("Enter a name."));
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(nameof(GroupEdit.Name), Text.Of("The name may have at most 100 characters."));
        }
        else if (string.Equals(name, Groups.Customer, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(nameof(GroupEdit.Name), Text.Of("The name Customer is reserved for extranet logins."));
        }
        if (edit.HourlyRate is < 0 or > MaxHourlyRate)
        {
            errors.Add(nameof(GroupEdit.HourlyRate), Text.Of("The hourly rate must be between 0 and 1,000,000."));
        }
        else if (!AdminValidation.HasAtMostTwoDecimals(edit.HourlyRate))
        {
            errors.Add(nameof(GroupEdit.HourlyRate), Text.Of("The hourly rate may have at most two decimals."));
        }
        return errors;
    }

    /// <summary>Creates the group when <see cref="GroupEdit.Id"/> is 0, otherwise updates it.</summary>
    public async Task<AdminResult<int>> SaveAsync(GroupEdit edit, CancellationToken ct = default)
    {
        var errors = Validate(edit);
        if (errors.Count > 0)
        {
            return AdminResult.Invalid<int>(errors);
        }
        var name = AdminValidation.Trimmed(edit.Name);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        UserGroup group;
        if (edit.Id == 0)
        {
            group = new UserGroup();
            db.Set<UserGroup>().Add(group);
        }
        else
        {
            var existing = await db.Set<UserGroup>().SingleOrDefaultAsync(g => g.Id == edit.Id, ct);
            if (existing is null)
            {
                return AdminResult.Failed<int>(Text.Of("This group no longer exists."));
            }
            if (IsBuiltIn(existing.Name) && existing.Name != name)
            {
                return AdminResult.Invalid<int>(FieldErrors.Of(nameof(GroupEdit.Name), Text.Of("Built-in groups cannot be renamed: the app gives them meaning.")));
            }
            group = existing;
        }

        var lowerName = AdminValidation.Lower(name);
        if (await db.Set<UserGroup>().AnyAsync(g => g.Id != edit.Id && g.Name.ToLower() == lowerName, ct))
        {
            return AdminResult.Invalid<int>(NameTaken);
        }

        group.Name = name;
        group.HourlyRate = edit.HourlyRate;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return AdminResult.Invalid<int>(NameTaken);
        }
        return AdminResult.Saved(group.Id);
    }

    // A property, not a field: callers may add to the errors they get.
    private static FieldErrors NameTaken => FieldErrors.Of(nameof(GroupEdit.Name), Text.Of("Another group already has this name."));

    public async Task<AdminResult<int>> DeleteAsync(int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var group = await db.Set<UserGroup>().SingleOrDefaultAsync(g => g.Id == id, ct);
        if (group is null)
        {
            return AdminResult.Failed<int>(Text.Of("This group no longer exists."));
        }
        if (IsBuiltIn(group.Name))
        {
            return AdminResult.Failed<int>(Text.Of("Built-in groups cannot be deleted: the app gives them meaning."));
        }
        if (await db.Set<UserGroupMembership>().AnyAsync(m => m.GroupId == id, ct))
        {
            return AdminResult.Failed<int>(Text.Of("This group still has members. Remove them from the group first."));
        }
        if (await db.Set<QuoteLine>().AnyAsync(l => l.UserGroupId == id, ct))
        {
            return AdminResult.Failed<int>(Text.Of("Quotes were billed with this group's rate, so it cannot be deleted."));
        }
        db.Set<UserGroup>().Remove(group);
        await db.SaveChangesAsync(ct);
        return AdminResult.Saved(id);
    }
}
