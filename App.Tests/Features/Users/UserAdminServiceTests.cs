using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Admin.Users;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Users;

public sealed class UserAdminServiceTests : IAsyncLifetime
{
    private const string Password = "Agent-2026";

    private AdminTestHost host = null!;
    private int support;
    private int senior;
    private int admins;

    private UserAdminService Users => host.Get<UserAdminService>();

    public async Task InitializeAsync()
    {
        host = await AdminTestHost.StartAsync();
        await using var db = host.CreateDbContext();
        var groups = new[] { Groups.TicketSupport, Groups.SeniorSupport, Groups.Admins }
            .Select(name => new UserGroup { Name = name, HourlyRate = 90m })
            .ToList();
        db.Set<UserGroup>().AddRange(groups);
        await db.SaveChangesAsync();
        (support, senior, admins) = (groups[0].Id, groups[1].Id, groups[2].Id);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static UserEdit NewUser(string email = "anna@contoso.example", params int[] groupIds) => new()
    {
        DisplayName = "Anna Agent",
        Email = email,
        Password = Password,
        GroupIds = groupIds,
    };

    private async Task<string> CreateAsync(UserEdit edit)
    {
        var result = await Users.CreateAsync(edit);
        result.Succeeded.Should().BeTrue(result.Errors.ToString());
        return result.Id!;
    }

    private async Task<int> UserCountAsync()
    {
        await using var db = host.CreateDbContext();
        return await db.Users.CountAsync();
    }

    [Fact]
    public async Task A_new_user_gets_groups_and_their_only_group_as_billing_group_and_can_sign_in()
    {
        var id = await CreateAsync(NewUser("anna@contoso.example", support));

        var stored = await Users.GetAsync(id);
        stored!.GroupIds.Should().Equal(support);
        stored.BillingGroupId.Should().Be(support);
        await using var scope = host.Services.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await userManager.FindByEmailAsync("anna@contoso.example");
        (await userManager.CheckPasswordAsync(user!, Password)).Should().BeTrue();
        user!.UserName.Should().Be("anna@contoso.example");
    }

    [Fact]
    public async Task The_last_administrator_who_can_sign_in_cannot_be_disabled()
    {
        var first = await CreateAsync(NewUser("alex@contoso.example", admins));
        var second = await CreateAsync(NewUser("olga@contoso.example", admins));

        (await Users.DisableAsync(second)).Succeeded.Should().BeTrue("another admin can still sign in");
        var refused = await Users.DisableAsync(first);

        refused.Succeeded.Should().BeFalse();
        refused.Errors.English(FieldErrors.Form).Should().Contain("last administrator");
        refused.Errors.Keys.Should().Equal(FieldErrors.Form);
        (await Users.ListAsync()).Single(u => u.Id == first).IsLockedOut.Should().BeFalse("nothing was written");
        (await Users.ListAsync()).Single(u => u.Id == second).LockedOutUntil.Should().Be(AppUser.SignInDisabled);
    }

    [Fact]
    public async Task A_user_in_several_groups_gets_no_billing_group_unless_one_is_chosen()
    {
        var id = await CreateAsync(NewUser("carla@contoso.example", support, senior));

        (await Users.GetAsync(id))!.BillingGroupId.Should().BeNull();
    }

    [Fact]
    public async Task The_billing_group_must_be_one_of_the_users_groups_and_nothing_is_written_otherwise()
    {
        var edit = NewUser("anna@contoso.example", support);
        edit.BillingGroupId = senior;

        var result = await Users.CreateAsync(edit);

        result.Errors.English(nameof(UserEdit.BillingGroupId)).Should().Be("The billing group must be one of the user's groups.");
        (await UserCountAsync()).Should().Be(0);

        var id = await CreateAsync(NewUser("anna@contoso.example", support, senior));
        var update = (await Users.GetAsync(id))!;
        update.GroupIds = [support];
        update.BillingGroupId = senior;
        (await Users.UpdateAsync(update)).Errors.English(nameof(UserEdit.BillingGroupId)).Should().NotBeNull();
        (await Users.GetAsync(id))!.GroupIds.Should().BeEquivalentTo([support, senior]);
    }

    [Fact]
    public async Task Identity_password_rules_and_field_rules_are_reported_together_and_nothing_is_written()
    {
        var result = await Users.CreateAsync(new UserEdit { DisplayName = "", Email = "not-an-address", Password = "short", GroupIds = [support] });

        result.Errors.Keys.Should().BeEquivalentTo(nameof(UserEdit.DisplayName), nameof(UserEdit.Email), nameof(UserEdit.Password));
        result.Errors.English(nameof(UserEdit.Password)).Should().Contain("at least 8 characters");
        (await UserCountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_taken_email_is_reported_on_create_and_on_edit()
    {
        await CreateAsync(NewUser("anna@contoso.example", support));
        var ben = await CreateAsync(NewUser("ben@contoso.example", support));

        var duplicate = await Users.CreateAsync(NewUser("ANNA@contoso.example", support));
        duplicate.Errors.English(nameof(UserEdit.Email)).Should().Be("Another user already has this email address.");
        (await UserCountAsync()).Should().Be(2);

        var edit = (await Users.GetAsync(ben))!;
        edit.Email = "anna@contoso.example";
        edit.DisplayName = "Changed";
        (await Users.UpdateAsync(edit)).Errors.English(nameof(UserEdit.Email)).Should().Be("Another user already has this email address.");
        (await Users.GetAsync(ben))!.DisplayName.Should().Be("Anna Agent");
    }

    [Fact]
    public async Task Editing_changes_name_email_signature_groups_and_billing_group_in_one_go()
    {
        var id = await CreateAsync(NewUser("anna@contoso.example", support));
        var edit = (await Users.GetAsync(id))!;
        edit.DisplayName = "Anna Senior";
        edit.Email = "anna.senior@contoso.example";
        edit.Signature = "Anna\nContoso";
        edit.GroupIds = [senior, admins];
        edit.BillingGroupId = senior;

        (await Users.UpdateAsync(edit)).Succeeded.Should().BeTrue();

        var stored = (await Users.GetAsync(id))!;
        stored.Should().BeEquivalentTo(new UserEdit
        {
            Id = id,
            DisplayName = "Anna Senior",
            Email = "anna.senior@contoso.example",
            Signature = "Anna\nContoso",
            GroupIds = [senior, admins],
            BillingGroupId = senior,
        });
        await using var scope = host.Services.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        (await userManager.FindByEmailAsync("anna.senior@contoso.example"))!.UserName.Should().Be("anna.senior@contoso.example");
    }

    [Fact]
    public async Task The_last_admin_cannot_leave_group_Admins()
    {
        var alex = await CreateAsync(NewUser("alex@contoso.example", admins));
        var edit = (await Users.GetAsync(alex))!;
        edit.GroupIds = [support];
        edit.BillingGroupId = null;

        (await Users.UpdateAsync(edit)).Errors.English(nameof(UserEdit.GroupIds)).Should().NotBeNull();

        await CreateAsync(NewUser("second.admin@contoso.example", admins));
        (await Users.UpdateAsync(edit)).Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task The_list_shows_staff_only_with_groups_billing_group_and_lockout_and_unlock_lifts_it()
    {
        var anna = await CreateAsync(NewUser("anna@contoso.example", support, senior));
        await using (var db = host.CreateDbContext())
        {
            var tenant = new Tenant { Name = "Contoso", SenderAddress = "support@contoso.example" };
            var customer = new Customer { Tenant = tenant, CustomerNumber = "C-1001", Name = "Max" };
            db.Set<Customer>().Add(customer);
            await db.SaveChangesAsync();
            db.Users.Add(new AppUser { UserName = "max@fabrikam.example", Email = "max@fabrikam.example", DisplayName = "Max", CustomerId = customer.Id });
            var user = await db.Users.SingleAsync(u => u.Id == anna);
            user.LockoutEnd = DateTimeOffset.UtcNow.AddMinutes(10);
            user.AccessFailedCount = 5;
            await db.SaveChangesAsync();
        }

        var row = (await Users.ListAsync()).Should().ContainSingle().Subject;
        row.Email.Should().Be("anna@contoso.example");
        row.GroupNames.Should().Equal(Groups.SeniorSupport, Groups.TicketSupport);
        row.BillingGroupName.Should().BeNull();
        row.IsLockedOut.Should().BeTrue();

        (await Users.UnlockAsync(anna)).Succeeded.Should().BeTrue();

        (await Users.ListAsync()).Single().IsLockedOut.Should().BeFalse();
        await using var check = host.CreateDbContext();
        (await check.Users.SingleAsync(u => u.Id == anna)).AccessFailedCount.Should().Be(0);
    }

    [Fact]
    public async Task Resetting_the_password_applies_Identity_rules_and_then_the_new_password_works()
    {
        var id = await CreateAsync(NewUser("anna@contoso.example", support));

        (await Users.ResetPasswordAsync(id, "")).Errors.English(nameof(UserEdit.Password)).Should().Be("Enter a new password.");
        (await Users.ResetPasswordAsync(id, "alllowercase")).Errors.English(nameof(UserEdit.Password)).Should().NotBeNullOrEmpty();
        (await Users.ResetPasswordAsync(id, "New-Password-1")).Succeeded.Should().BeTrue();

        await using var scope = host.Services.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await userManager.FindByIdAsync(id);
        (await userManager.CheckPasswordAsync(user!, "New-Password-1")).Should().BeTrue();
        (await userManager.CheckPasswordAsync(user!, Password)).Should().BeFalse();
    }

    [Fact]
    public async Task Customer_logins_cannot_be_edited_here()
    {
        string id;
        await using (var db = host.CreateDbContext())
        {
            var customer = new Customer { Tenant = new Tenant { Name = "Contoso", SenderAddress = "s@contoso.example" }, CustomerNumber = "C-1001", Name = "Max" };
            db.Set<Customer>().Add(customer);
            await db.SaveChangesAsync();
            var login = new AppUser { UserName = "max@fabrikam.example", Email = "max@fabrikam.example", DisplayName = "Max", CustomerId = customer.Id };
            db.Users.Add(login);
            await db.SaveChangesAsync();
            id = login.Id;
        }

        (await Users.GetAsync(id)).Should().BeNull();
        (await Users.UnlockAsync(id)).Errors.English(FieldErrors.Form).Should().Be("This staff user no longer exists.");
    }
}
