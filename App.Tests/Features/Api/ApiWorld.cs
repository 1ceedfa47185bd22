using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorTickets.Data;
using BlazorTickets.Features.Admin.Users;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>
/// The demo app plus, on first use, a second tenant with a draft quote (<see cref="ForeignTenant"/>), a billing clerk
/// limited to the demo tenant and an agent limited to the second tenant, all made through the admin services.
/// </summary>
public sealed class ApiWorld : AppFactory
{
    public const string AdminUser = "admin@contoso.example";
    public const string AgentUser = "anna@contoso.example";
    public const string TeamLeadUser = "lena@contoso.example";
    public const string BillingUser = "bill@contoso.example";
    /// <summary>Billing clerk who may only see the demo tenant.</summary>
    public const string HomeClerk = "hanna.home@contoso.example";
    /// <summary>Agent who only works for the second tenant.</summary>
    public const string ForeignAgent = "fred.foreign@contoso.example";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private Task<ForeignTenant>? foreign;

    public Task<ForeignTenant> ForeignAsync() => foreign ??= SeedForeignAsync();

    private async Task<ForeignTenant> SeedForeignAsync()
    {
        var seeded = await ForeignTenant.SeedAsync(Services);
        await CreateStaffAsync(HomeClerk, "Hanna Home", Groups.Billing, seeded.HomeTenantId);
        await CreateStaffAsync(ForeignAgent, "Fred Foreign", Groups.TicketSupport, seeded.TenantId);
        return seeded;
    }

    private async Task CreateStaffAsync(string email, string name, string group, int tenantId)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var groupId = await db.Set<UserGroup>().Where(g => g.Name == group).Select(g => g.Id).SingleAsync();
        await using var scope = Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserAdminService>().CreateAsync(new UserEdit
        {
            DisplayName = name, Email = email, Password = DemoDataSeeder.Password, GroupIds = [groupId], TenantIds = [tenantId],
        });
        created.Succeeded.Should().BeTrue(string.Join("; ", created.Errors.All));
    }

    /// <summary>Bills <paramref name="count"/> demo tickets that still have unbilled billable time, as the bill run does.</summary>
    public async Task<BillResult> BillDemoTicketsAsync(int count)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var ids = await db.Set<Ticket>().Where(t => t.TimeTrackingAllowed && db.Set<TimeEntry>().Any(e => e.TicketId == t.Id && e.Billable && e.QuoteLineId == null))
            .OrderBy(t => t.Number).Select(t => t.Id).Take(count).ToListAsync();
        await using var scope = Services.CreateAsyncScope();
        var billed = await scope.ServiceProvider.GetRequiredService<BillingService>().BillAsync(ids, null);
        billed.Quotes.Should().NotBeEmpty();
        return billed;
    }

    public async Task<QuoteStatus> StatusInDatabaseAsync(int quoteId)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.Set<Quote>().Where(q => q.Id == quoteId).Select(q => q.Status).SingleAsync();
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json))!;

    /// <summary>A problem details answer: its status, detail and the field errors by JSON name.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Json);
    }
}
