using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Features.Billing;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>PickerService's staff list: no customer logins, the groups of each, filtered by group and by the tenant worked for.</summary>
public sealed class StaffDirectoryTests : IAsyncLifetime
{
    private BillingWorld world = null!;

    public async Task InitializeAsync() => world = await BillingWorld.CreateAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task Staff_are_listed_by_name_with_their_groups_customers_never_and_tenant_limits_apply()
    {
        await using (var db = await world.DbFactory.CreateDbContextAsync())
        {
            var other = new Tenant { Name = "Other tenant", SenderAddress = "other@billing.example", SenderName = "Other", QuoteNumberPrefix = "O" };
            var supportGroup = await db.Set<UserGroup>().FindAsync(world.SupportGroup);
            var elsewhere = new AppUser { UserName = "elsewhere@billing.example", Email = "elsewhere@billing.example", DisplayName = "Elsewhere Agent" };
            elsewhere.Tenants.Add(new UserTenant { Tenant = other });
            elsewhere.Memberships.Add(new UserGroupMembership { Group = supportGroup! });
            var login = new AppUser { UserName = "alpha@customer.example", Email = "alpha@customer.example", DisplayName = "Alpha Login", CustomerId = world.CustomerA };
            db.AddRange(other, elsewhere, login);
            await db.SaveChangesAsync();
        }

        var all = await world.Pickers.ListStaffUsersAsync(null, null);
        var support = await world.Pickers.ListStaffUsersAsync(Groups.TicketSupport, null);
        var senior = await world.Pickers.ListStaffUsersAsync(" " + Groups.SeniorSupport + " ", null);
        var forTheTenant = await world.Pickers.ListStaffUsersAsync(Groups.TicketSupport, world.TenantId);
        var picker = await world.Pickers.SearchSupportUsersAsync(world.TenantId, null, PickerService.MaxLimit);

        all.Select(u => u.DisplayName).Should().Contain(["Elsewhere Agent", "anna", "carla"]).And.NotContain("Alpha Login")
            .And.BeInAscendingOrder(StringComparer.CurrentCultureIgnoreCase);
        all.Single(u => u.Id == world.Carla).Should().BeEquivalentTo(
            new StaffUserOption(world.Carla, "carla", "carla@billing.example", [Groups.SeniorSupport, Groups.TicketSupport]), o => o.WithStrictOrdering());
        support.Should().OnlyContain(u => u.Groups.Contains(Groups.TicketSupport)).And.Contain(u => u.DisplayName == "Elsewhere Agent");
        senior.Select(u => u.Id).Should().Equal(world.Carla);
        forTheTenant.Select(u => u.DisplayName).Should().NotContain("Elsewhere Agent");
        forTheTenant.Select(u => u.Id).Should().BeEquivalentTo(picker.Select(p => p.Id), "the handler choices are the picker's");
    }
}
