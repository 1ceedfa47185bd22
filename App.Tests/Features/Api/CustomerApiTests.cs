using System.Net;
using System.Net.Http.Json;
using BlazorTickets.Features.Admin.Customers;
using BlazorTickets.Features.Api.Resources;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Customers;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static BlazorTickets.Tests.Features.Api.ApiTenantHost;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>The customer endpoints over HTTP: staff read (as the pickers), admins write (as the admin page), tenants stay apart.</summary>
public sealed class CustomerApiTests(ApiTenantHost app) : IClassFixture<ApiTenantHost>
{
    private Task<List<int>> VisibleCustomerIdsAsync(bool homeOnly) => app.QueryAsync(db => db.Set<Customer>()
        .Where(c => !homeOnly || c.TenantId == app.Foreign.HomeTenantId).Select(c => c.Id).ToListAsync());

    private Task<Customer?> CustomerInDbAsync(int id) =>
        app.QueryAsync(db => db.Set<Customer>().AsNoTracking().Include(c => c.Emails).SingleOrDefaultAsync(c => c.Id == id));

    private async Task<CustomerResponse> CreateAsync(CustomerRequest request)
    {
        using var admin = await app.ApiClientAsync(Administrator, ApiScopes.CustomersWrite);
        using var response = await admin.PostAsJsonAsync("/api/v1/customers", request, ApiJson.Options);
        return await response.ReadAsync<CustomerResponse>(HttpStatusCode.Created);
    }

    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Theory]
    [InlineData(Administrator, false)]
    [InlineData(Ben, false)]
    [InlineData(Lena, false)]
    [InlineData(Anna, true)]
    [InlineData(Bill, true)]
    public async Task Every_staff_role_lists_the_customers_of_the_tenants_it_may_see(string email, bool homeOnly)
    {
        var expected = await VisibleCustomerIdsAsync(homeOnly);
        using var client = await app.ApiClientAsync(email, ApiScopes.CustomersRead);

        var page = await (await client.GetAsync("/api/v1/customers?limit=200")).ReadAsync<CustomerPage>(HttpStatusCode.OK);

        page.Total.Should().Be(expected.Count);
        page.Items.Select(c => c.Id).Should().BeEquivalentTo(expected.Take(200));
        page.Items.Select(c => c.CustomerNumber).Should().BeInAscendingOrder(StringComparer.Ordinal);
        page.Items.Any(c => c.Id == app.Foreign.CustomerId).Should().Be(!homeOnly);
    }

    [Fact]
    public async Task Search_and_tenant_filter_find_another_tenants_customer_only_for_who_may_see_it()
    {
        using var admin = await app.ApiClientAsync(Administrator, ApiScopes.CustomersRead);
        using var anna = await app.ApiClientAsync(Anna, ApiScopes.CustomersRead);

        var adminFinds = await (await admin.GetAsync("/api/v1/customers?q=fiona")).ReadAsync<CustomerPage>(HttpStatusCode.OK);
        var adminByTenant = await (await admin.GetAsync($"/api/v1/customers?tenantId={app.Foreign.TenantId}")).ReadAsync<CustomerPage>(HttpStatusCode.OK);
        var annaFinds = await (await anna.GetAsync("/api/v1/customers?q=fiona")).ReadAsync<CustomerPage>(HttpStatusCode.OK);
        var annaByTenant = await (await anna.GetAsync($"/api/v1/customers?tenantId={app.Foreign.TenantId}")).ReadAsync<CustomerPage>(HttpStatusCode.OK);
        var annaGets = await (await anna.GetAsync($"/api/v1/customers/{app.Foreign.CustomerId}")).ProblemDetailAsync(HttpStatusCode.NotFound);
        var adminGets = await (await admin.GetAsync($"/api/v1/customers/{app.Foreign.CustomerId}")).ReadAsync<CustomerResponse>(HttpStatusCode.OK);

        adminFinds.Items.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Id = app.Foreign.CustomerId, CustomerNumber = "FS-1", Name = "Fiona Foreign", TenantName = "Fabrikam Services" });
        adminByTenant.Items.Select(c => c.Id).Should().Equal(app.Foreign.CustomerId);
        annaFinds.Items.Should().BeEmpty();
        annaFinds.Total.Should().Be(0);
        annaByTenant.Items.Should().BeEmpty();
        annaGets.Should().Contain("customer");
        adminGets.Should().BeEquivalentTo(new { Id = app.Foreign.CustomerId, TenantId = app.Foreign.TenantId, Name = "Fiona Foreign", Company = "Foreign Corp", Address = "Elsewhere 1" });
    }

    [Fact]
    public async Task The_list_pages_with_a_cursor_without_gaps_or_repeats()
    {
        using var ben = await app.ApiClientAsync(Ben, ApiScopes.CustomersRead);
        var all = await (await ben.GetAsync("/api/v1/customers?limit=200")).ReadAsync<CustomerPage>(HttpStatusCode.OK);

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await ben.GetAsync("/api/v1/customers?limit=3" + (cursor is null ? "" : "&cursor=" + cursor))).ReadAsync<CustomerPage>(HttpStatusCode.OK);
            page.Items.Count.Should().BeLessThanOrEqualTo(3);
            seen.AddRange(page.Items.Select(c => c.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 200);
        using var bad = await ben.GetAsync("/api/v1/customers?cursor=abc");

        all.Total.Should().BeLessThanOrEqualTo(200);
        seen.Should().Equal(all.Items.Select(c => c.Id));
        pages.Should().Be((all.Total + 2) / 3);
        (await bad.FieldErrorsAsync("cursor")).Should().ContainSingle();
    }

    [Fact]
    public async Task A_staff_member_reads_one_customer_with_its_addresses()
    {
        var home = await app.QueryAsync(db => db.Set<Customer>().Include(c => c.Emails)
            .Where(c => c.TenantId == app.Foreign.HomeTenantId && c.Emails.Count > 0).OrderBy(c => c.Id).FirstAsync());
        using var anna = await app.ApiClientAsync(Anna, ApiScopes.CustomersRead);

        var customer = await (await anna.GetAsync($"/api/v1/customers/{home.Id}")).ReadAsync<CustomerResponse>(HttpStatusCode.OK);
        using var missing = await anna.GetAsync("/api/v1/customers/999999");

        customer.Should().BeEquivalentTo(new { home.Id, home.TenantId, home.CustomerNumber, home.Name, home.Company });
        customer.Emails.Should().Equal(home.Emails.OrderBy(e => e.Id).Select(e => e.Address));
        await missing.ProblemDetailAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_admin_creates_a_customer_with_the_suggested_number_and_it_is_stored()
    {
        var name = Unique("Created");
        var expectedNumber = await app.QueryAsync(async db =>
        {
            var numbers = await db.Set<Customer>().Where(c => c.TenantId == app.Foreign.HomeTenantId).Select(c => c.CustomerNumber).ToListAsync();
            var highest = numbers.Where(n => n.StartsWith("C-", StringComparison.Ordinal) && n[2..].All(char.IsAsciiDigit) && n.Length > 2)
                .Select(n => int.Parse(n[2..], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(1000).Max();
            return $"C-{highest + 1:0000}";
        });
        using var admin = await app.ApiClientAsync(Administrator, ApiScopes.CustomersWrite);

        using var response = await admin.PostAsJsonAsync("/api/v1/customers",
            new CustomerRequest(app.Foreign.HomeTenantId, Name: name, Company: "Acme", Address: "1 Road", Emails: [" new@acme.example ", "second@acme.example"]), ApiJson.Options);
        var created = await response.ReadAsync<CustomerResponse>(HttpStatusCode.Created);

        created.Should().BeEquivalentTo(new { TenantId = app.Foreign.HomeTenantId, CustomerNumber = expectedNumber, Name = name, Company = "Acme", Address = "1 Road" });
        created.Emails.Should().Equal("new@acme.example", "second@acme.example");
        response.Headers.Location!.ToString().Should().Be($"/api/v1/customers/{created.Id}");
        var stored = await CustomerInDbAsync(created.Id);
        stored!.Name.Should().Be(name);
        stored.CustomerNumber.Should().Be(expectedNumber);
        stored.Emails.Select(e => e.Address).Should().BeEquivalentTo(["new@acme.example", "second@acme.example"]);
    }

    [Fact]
    public async Task Bad_customers_get_400_with_the_dialogs_messages_per_field_and_nothing_is_stored()
    {
        var existing = await CreateAsync(new CustomerRequest(app.Foreign.HomeTenantId, Name: Unique("Taken"), Emails: [$"{Guid.NewGuid():N}@taken.example"]));
        using var admin = await app.ApiClientAsync(Administrator, ApiScopes.CustomersWrite);
        var before = await app.QueryAsync(db => db.Set<Customer>().CountAsync());

        using var empty = await admin.PostAsJsonAsync("/api/v1/customers", new CustomerRequest(app.Foreign.HomeTenantId, Emails: ["not an address"]), ApiJson.Options);
        using var clash = await admin.PostAsJsonAsync("/api/v1/customers",
            new CustomerRequest(app.Foreign.HomeTenantId, existing.CustomerNumber, "Clash", Emails: [existing.Emails[0].ToUpperInvariant()]), ApiJson.Options);
        using var noTenant = await admin.PostAsJsonAsync("/api/v1/customers", new CustomerRequest(Name: "No tenant", Emails: ["a@b.example"]), ApiJson.Options);

        (await empty.FieldErrorsAsync("name")).Should().Equal("Enter a name.");
        (await empty.FieldErrorsAsync("emails[0]")).Should().Equal("Enter a valid email address, such as anna@example.com.");
        (await clash.FieldErrorsAsync("customerNumber")).Should().Equal("Another customer of this tenant already has this number.");
        (await clash.FieldErrorsAsync("emails[0]")).Should().Equal("This address already belongs to another customer of this tenant.");
        (await noTenant.FieldErrorsAsync("tenantId")).Should().Equal("Choose a tenant.");
        (await app.QueryAsync(db => db.Set<Customer>().CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task An_admin_changes_only_the_fields_sent_and_the_tenant_rule_of_the_dialog_holds()
    {
        var created = await CreateAsync(new CustomerRequest(app.Foreign.HomeTenantId, Name: Unique("Patch"), Company: "Before", Emails: [$"{Guid.NewGuid():N}@patch.example"]));
        using var admin = await app.ApiClientAsync(Administrator, ApiScopes.CustomersWrite);

        var patched = await (await admin.PatchJsonAsync($"/api/v1/customers/{created.Id}", new CustomerRequest(Company: "After", Emails: ["first@patch.example", created.Emails[0]])))
            .ReadAsync<CustomerResponse>(HttpStatusCode.OK);
        var invalid = await (await admin.PatchJsonAsync($"/api/v1/customers/{created.Id}", new CustomerRequest(Name: " "))).FieldErrorsAsync("name");
        var move = await (await admin.PatchJsonAsync($"/api/v1/customers/{app.Foreign.CustomerId}", new CustomerRequest(TenantId: app.Foreign.HomeTenantId, Emails: ["fiona@foreign.example"])))
            .FieldErrorsAsync("tenantId");
        using var missing = await admin.PatchJsonAsync("/api/v1/customers/999999", new CustomerRequest(Name: "Nobody"));

        patched.Should().BeEquivalentTo(new { created.Id, created.Name, created.CustomerNumber, created.Address, Company = "After" });
        patched.Emails.Should().Equal([created.Emails[0], "first@patch.example"], "an address kept keeps its place, as in the dialog");
        invalid.Should().Equal("Enter a name.");
        move.Should().Equal("This customer has tickets or quotes in its tenant, so it cannot move to another tenant.");
        await missing.ProblemDetailAsync(HttpStatusCode.NotFound);
        var stored = await CustomerInDbAsync(created.Id);
        stored!.Company.Should().Be("After");
        stored.Name.Should().Be(created.Name);
        (await CustomerInDbAsync(app.Foreign.CustomerId))!.TenantId.Should().Be(app.Foreign.TenantId);
    }

    [Theory]
    [InlineData(Ben)]
    [InlineData(Lena)]
    [InlineData(Bill)]
    public async Task Only_admins_create_and_change_customers_as_on_the_admin_page(string email)
    {
        var created = await CreateAsync(new CustomerRequest(app.Foreign.HomeTenantId, Name: Unique("Admins only"), Emails: [$"{Guid.NewGuid():N}@admins.example"]));
        using var client = await app.ApiClientAsync(email);
        var before = await app.QueryAsync(db => db.Set<Customer>().CountAsync());

        using var post = await client.PostAsJsonAsync("/api/v1/customers", new CustomerRequest(app.Foreign.HomeTenantId, Name: "Not mine", Emails: ["x@y.example"]), ApiJson.Options);
        using var patch = await client.PatchJsonAsync($"/api/v1/customers/{created.Id}", new CustomerRequest(Name: "Renamed"));

        await post.ProblemDetailAsync(HttpStatusCode.Forbidden);
        await patch.ProblemDetailAsync(HttpStatusCode.Forbidden);
        (await app.QueryAsync(db => db.Set<Customer>().CountAsync())).Should().Be(before);
        (await CustomerInDbAsync(created.Id))!.Name.Should().Be(created.Name);
    }

    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "GET", "/api/v1/customers", ApiScopes.CustomersRead },
        { "GET", "/api/v1/customers/{id}", ApiScopes.CustomersRead },
        { "POST", "/api/v1/customers", ApiScopes.CustomersWrite },
        { "PATCH", "/api/v1/customers/{id}", ApiScopes.CustomersWrite },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_the_scope_it_is_403_without_a_token_401_and_nothing_changes(string method, string template, string scope)
    {
        var created = await CreateAsync(new CustomerRequest(app.Foreign.HomeTenantId, Name: Unique("Scoped"), Emails: [$"{Guid.NewGuid():N}@scoped.example"]));
        var url = template.Replace("{id}", created.Id.ToString());
        using var wrongScope = await app.ApiClientAsync(Administrator, ApiScopes.All.Where(s => s != scope).ToArray());
        using var noToken = app.ApiClient(null);
        object? body = method is "POST" or "PATCH" ? new CustomerRequest(app.Foreign.HomeTenantId, Name: "Changed", Emails: ["changed@scoped.example"]) : null;
        var before = await app.QueryAsync(db => db.Set<Customer>().CountAsync());

        (await (await wrongScope.SendAsync(new HttpMethod(method), url, body)).ProblemDetailAsync(HttpStatusCode.Forbidden)).Should().NotBeEmpty();
        (await (await noToken.SendAsync(new HttpMethod(method), url, body)).ProblemDetailAsync(HttpStatusCode.Unauthorized)).Should().NotBeEmpty();

        (await app.QueryAsync(db => db.Set<Customer>().CountAsync())).Should().Be(before);
        (await CustomerInDbAsync(created.Id))!.Name.Should().Be(created.Name);
    }
}
