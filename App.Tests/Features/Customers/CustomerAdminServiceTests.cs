using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Admin.Customers;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Customers;

public sealed class CustomerAdminServiceTests : IAsyncLifetime
{
    private AdminTestHost host = null!;
    private int contoso;
    private int fabrikam;

    private CustomerAdminService Customers => host.Get<CustomerAdminService>();

    public async Task InitializeAsync()
    {
        host = await AdminTestHost.StartAsync();
        await using var db = host.CreateDbContext();
        var tenants = new[] { "Contoso", "Fabrikam" }.Select(n => new Tenant { Name = n, SenderAddress = $"support@{n.ToLowerInvariant()}.example" }).ToList();
        db.Set<Tenant>().AddRange(tenants);
        await db.SaveChangesAsync();
        (contoso, fabrikam) = (tenants[0].Id, tenants[1].Id);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private CustomerEdit NewCustomer(string number, string name, params string[] emails) => new()
    {
        TenantId = contoso,
        CustomerNumber = number,
        Name = name,
        Company = name + " Ltd",
        Address = "1 Main Street\nBerlin",
        Emails = [.. emails],
    };

    private async Task<int> CreateAsync(CustomerEdit edit)
    {
        var result = await Customers.SaveAsync(edit);
        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors.Select(e => $"{e.Key}: {e.Value}")));
        return result.Id;
    }

    private async Task<(int Customers, int Emails)> CountAsync()
    {
        await using var db = host.CreateDbContext();
        return (await db.Set<Customer>().CountAsync(), await db.Set<CustomerEmail>().CountAsync());
    }

    [Fact]
    public async Task The_suggested_number_is_the_next_free_C_number_of_the_tenant()
    {
        (await Customers.SuggestNumberAsync(contoso)).Should().Be("C-1001");

        await CreateAsync(NewCustomer("C-1001", "Max", "max@fabrikam.example"));
        await CreateAsync(NewCustomer("C-1042", "Erika", "erika@northwind.example"));
        await CreateAsync(NewCustomer("VIP-7", "Jonas", "jonas@becker.example"));
        await CreateAsync(NewCustomer("C-12a", "Sofia", "sofia@rossi.example"));

        (await Customers.SuggestNumberAsync(contoso)).Should().Be("C-1043");
        (await Customers.SuggestNumberAsync(fabrikam)).Should().Be("C-1001");
    }

    [Fact]
    public async Task A_customer_is_stored_with_its_addresses_in_order_and_the_tenant_copied_to_them()
    {
        var id = await CreateAsync(NewCustomer(" C-1001 ", " Max Mustermann ", "max@fabrikam.example", "", "  billing@fabrikam.example "));

        var stored = (await Customers.GetAsync(id))!;
        stored.CustomerNumber.Should().Be("C-1001");
        stored.Name.Should().Be("Max Mustermann");
        stored.Emails.Should().Equal("max@fabrikam.example", "billing@fabrikam.example");
        stored.ExtranetLogin.Should().BeNull();
        await using var db = host.CreateDbContext();
        (await db.Set<CustomerEmail>().Select(e => e.TenantId).Distinct().ToListAsync()).Should().Equal(contoso);
    }

    [Fact]
    public async Task A_duplicate_email_in_the_same_tenant_gives_a_clear_error_and_writes_nothing()
    {
        var max = await CreateAsync(NewCustomer("C-1001", "Max", "max@fabrikam.example"));

        var result = await Customers.SaveAsync(NewCustomer("C-1002", "Other", "new@other.example", "MAX@fabrikam.example"));

        result.Succeeded.Should().BeFalse();
        result.Errors.AsEnglish().Should().Equal(new Dictionary<string, string>
        {
            [CustomerEdit.EmailField(1)] = "This address already belongs to another customer of this tenant.",
        });
        (await CountAsync()).Should().Be((1, 1));

        var edit = (await Customers.GetAsync(max))!;
        edit.Emails.Add("max@fabrikam.example ");
        (await Customers.SaveAsync(edit)).Errors.English(CustomerEdit.EmailField(1)).Should().Be("This address is listed twice.");
    }

    [Fact]
    public async Task A_duplicate_is_found_even_when_the_existing_address_row_has_a_stale_tenant_copy()
    {
        // The demo seeder writes addresses with TenantId 0; the check must not rely on that copy.
        await using (var db = host.CreateDbContext())
        {
            db.Set<Customer>().Add(new Customer
            {
                TenantId = contoso,
                CustomerNumber = "C-1001",
                Name = "Max",
                Emails = [new CustomerEmail { Address = "max@fabrikam.example", TenantId = 0 }],
            });
            await db.SaveChangesAsync();
        }

        var result = await Customers.SaveAsync(NewCustomer("C-1002", "Copy of Max", "max@fabrikam.example"));

        result.Errors.English(CustomerEdit.EmailField(0)).Should().Be("This address already belongs to another customer of this tenant.");
        (await CountAsync()).Should().Be((1, 1));
    }

    [Fact]
    public async Task The_same_email_and_number_may_exist_in_another_tenant()
    {
        await CreateAsync(NewCustomer("C-1001", "Max", "max@fabrikam.example"));
        var other = NewCustomer("C-1001", "Max elsewhere", "max@fabrikam.example");
        other.TenantId = fabrikam;

        (await Customers.SaveAsync(other)).Succeeded.Should().BeTrue();
        (await CountAsync()).Should().Be((2, 2));
    }

    [Fact]
    public async Task A_duplicate_customer_number_in_the_tenant_is_reported()
    {
        await CreateAsync(NewCustomer("C-1001", "Max", "max@fabrikam.example"));

        var result = await Customers.SaveAsync(NewCustomer("c-1001", "Erika", "erika@northwind.example"));

        result.Errors.English(nameof(CustomerEdit.CustomerNumber)).Should().Be("Another customer of this tenant already has this number.");
        (await CountAsync()).Should().Be((1, 1));
    }

    [Fact]
    public async Task Missing_and_malformed_fields_are_reported_per_field()
    {
        var result = await Customers.SaveAsync(new CustomerEdit { TenantId = 0, CustomerNumber = "", Name = " ", Emails = ["max@", "Max <max@fabrikam.example>", ""] });

        result.Errors.Keys.Should().BeEquivalentTo(
            nameof(CustomerEdit.TenantId), nameof(CustomerEdit.CustomerNumber), nameof(CustomerEdit.Name),
            CustomerEdit.EmailField(0), CustomerEdit.EmailField(1));

        var noAddress = await Customers.SaveAsync(NewCustomer("C-1001", "Max", " "));
        noAddress.Errors.AsEnglish().Should().Equal(new Dictionary<string, string> { [nameof(CustomerEdit.Emails)] = "Enter at least one email address." });
        (await CountAsync()).Should().Be((0, 0));
    }

    [Fact]
    public async Task Editing_addresses_keeps_unchanged_rows_and_moving_tenant_keeps_the_email_tenant_in_sync()
    {
        var id = await CreateAsync(NewCustomer("C-1001", "Max", "max@fabrikam.example", "old@fabrikam.example"));
        int keptRowId;
        await using (var db = host.CreateDbContext())
        {
            keptRowId = await db.Set<CustomerEmail>().Where(e => e.Address == "max@fabrikam.example").Select(e => e.Id).SingleAsync();
        }

        var edit = (await Customers.GetAsync(id))!;
        edit.TenantId = fabrikam;
        edit.Emails = ["new@fabrikam.example", "Max@Fabrikam.example"];
        (await Customers.SaveAsync(edit)).Succeeded.Should().BeTrue();

        await using var check = host.CreateDbContext();
        var rows = await check.Set<CustomerEmail>().OrderBy(e => e.Id).ToListAsync();
        rows.Select(e => (e.Address, e.TenantId)).Should().Equal(("Max@Fabrikam.example", fabrikam), ("new@fabrikam.example", fabrikam));
        rows[0].Id.Should().Be(keptRowId);
        (await Customers.GetAsync(id))!.TenantId.Should().Be(fabrikam);
    }

    [Fact]
    public async Task Moving_to_another_tenant_reports_address_clashes_there()
    {
        var taken = NewCustomer("C-2001", "Fabrikam's Max", "max@fabrikam.example");
        taken.TenantId = fabrikam;
        await CreateAsync(taken);
        var id = await CreateAsync(NewCustomer("C-1001", "Max", "max@fabrikam.example"));

        var edit = (await Customers.GetAsync(id))!;
        edit.TenantId = fabrikam;
        var result = await Customers.SaveAsync(edit);

        result.Errors.English(CustomerEdit.EmailField(0)).Should().Be("This address already belongs to another customer of this tenant.");
        (await Customers.GetAsync(id))!.TenantId.Should().Be(contoso);
    }

    [Fact]
    public async Task A_customer_with_tickets_cannot_move_to_another_tenant()
    {
        var id = await CreateAsync(NewCustomer("C-1001", "Max", "max@fabrikam.example"));
        await using (var db = host.CreateDbContext())
        {
            db.Set<Ticket>().Add(new Ticket { Number = 1, Subject = "Help", TenantId = contoso, CustomerId = id, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var edit = (await Customers.GetAsync(id))!;
        edit.TenantId = fabrikam;
        var result = await Customers.SaveAsync(edit);

        result.Errors.English(nameof(CustomerEdit.TenantId)).Should().Be("This customer has tickets or quotes in its tenant, so it cannot move to another tenant.");
    }

    [Fact]
    public async Task The_list_is_paged_on_the_server_searches_and_filters_by_tenant_and_shows_extranet_logins()
    {
        for (var i = 1; i <= 30; i++)
        {
            await CreateAsync(NewCustomer($"C-{1000 + i}", $"Customer {i:00}", $"customer{i}@example.com"));
        }
        var other = NewCustomer("C-5000", "Zoe Zander", "zoe@zander.example");
        other.TenantId = fabrikam;
        var zoe = await CreateAsync(other);
        await using (var db = host.CreateDbContext())
        {
            db.Users.Add(new AppUser { UserName = "zoe@zander.example", Email = "zoe@zander.example", DisplayName = "Zoe", CustomerId = zoe });
            await db.SaveChangesAsync();
        }

        var page = await Customers.QueryAsync(new CustomerQuery(), CustomerSortField.CustomerNumber, false, page: 1, pageSize: 10);
        page.TotalCount.Should().Be(31);
        page.Items.Select(c => c.CustomerNumber).Should().Equal(Enumerable.Range(1011, 10).Select(n => $"C-{n}"));

        var byEmail = await Customers.QueryAsync(new CustomerQuery("zander.example"), CustomerSortField.Name, false, 0, 25);
        var row = byEmail.Items.Should().ContainSingle().Subject;
        row.Should().Be(new CustomerRow(zoe, "C-5000", "Zoe Zander", "Zoe Zander Ltd", "zoe@zander.example", 1, fabrikam, "Fabrikam", HasExtranetLogin: true));

        var byTenant = await Customers.QueryAsync(new CustomerQuery(TenantId: contoso), CustomerSortField.Name, true, 0, 5);
        byTenant.TotalCount.Should().Be(30);
        byTenant.Items.Select(c => c.Name).Should().Equal("Customer 30", "Customer 29", "Customer 28", "Customer 27", "Customer 26");
        byTenant.Items.Should().OnlyContain(c => !c.HasExtranetLogin);

        (await Customers.QueryAsync(new CustomerQuery("100_"), CustomerSortField.Name, false, 0, 25)).TotalCount.Should().Be(0);
        (await Customers.QueryAsync(new CustomerQuery("C-102"), CustomerSortField.Name, false, 0, 25)).TotalCount.Should().Be(10);
        (await Customers.GetAsync(zoe))!.ExtranetLogin.Should().Be("zoe@zander.example");
    }
}
