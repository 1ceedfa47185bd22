using System.Net;
using System.Net.Http.Json;
using BlazorTickets.Features.Api.Resources;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static BlazorTickets.Tests.Features.Api.ApiWorld;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>/api/v1/tenants, /users and /groups: read only, for every member of staff, limited as the pickers are.</summary>
public sealed class DirectoryApiTests(ApiWorld app) : IClassFixture<ApiWorld>
{
    private static readonly string[] Endpoints = ["/api/v1/tenants", "/api/v1/users", "/api/v1/groups"];

    [Theory]
    [InlineData(AdminUser, true)]
    [InlineData(BillingUser, true)]
    [InlineData(AgentUser, false)]
    [InlineData(TeamLeadUser, false)]
    public async Task Every_member_of_staff_reads_the_directory_and_only_billing_staff_and_admins_see_hourly_rates(string email, bool seesRates)
    {
        using var client = await app.ApiClientAsync(email, ApiScopes.DirectoryRead);

        using var tenantsResponse = await client.GetAsync("/api/v1/tenants");
        using var usersResponse = await client.GetAsync("/api/v1/users");
        using var groupsResponse = await client.GetAsync("/api/v1/groups");

        tenantsResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadAsync<List<TenantResource>>(tenantsResponse)).Should().Contain(t => t.Name == DemoDataSeeder.TenantName);
        usersResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadAsync<List<StaffUserOption>>(usersResponse)).Should().ContainEquivalentOf(
            new StaffUserOption("", "Carla Senior", "carla@contoso.example", [Groups.SeniorSupport, Groups.TicketSupport]),
            o => o.Excluding(u => u.Id).WithStrictOrdering());
        groupsResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        var groups = await ReadAsync<List<GroupResource>>(groupsResponse);
        groups.Select(g => g.Name).Should().Contain(Groups.Staff).And.BeInAscendingOrder(StringComparer.Ordinal);
        var support = groups.Single(g => g.Name == Groups.TicketSupport);
        if (seesRates)
        {
            support.HourlyRate.Should().Be(95.00m);
            groups.Single(g => g.Name == Groups.SeniorSupport).HourlyRate.Should().Be(120.00m);
        }
        else
        {
            groups.Should().OnlyContain(g => g.HourlyRate == null);
        }
    }

    [Fact]
    public async Task Without_a_token_401_and_without_the_directory_scope_403()
    {
        using var anonymous = app.ApiClient(null);
        using var wrongScope = await app.ApiClientAsync(AdminUser, ApiScopes.TicketsRead, ApiScopes.QuotesRead, ApiScopes.CustomersRead);

        foreach (var path in Endpoints)
        {
            using var unauthenticated = await anonymous.GetAsync(path);
            using var forbidden = await wrongScope.GetAsync(path);
            unauthenticated.StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);
            (await ProblemAsync(unauthenticated)).GetProperty("status").GetInt32().Should().Be(401);
            forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
            (await ProblemAsync(forbidden)).GetProperty("status").GetInt32().Should().Be(403);
        }
    }

    [Fact]
    public async Task Users_are_staff_only_with_their_groups_and_a_group_filter_gives_the_handler_choices()
    {
        using var client = await app.ApiClientAsync(AgentUser, ApiScopes.DirectoryRead);

        var all = await ReadAsync<List<StaffUserOption>>(await client.GetAsync("/api/v1/users"));
        var support = await ReadAsync<List<StaffUserOption>>(await client.GetAsync($"/api/v1/users?group={Uri.EscapeDataString(Groups.TicketSupport)}"));
        var nobody = await ReadAsync<List<StaffUserOption>>(await client.GetAsync("/api/v1/users?group=No-such-group"));

        await using var db = await app.DbFactory.CreateDbContextAsync();
        var staffIds = await db.Users.Where(u => u.CustomerId == null).Select(u => u.Id).ToListAsync();
        var supportIds = await db.Users.Where(u => u.Memberships.Any(m => m.Group.Name == Groups.TicketSupport)).Select(u => u.Id).ToListAsync();
        all.Select(u => u.Id).Should().BeEquivalentTo(staffIds);
        all.Select(u => u.Email).Should().Contain(["admin@contoso.example", "anna@contoso.example", "lena@contoso.example", "bill@contoso.example"])
            .And.NotContain(["max.mustermann@fabrikam.example", "erika.muster@northwind.example"], "customers' logins are not staff");
        all.Select(u => u.DisplayName).Should().BeInAscendingOrder(StringComparer.CurrentCultureIgnoreCase);
        all.Single(u => u.Email == "lena@contoso.example").Groups.Should().Equal(Groups.TeamLeads);
        support.Select(u => u.Id).Should().BeEquivalentTo(supportIds);
        support.Should().OnlyContain(u => u.Groups.Contains(Groups.TicketSupport));
        nobody.Should().BeEmpty();
    }

    [Fact]
    public async Task Staff_limited_to_one_tenant_see_that_tenant_and_its_people_only()
    {
        var foreign = await app.ForeignAsync();
        using var home = await app.ApiClientAsync(HomeClerk, ApiScopes.DirectoryRead);
        using var admin = await app.ApiClientAsync(AdminUser, ApiScopes.DirectoryRead);

        var homeTenants = await ReadAsync<List<TenantResource>>(await home.GetAsync("/api/v1/tenants"));
        var adminTenants = await ReadAsync<List<TenantResource>>(await admin.GetAsync("/api/v1/tenants"));
        var homeUsers = await ReadAsync<List<StaffUserOption>>(await home.GetAsync("/api/v1/users"));
        var homeAskingForeign = await ReadAsync<List<StaffUserOption>>(await home.GetAsync($"/api/v1/users?tenantId={foreign.TenantId}"));
        var adminUsers = await ReadAsync<List<StaffUserOption>>(await admin.GetAsync("/api/v1/users"));
        var forHomeTenant = await ReadAsync<List<StaffUserOption>>(await admin.GetAsync($"/api/v1/users?tenantId={foreign.HomeTenantId}&group=Ticket-Support"));
        var forForeignTenant = await ReadAsync<List<StaffUserOption>>(await admin.GetAsync($"/api/v1/users?tenantId={foreign.TenantId}&group=Ticket-Support"));

        homeTenants.Should().Equal(new TenantResource(foreign.HomeTenantId, DemoDataSeeder.TenantName));
        adminTenants.Select(t => t.Id).Should().BeEquivalentTo([foreign.HomeTenantId, foreign.TenantId]);
        homeUsers.Select(u => u.Email).Should().Contain([HomeClerk, AgentUser, AdminUser]).And.NotContain(ForeignAgent);
        homeAskingForeign.Should().BeEmpty("the clerk may not see that tenant");
        adminUsers.Select(u => u.Email).Should().Contain([HomeClerk, ForeignAgent]);
        forHomeTenant.Select(u => u.Email).Should().Contain(AgentUser, "users without tenants work for all").And.NotContain(ForeignAgent);
        forForeignTenant.Select(u => u.Email).Should().Contain([AgentUser, ForeignAgent]);

        // The handler choices are the support picker's, for the same tenant.
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var pickerChoices = await new PickerService(app.DbFactory).SearchSupportUsersAsync(foreign.TenantId, null, PickerService.MaxLimit);
        forForeignTenant.Select(u => u.Id).Should().BeEquivalentTo(pickerChoices.Select(o => o.Id));
        (await db.Set<Tenant>().CountAsync()).Should().Be(2);
    }
}

/// <summary>The OpenAPI document describes the quote and directory endpoints with their answers.</summary>
public sealed class QuoteAndDirectoryOpenApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task The_document_names_each_operation_and_its_answers()
    {
        using var client = app.ApiClient(null);

        var document = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/openapi.json");

        var paths = document.GetProperty("paths");
        string OperationId(string path, string method) => paths.GetProperty(path).GetProperty(method).GetProperty("operationId").GetString()!;
        System.Text.Json.JsonElement Responses(string path, string method) => paths.GetProperty(path).GetProperty(method).GetProperty("responses");
        OperationId("/api/v1/quotes", "get").Should().Be("listQuotes");
        OperationId("/api/v1/quotes/{id}", "get").Should().Be("getQuote");
        OperationId("/api/v1/quotes/{id}/pdf", "get").Should().Be("getQuotePdf");
        OperationId("/api/v1/quotes/{id}/status", "post").Should().Be("setQuoteStatus");
        OperationId("/api/v1/tenants", "get").Should().Be("listTenants");
        OperationId("/api/v1/users", "get").Should().Be("listUsers");
        OperationId("/api/v1/groups", "get").Should().Be("listGroups");
        Responses("/api/v1/quotes/{id}/pdf", "get").GetProperty("200").GetProperty("content").TryGetProperty("application/pdf", out _).Should().BeTrue();
        Responses("/api/v1/quotes/{id}/status", "post").EnumerateObject().Select(r => r.Name).Should().Contain(["200", "400", "404", "409"]);
        Responses("/api/v1/quotes/{id}", "get").GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _).Should().BeTrue();
        Responses("/api/v1/quotes", "get").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema")
            .GetProperty("$ref").GetString().Should().EndWith("QuoteListPage");
    }
}
