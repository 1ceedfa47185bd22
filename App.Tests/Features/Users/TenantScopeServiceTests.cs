using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin.Customers;
using BlazorTickets.Features.Admin.Users;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Users;

public sealed class TenantWorld : IAsyncLifetime
{
    public TestServices App { get; private set; } = null!;
    public ForeignTenant Foreign { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TestServices.CreateAsync(seedDemoData: true);
        Foreign = await ForeignTenant.SeedAsync(App.Services);
        await Foreign.LimitToHomeTenantAsync(App.Services, "anna@contoso.example");
        await Foreign.LimitToHomeTenantAsync(App.Services, "bill@contoso.example");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Staff limited to the demo tenant, over the app's own registrations: each service call runs in a scope whose
/// <see cref="TenantScope"/> holds the user's real principal, as a request or circuit would.
/// </summary>
public sealed class TenantScopeServiceTests(TenantWorld world) : IClassFixture<TenantWorld>
{
    private const string Anna = "anna@contoso.example";
    private const string Bill = "bill@contoso.example";
    private const string Admin = "admin@contoso.example";
    private ForeignTenant Foreign => world.Foreign;

    private async Task<T> AsAsync<T>(string email, Func<IServiceProvider, Task<T>> act)
    {
        await using var scope = world.App.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantScope>().Use(await ForeignTenant.PrincipalAsync(scope.ServiceProvider, email));
        return await act(scope.ServiceProvider);
    }

    private static Task<PagedResult<TicketListRow>> SearchAsync(IServiceProvider s, TicketListFilter filter) =>
        s.GetRequiredService<TicketService>().QueryAsync(filter, null, TicketSort.Default, 0, 50);

    [Fact]
    public async Task An_agent_of_tenant_A_neither_finds_nor_opens_tenant_B_tickets_an_admin_does()
    {
        var byText = new TicketListFilter { Text = "Fabrikam confidential" };
        var byTenant = new TicketListFilter { TenantId = Foreign.TenantId };

        var adminFinds = await AsAsync(Admin, s => SearchAsync(s, byText));
        var adminOpens = await AsAsync(Admin, s => s.GetRequiredService<TicketService>().GetAsync(Foreign.TicketId));

        var annaFinds = await AsAsync(Anna, s => SearchAsync(s, byText));
        var annaByTenant = await AsAsync(Anna, s => SearchAsync(s, byTenant));
        var annaByNumber = await AsAsync(Anna, s => SearchAsync(s, new TicketListFilter { Text = $"#{Foreign.TicketNumber}" }));
        var annaIds = await AsAsync(Anna, s => s.GetRequiredService<TicketService>().QueryIdsAsync(new TicketListFilter(), null));
        var annaOpens = await AsAsync(Anna, s => s.GetRequiredService<TicketService>().GetAsync(Foreign.TicketId));
        var annaTenants = await AsAsync(Anna, s => s.GetRequiredService<TicketService>().GetTenantsAsync());
        var annaCustomers = await AsAsync(Anna, s => s.GetRequiredService<PickerService>().SearchCustomersAsync(Foreign.HomeTenantId, ""));
        var annaFindsFiona = await AsAsync(Anna, s => s.GetRequiredService<PickerService>().SearchCustomersAsync(null, "Fiona"));
        var adminFindsFiona = await AsAsync(Admin, s => s.GetRequiredService<PickerService>().SearchCustomersAsync(null, "Fiona"));
        var annaSees = await AsAsync(Anna, s => SearchAsync(s, new TicketListFilter()));

        adminFinds.TotalCount.Should().Be(1);
        adminOpens.Should().NotBeNull();
        annaFinds.TotalCount.Should().Be(0);
        annaByTenant.TotalCount.Should().Be(0);
        annaByNumber.TotalCount.Should().Be(0);
        annaIds.Should().NotContain(Foreign.TicketId).And.NotBeEmpty();
        annaOpens.Should().BeNull();
        annaTenants.Select(t => t.Id).Should().Equal(Foreign.HomeTenantId);
        annaCustomers.Should().NotBeEmpty().And.OnlyContain(c => c.TenantId == Foreign.HomeTenantId);
        adminFindsFiona.Select(c => c.Id).Should().Contain(Foreign.CustomerId);
        annaFindsFiona.Should().BeEmpty();
        annaSees.TotalCount.Should().BeGreaterThan(0, "her own tenant's tickets stay visible");
    }

    [Fact]
    public async Task An_agent_of_tenant_A_cannot_save_note_or_move_a_ticket_into_tenant_B()
    {
        var foreignEdit = (await AsAsync(Admin, s => s.GetRequiredService<TicketService>().GetAsync(Foreign.TicketId)))!.Edit;
        var changed = foreignEdit.Clone();
        changed.Subject = "Taken over";

        var save = await AsAsync(Anna, s => s.GetRequiredService<TicketService>().SaveAsync(foreignEdit, changed, "Anna"));
        var note = async () => await AsAsync(Anna, s => s.GetRequiredService<TicketService>().AddInternalNoteAsync(Foreign.TicketId, "hi", "x", "Anna"));
        var ownTicketId = await AsAsync(Anna, async s => (await SearchAsync(s, new TicketListFilter())).Items[0].Id);
        var own = (await AsAsync(Anna, s => s.GetRequiredService<TicketService>().GetAsync(ownTicketId)))!.Edit;
        var moved = own.Clone();
        moved.TenantId = Foreign.TenantId;
        moved.CustomerId = null;
        moved.AssignedCustomerIds = [];
        var move = await AsAsync(Anna, s => s.GetRequiredService<TicketService>().ValidateAsync(moved));

        save.Should().NotBeOfType<SaveTicketResult.Saved>();
        (await AsAsync(Admin, s => s.GetRequiredService<TicketService>().GetAsync(Foreign.TicketId)))!.Edit.Subject.Should().Be(ForeignTenant.Subject);
        await note.Should().ThrowAsync<KeyNotFoundException>();
        move.Should().ContainKey(nameof(TicketEdit.TenantId));
    }

    [Fact]
    public async Task Time_on_a_tenant_B_ticket_is_hidden_from_an_agent_of_tenant_A()
    {
        var adminTime = await AsAsync(Admin, s => s.GetRequiredService<TimeTrackingService>().GetTicketTimeAsync(Foreign.TicketId));
        var annaTime = await AsAsync(Anna, s => s.GetRequiredService<TimeTrackingService>().GetTicketTimeAsync(Foreign.TicketId));
        var annaId = await ForeignTenant.UserIdAsync(world.App.Services, Anna);
        var start = await AsAsync(Anna, s => s.GetRequiredService<TimeTrackingService>().StartAsync(annaId, Foreign.TicketId));

        adminTime.Should().NotBeNull();
        annaTime.Should().BeNull();
        start.Should().BeOfType<StartTimerResult.TicketNotFound>();
    }

    [Fact]
    public async Task Time_entries_of_a_tenant_B_ticket_are_neither_opened_nor_found_by_an_agent_of_tenant_A()
    {
        var annaId = await ForeignTenant.UserIdAsync(world.App.Services, Anna);
        var mine = new TimeEntryFilter(UserId: annaId);
        var adminEntry = await AsAsync(Admin, s => s.GetRequiredService<TimeTrackingService>().GetEntryAsync(Foreign.EntryId));
        var annaEntry = await AsAsync(Anna, s => s.GetRequiredService<TimeTrackingService>().GetEntryAsync(Foreign.EntryId));
        var adminFinds = await AsAsync(Admin, s => s.GetRequiredService<TimeTrackingService>().FindEntriesAsync(mine, TimeTrackingService.MaxPageSize));
        var annaFinds = await AsAsync(Anna, s => s.GetRequiredService<TimeTrackingService>().FindEntriesAsync(mine, TimeTrackingService.MaxPageSize));
        var annaByTicket = await AsAsync(Anna, s => s.GetRequiredService<TimeTrackingService>().FindEntriesAsync(new TimeEntryFilter(TicketId: Foreign.TicketId), 10));

        adminEntry.Should().BeEquivalentTo(new { Id = Foreign.EntryId, TicketId = Foreign.TicketId, UserId = annaId, Minutes = 90 });
        annaEntry.Should().BeNull();
        adminFinds.Select(e => e.Id).Should().Contain(Foreign.EntryId);
        annaFinds.Should().NotBeEmpty().And.OnlyContain(e => e.UserId == annaId).And.NotContain(e => e.TicketId == Foreign.TicketId);
        annaByTicket.Should().BeEmpty();
    }

    [Fact]
    public async Task A_user_of_tenant_A_neither_changes_a_tenant_B_customer_nor_creates_one_there()
    {
        var foreignCustomer = (await AsAsync(Admin, s => s.GetRequiredService<CustomerAdminService>().GetAsync(Foreign.CustomerId)))!;
        foreignCustomer.Name = "Renamed by tenant A";
        foreignCustomer.Emails = ["fiona@foreign.example"];
        var newThere = new CustomerEdit { TenantId = Foreign.TenantId, CustomerNumber = "FS-2", Name = "Planted", Emails = ["planted@foreign.example"] };

        var change = await AsAsync(Anna, s => s.GetRequiredService<CustomerAdminService>().SaveAsync(foreignCustomer));
        var create = await AsAsync(Anna, s => s.GetRequiredService<CustomerAdminService>().SaveAsync(newThere));
        foreignCustomer.TenantId = Foreign.HomeTenantId;
        var pullIntoA = await AsAsync(Anna, s => s.GetRequiredService<CustomerAdminService>().SaveAsync(foreignCustomer));

        change.Errors.Should().ContainKey(nameof(CustomerEdit.TenantId));
        create.Errors.Should().ContainKey(nameof(CustomerEdit.TenantId));
        pullIntoA.Errors.FormErrors.Should().ContainSingle().Which.ToString().Should().Be("This customer no longer exists.");
        await using var db = await world.App.DbFactory.CreateDbContextAsync();
        (await db.Set<Customer>().Where(c => c.Id == Foreign.CustomerId).Select(c => c.Name).SingleAsync()).Should().Be("Fiona Foreign");
        (await db.Set<Customer>().AnyAsync(c => c.Name == "Planted")).Should().BeFalse();
    }

    [Fact]
    public async Task The_workload_board_counts_only_tenant_A_tickets_for_a_user_of_tenant_A()
    {
        var annaId = await ForeignTenant.UserIdAsync(world.App.Services, Anna);
        var all = await AsAsync(Admin, s => s.GetRequiredService<WorkloadService>().GetAsync(annaId));
        var limited = await AsAsync(Anna, s => s.GetRequiredService<WorkloadService>().GetAsync(annaId));

        // Anna handles both tenant B tickets.
        limited.Agents.Single().OpenTotal.Should().Be(all.Agents.Single().OpenTotal - 2);
    }

    [Fact]
    public async Task Billing_a_tenant_B_ticket_as_a_clerk_of_tenant_A_is_skipped_as_not_found_and_bills_nothing()
    {
        var adminPreview = await AsAsync(Admin, s => s.GetRequiredService<BillingService>().PreviewAsync([Foreign.TicketId]));
        var preview = await AsAsync(Bill, s => s.GetRequiredService<BillingService>().PreviewAsync([Foreign.TicketId]));
        var bill = await AsAsync(Bill, s => s.GetRequiredService<BillingService>().BillAsync([Foreign.TicketId], null));

        adminPreview.Quotes.Should().ContainSingle(q => q.TenantId == Foreign.TenantId);
        preview.Quotes.Should().BeEmpty();
        preview.Skipped.Should().ContainSingle().Which.Should().Match<SkippedTicket>(s => s.TicketId == Foreign.TicketId && s.Reason == SkipReasons.NotFound);
        bill.Quotes.Should().BeEmpty();
        bill.EntriesBilled.Should().Be(0);
        bill.Skipped.Should().ContainSingle().Which.Reason.Should().Be(SkipReasons.NotFound);
        await using var db = await world.App.DbFactory.CreateDbContextAsync();
        (await db.Set<TimeEntry>().Where(e => e.Id == Foreign.EntryId).Select(e => e.QuoteLineId).SingleAsync()).Should().BeNull();
    }

    [Fact]
    public async Task A_clerk_of_tenant_A_neither_lists_nor_opens_nor_changes_a_tenant_B_quote()
    {
        var adminQuote = await AsAsync(Admin, s => s.GetRequiredService<QuoteService>().GetAsync(Foreign.QuoteId));
        var list = await AsAsync(Bill, s => s.GetRequiredService<QuoteService>().QueryAsync(new QuoteListFilter(), 0, 200));
        var byTenant = await AsAsync(Bill, s => s.GetRequiredService<QuoteService>().QueryAsync(new QuoteListFilter { TenantId = Foreign.TenantId }, 0, 200));
        var quote = await AsAsync(Bill, s => s.GetRequiredService<QuoteService>().GetAsync(Foreign.QuoteId));
        var customers = await AsAsync(Bill, s => s.GetRequiredService<PickerService>().SearchCustomersAsync(null, "Fiona"));
        var status = await AsAsync(Bill, s => s.GetRequiredService<QuoteService>().SetStatusAsync(Foreign.QuoteId, QuoteStatus.Sent));
        var streamed = await AsAsync(Bill, async s =>
        {
            var ids = new List<int>();
            await foreach (var row in s.GetRequiredService<QuoteService>().StreamAsync(new QuoteListFilter()))
            {
                ids.Add(row.Id);
            }
            return ids;
        });

        adminQuote.Should().NotBeNull();
        list.Rows.Should().NotContain(r => r.Id == Foreign.QuoteId);
        byTenant.TotalCount.Should().Be(0);
        quote.Should().BeNull();
        customers.Should().NotContain(c => c.Id == Foreign.CustomerId);
        status.Should().BeOfType<QuoteStatusResult.Refused>();
        streamed.Should().NotContain(Foreign.QuoteId);
        (await AsAsync(Admin, s => s.GetRequiredService<QuoteService>().GetAsync(Foreign.QuoteId)))!.Status.Should().Be(QuoteStatus.Draft);
    }

    [Fact]
    public async Task Customers_of_tenant_B_are_not_listed_for_a_user_of_tenant_A()
    {
        var all = await AsAsync(Admin, s => s.GetRequiredService<CustomerAdminService>().QueryAsync(new CustomerQuery("Fiona"), CustomerSortField.Name, false, 0, 50));
        var limited = await AsAsync(Anna, s => s.GetRequiredService<CustomerAdminService>().QueryAsync(new CustomerQuery("Fiona"), CustomerSortField.Name, false, 0, 50));
        var edit = await AsAsync(Anna, s => s.GetRequiredService<CustomerAdminService>().GetAsync(Foreign.CustomerId));

        all.TotalCount.Should().Be(1);
        limited.TotalCount.Should().Be(0);
        edit.Should().BeNull();
    }

    [Fact]
    public async Task The_admin_dialog_round_trip_limits_a_user_at_once_and_an_empty_list_means_all_tenants_again()
    {
        const string ben = "ben@contoso.example";
        var byText = new TicketListFilter { Text = "Fabrikam confidential" };
        var users = world.App.Services;
        var before = await AsAsync(ben, s => SearchAsync(s, byText));

        await Foreign.LimitToHomeTenantAsync(world.App.Services, ben);
        var limited = await AsAsync(ben, s => SearchAsync(s, byText));
        await using (var scope = world.App.CreateScope())
        {
            var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
            var edit = (await admin.GetAsync(await ForeignTenant.UserIdAsync(users, ben)))!;
            edit.TenantIds.Should().Equal(Foreign.HomeTenantId);
            edit.TenantIds = [];
            (await admin.UpdateAsync(edit)).Succeeded.Should().BeTrue();
        }
        var after = await AsAsync(ben, s => SearchAsync(s, byText));

        before.TotalCount.Should().Be(1);
        limited.TotalCount.Should().Be(0);
        after.TotalCount.Should().Be(1);
    }

    [Fact]
    public async Task An_unknown_tenant_is_refused_in_the_user_dialog()
    {
        await using var scope = world.App.CreateScope();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        var edit = (await admin.GetAsync(await ForeignTenant.UserIdAsync(world.App.Services, "carla@contoso.example")))!;
        edit.TenantIds = [987654];

        var result = await admin.UpdateAsync(edit);

        result.Succeeded.Should().BeFalse();
        result.Errors.English(nameof(UserEdit.TenantIds)).Should().NotBeNull();
    }
}
