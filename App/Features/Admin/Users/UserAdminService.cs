using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Admin.Users;

/// <summary>The editable fields of a staff user; <see cref="Id"/> null means a new user, who also needs <see cref="Password"/>.</summary>
public sealed class UserEdit
{
    public string? Id { get; set; }
    public string DisplayName { get; set; } = "";
    public string Email { get; set; } = "";
    /// <summary>Only for a new user: the initial password.</summary>
    public string Password { get; set; } = "";
    public string Signature { get; set; } = "";
    public IReadOnlyCollection<int> GroupIds { get; set; } = [];
    public int? BillingGroupId { get; set; }
    /// <summary>The tenants the user is limited to; empty: all tenants.</summary>
    public IReadOnlyCollection<int> TenantIds { get; set; } = [];
}

public sealed record UserRow(
    string Id,
    string DisplayName,
    string Email,
    IReadOnlyList<string> GroupNames,
    string? BillingGroupName,
    DateTimeOffset? LockedOutUntil)
{
    public bool IsLockedOut => LockedOutUntil is not null;
}

/// <summary>Staff users: the logins without a customer. Extranet logins belong to their customer.</summary>
public sealed class UserAdminService(IServiceScopeFactory scopeFactory, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxDisplayNameLength = 200;

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var users = await db.Users.AsNoTracking()
            .Where(u => u.CustomerId == null)
            .OrderBy(u => u.DisplayName)
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                u.Email,
                Groups = u.Memberships.Select(m => m.Group.Name).OrderBy(n => n).ToList(),
                BillingGroupName = u.BillingGroup != null ? u.BillingGroup.Name : null,
                u.LockoutEnd,
            })
            .ToListAsync(ct);
        // SQLite cannot compare DateTimeOffset values, so the lockout is judged here.
        var now = clock.GetUtcNow();
        return users
            .Select(u => new UserRow(u.Id, u.DisplayName, u.Email ?? "", u.Groups, u.BillingGroupName, u.LockoutEnd > now ? u.LockoutEnd : null))
            .ToList();
    }

    public async Task<UserEdit?> GetAsync(string id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.AsNoTracking()
            .Where(u => u.Id == id && u.CustomerId == null)
            .Select(u => new UserEdit
            {
                Id = u.Id,
                DisplayName = u.DisplayName,
                Email = u.Email ?? "",
                Signature = u.Signature,
                GroupIds = u.Memberships.Select(m => m.GroupId).ToList(),
                BillingGroupId = u.BillingGroupId,
                TenantIds = u.Tenants.Select(t => t.TenantId).ToList(),
            })
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>The rules that need no database; keys are <see cref="UserEdit"/> property names.</summary>
    public static FieldErrors Validate(UserEdit edit)
    {
        var errors = new FieldErrors();
        var displayName = AdminValidation.Trimmed(edit.DisplayName);
        if (displayName.Length == 0)
        {
            errors.Add(nameof(UserEdit.DisplayName), Text.Of("Enter a display name."));
        }
        else if (displayName.Length > MaxDisplayNameLength)
        {
            errors.Add(nameof(UserEdit.DisplayName), Text.Of("The display name may have at most 200 characters."));
        }
        if (!AdminValidation.IsEmailAddress(AdminValidation.Trimmed(edit.Email)))
        {
            errors.Add(nameof(UserEdit.Email), Text.Of("Enter a valid email address, such as anna@example.com."));
        }
        if (edit.Id is null && string.IsNullOrEmpty(edit.Password))
        {
            errors.Add(nameof(UserEdit.Password), Text.Of("Enter an initial password."));
        }
        if (EffectiveBillingGroupId(edit) is int billingGroupId && !edit.GroupIds.Contains(billingGroupId))
        {
            errors.Add(nameof(UserEdit.BillingGroupId), Text.Of("The billing group must be one of the user's groups."));
        }
        return errors;
    }

    /// <summary>A user in exactly one group is billed at that group's rate unless told otherwise.</summary>
    public static int? EffectiveBillingGroupId(UserEdit edit) =>
        edit.BillingGroupId ?? (edit.GroupIds.Distinct().Count() == 1 ? edit.GroupIds.First() : null);

    /// <summary>Creates a staff user with UserManager, so Identity's password and unique-email rules apply.</summary>
    public async Task<AdminResult<string>> CreateAsync(UserEdit edit, CancellationToken ct = default)
    {
        if (edit.Id is not null)
        {
            return AdminResult.Failed<string>(Text.Of("This user exists already; save the changes instead."));
        }
        var errors = Validate(edit);
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var groupIds = edit.GroupIds.Distinct().ToList();
        await CheckGroupsExistAsync(db, groupIds, errors, ct);
        var tenantIds = edit.TenantIds.Distinct().ToList();
        await CheckTenantsExistAsync(db, tenantIds, errors, ct);
        var email = AdminValidation.Trimmed(edit.Email);
        var user = new AppUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = AdminValidation.Trimmed(edit.DisplayName),
            Signature = edit.Signature ?? "",
            BillingGroupId = EffectiveBillingGroupId(edit),
            Memberships = groupIds.Select(id => new UserGroupMembership { GroupId = id }).ToList(),
            Tenants = tenantIds.Select(id => new UserTenant { TenantId = id }).ToList(),
        };
        if (!errors.Has(nameof(UserEdit.Email)) && await userManager.FindByEmailAsync(email) is not null)
        {
            errors.Add(nameof(UserEdit.Email), Text.Of("Another user already has this email address."));
        }
        // Checked here as well so that a bad password and a taken email show up together.
        if (!string.IsNullOrEmpty(edit.Password))
        {
            foreach (var validator in userManager.PasswordValidators)
            {
                AddIdentityErrors(errors, await validator.ValidateAsync(userManager, user, edit.Password));
            }
        }
        if (errors.Count > 0)
        {
            return AdminResult.Invalid<string>(errors);
        }

        // One SaveChanges writes the user, the memberships and the billing group together.
        var result = await SaveUniqueAsync(() => userManager.CreateAsync(user, edit.Password));
        if (!result.Succeeded)
        {
            AddIdentityErrors(errors, result);
            return AdminResult.Invalid<string>(errors);
        }
        return AdminResult.Saved(user.Id);
    }

    public async Task<AdminResult<string>> UpdateAsync(UserEdit edit, CancellationToken ct = default)
    {
        if (edit.Id is null)
        {
            return AdminResult.Failed<string>(Text.Of("This user does not exist yet; create it instead."));
        }
        var errors = Validate(edit);
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var user = await userManager.FindByIdAsync(edit.Id);
        if (user is null || user.CustomerId is not null)
        {
            return AdminResult.Failed<string>(Text.Of("This staff user no longer exists."));
        }
        var groupIds = edit.GroupIds.Distinct().ToList();
        await CheckGroupsExistAsync(db, groupIds, errors, ct);
        var tenantIds = edit.TenantIds.Distinct().ToList();
        await CheckTenantsExistAsync(db, tenantIds, errors, ct);

        var email = AdminValidation.Trimmed(edit.Email);
        if (!errors.Has(nameof(UserEdit.Email)) && await userManager.FindByEmailAsync(email) is { } owner && owner.Id != user.Id)
        {
            errors.Add(nameof(UserEdit.Email), Text.Of("Another user already has this email address."));
        }
        var memberships = await db.Set<UserGroupMembership>().Where(m => m.UserId == user.Id).ToListAsync(ct);
        var adminsGroupId = await db.Set<UserGroup>().Where(g => g.Name == Groups.Admins).Select(g => (int?)g.Id).SingleOrDefaultAsync(ct);
        var leavesAdmins = adminsGroupId is int admins && memberships.Any(m => m.GroupId == admins) && !groupIds.Contains(admins);
        if (leavesAdmins && !await db.Set<UserGroupMembership>().AnyAsync(m => m.GroupId == adminsGroupId && m.UserId != user.Id, ct))
        {
            errors.AddIfFirst(nameof(UserEdit.GroupIds), Text.Of("This is the last member of group Admins; someone must stay able to administer the app."));
        }
        if (errors.Count > 0)
        {
            return AdminResult.Invalid<string>(errors);
        }

        user.DisplayName = AdminValidation.Trimmed(edit.DisplayName);
        user.Signature = edit.Signature ?? "";
        user.BillingGroupId = EffectiveBillingGroupId(edit);
        if (!string.Equals(user.Email, email, StringComparison.Ordinal))
        {
            // Sign-in looks users up by email, and the user name mirrors it.
            user.Email = email;
            user.UserName = email;
        }
        var removed = memberships.Where(m => !groupIds.Contains(m.GroupId)).ToList();
        if (removed.Count > 0)
        {
            // Roles live in the cookie and the open pages' sign-in: a new stamp makes both sign in again without them.
            user.EndSessions();
        }
        db.Set<UserGroupMembership>().RemoveRange(removed);
        foreach (var groupId in groupIds.Where(id => memberships.All(m => m.GroupId != id)))
        {
            db.Set<UserGroupMembership>().Add(new UserGroupMembership { UserId = user.Id, GroupId = groupId });
        }
        var userTenants = await db.Set<UserTenant>().Where(t => t.UserId == user.Id).ToListAsync(ct);
        db.Set<UserTenant>().RemoveRange(userTenants.Where(t => !tenantIds.Contains(t.TenantId)));
        foreach (var tenantId in tenantIds.Where(id => userTenants.All(t => t.TenantId != id)))
        {
            db.Set<UserTenant>().Add(new UserTenant { UserId = user.Id, TenantId = tenantId });
        }

        // UpdateAsync validates (unique email) and then saves the user and the memberships in one SaveChanges.
        var result = await SaveUniqueAsync(() => userManager.UpdateAsync(user));
        // Forgotten even on failure: the next request reads whatever was saved.
        scope.ServiceProvider.GetRequiredService<UserTenantCache>().Forget(user.Id);
        if (!result.Succeeded)
        {
            AddIdentityErrors(errors, result);
            return AdminResult.Invalid<string>(errors);
        }
        return AdminResult.Saved(user.Id);
    }

    /// <summary>
    /// Stops a user from signing in until an admin unlocks them. The new security stamp ends their cookies and open
    /// pages at the next check (within a minute).
    /// </summary>
    public async Task<AdminResult<string>> DisableAsync(string id, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // SQLite cannot compare DateTimeOffset; the admins are few.
            var admins = await db.Set<UserGroupMembership>().Where(m => m.Group.Name == Groups.Admins)
                .Select(m => new { m.UserId, m.User.LockoutEnd }).ToListAsync(ct);
            var isAdmin = admins.Any(a => a.UserId == id);
            var otherAdminCanSignIn = admins.Any(a => a.UserId != id && !(a.LockoutEnd >= AppUser.SignInDisabled));
            if (isAdmin && !otherAdminCanSignIn)
            {
                return AdminResult.Failed<string>(Text.Of("This is the last administrator who can sign in; someone must stay able to administer the app."));
            }
        }
        return await WithStaffUserAsync(id, async (userManager, user) =>
        {
            user.DisableSignIn();
            return await userManager.UpdateAsync(user);
        });
    }

    /// <summary>Lifts a lockout after too many failed sign-ins.</summary>
    public Task<AdminResult<string>> UnlockAsync(string id) =>
        WithStaffUserAsync(id, async (userManager, user) =>
        {
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            return await userManager.UpdateAsync(user);
        });

    /// <summary>Sets a new password; the user's other sessions end because the security stamp changes.</summary>
    public Task<AdminResult<string>> ResetPasswordAsync(string id, string newPassword)
    {
        if (string.IsNullOrEmpty(newPassword))
        {
            return Task.FromResult(AdminResult.Invalid<string>(FieldErrors.Of(nameof(UserEdit.Password), Text.Of("Enter a new password."))));
        }
        return WithStaffUserAsync(id, async (userManager, user) =>
        {
            var token = await userManager.GeneratePasswordResetTokenAsync(user);
            return await userManager.ResetPasswordAsync(user, token, newPassword);
        });
    }

    private async Task<AdminResult<string>> WithStaffUserAsync(string id, Func<UserManager<AppUser>, AppUser, Task<IdentityResult>> action)
    {
        // A fresh scope per operation: a circuit's UserManager would keep serving the user as first loaded,
        // while failed sign-ins elsewhere keep changing the lockout fields.
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await userManager.FindByIdAsync(id);
        if (user is null || user.CustomerId is not null)
        {
            return AdminResult.Failed<string>(Text.Of("This staff user no longer exists."));
        }
        var result = await action(userManager, user);
        if (!result.Succeeded)
        {
            var errors = new FieldErrors();
            AddIdentityErrors(errors, result);
            return AdminResult.Invalid<string>(errors);
        }
        return AdminResult.Saved(user.Id);
    }

    private static async Task<IdentityResult> SaveUniqueAsync(Func<Task<IdentityResult>> save)
    {
        try
        {
            return await save();
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return IdentityResult.Failed(new AppIdentityErrorDescriber().ConcurrencyFailure());
        }
    }

    private static async Task CheckGroupsExistAsync(AppDbContext db, List<int> groupIds, FieldErrors errors, CancellationToken ct)
    {
        if (groupIds.Count == 0)
        {
            return;
        }
        var found = await db.Set<UserGroup>().CountAsync(g => groupIds.Contains(g.Id), ct);
        if (found != groupIds.Count)
        {
            errors.AddIfFirst(nameof(UserEdit.GroupIds), Text.Of("One of the chosen groups no longer exists. Reload and try again."));
        }
    }

    private static async Task CheckTenantsExistAsync(AppDbContext db, List<int> tenantIds, FieldErrors errors, CancellationToken ct)
    {
        if (tenantIds.Count == 0)
        {
            return;
        }
        var found = await db.Set<Tenant>().CountAsync(t => tenantIds.Contains(t.Id), ct);
        if (found != tenantIds.Count)
        {
            errors.AddIfFirst(nameof(UserEdit.TenantIds), "One of the chosen tenants no longer exists. Reload and try again.");
        }
    }

    /// <summary>Puts Identity's messages (worded by <see cref="AppIdentityErrorDescriber"/>) under the field they are about.</summary>
    private static void AddIdentityErrors(FieldErrors errors, IdentityResult result)
    {
        foreach (var error in result.Errors)
        {
            errors.Add(AppIdentityErrorDescriber.FieldOf(error, nameof(UserEdit.Password), nameof(UserEdit.Email), FieldErrors.Form), error.Description);
        }
    }
}
