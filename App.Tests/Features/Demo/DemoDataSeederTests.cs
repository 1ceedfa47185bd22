using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.TextBlocks;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Demo;

public sealed class DemoDataSeederTests(SeededDatabaseFixture fixture) : IClassFixture<SeededDatabaseFixture>
{
    private TestServices Services => fixture.Services;

    [Fact]
    public async Task Seeds_one_tenant_with_its_reply_text_blocks()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();

        var tenant = await db.Set<Tenant>().SingleAsync();
        tenant.Name.Should().Be(DemoDataSeeder.TenantName);

        var blocks = await db.Set<TextBlock>().Where(b => b.TenantId == tenant.Id).ToListAsync();
        blocks.Should().ContainSingle(b => b.Key == TextBlockKeys.ContactReplyCustomer && !b.IsReplyTemplate);
        blocks.Where(b => b.IsReplyTemplate).Should().HaveCountGreaterThanOrEqualTo(2)
            .And.OnlyContain(b => b.Body.Contains("{{ticket_number}}"));
    }

    [Fact]
    public async Task Seeds_the_five_groups_with_their_hourly_rates()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();

        var rates = await db.Set<UserGroup>().ToDictionaryAsync(g => g.Name, g => g.HourlyRate);

        rates.Keys.Should().BeEquivalentTo([Groups.TicketSupport, Groups.SeniorSupport, Groups.Billing, Groups.TeamLeads, Groups.Admins]);
        rates[Groups.TicketSupport].Should().Be(95.00m);
        rates[Groups.SeniorSupport].Should().Be(120.00m);
    }

    [Fact]
    public async Task Seeds_the_eight_demo_users_two_of_them_customer_logins()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();

        var users = await db.Users.AsNoTracking().ToListAsync();

        users.Select(u => u.Email).Should().BeEquivalentTo(DemoDataSeeder.SignIns.Select(s => s.Email));
        users.Where(u => u.CustomerId is not null).Select(u => u.Email)
            .Should().BeEquivalentTo(["max.mustermann@fabrikam.example", "erika.muster@northwind.example"]);

        var supportMembers = await db.Set<UserGroupMembership>()
            .Where(m => m.Group.Name == Groups.TicketSupport)
            .Select(m => m.User.Email)
            .ToListAsync();
        supportMembers.Should().BeEquivalentTo(["anna@contoso.example", "ben@contoso.example", "carla@contoso.example"]);
    }

    [Fact]
    public async Task Seeds_twenty_customers_two_with_an_extranet_login()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();

        (await db.Set<Customer>().CountAsync()).Should().Be(20);
        (await db.Set<Customer>().CountAsync(c => c.Emails.Any())).Should().Be(20, "every customer can be mailed");
        var customersWithLogin = await db.Users.Where(u => u.CustomerId != null).Select(u => u.CustomerId).Distinct().CountAsync();
        customersWithLogin.Should().Be(2);
    }

    [Fact]
    public async Task Every_customer_email_carries_its_customers_tenant()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();

        var emails = await db.Set<CustomerEmail>().Select(e => new { e.Address, e.TenantId, CustomerTenantId = e.Customer.TenantId }).ToListAsync();

        emails.Should().HaveCount(20);
        // The copy exists so an address is unique per tenant; a wrong one would hide the customer from mail matching.
        emails.Should().OnlyContain(e => e.TenantId == e.CustomerTenantId && e.TenantId != 0);
    }

    [Fact]
    public async Task Seeds_two_hundred_tickets_in_every_status_each_with_a_message()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();

        (await db.Set<Ticket>().CountAsync()).Should().Be(DemoDataSeeder.TicketCount).And.Be(200);
        var statuses = await db.Set<Ticket>().Select(t => t.Status).Distinct().ToListAsync();
        statuses.Should().BeEquivalentTo(Enum.GetValues<TicketStatus>());
        (await db.Set<Ticket>().CountAsync(t => !t.Messages.Any())).Should().Be(0);

        var numbers = await db.Set<Ticket>().Select(t => t.Number).OrderBy(n => n).ToListAsync();
        numbers.Should().Equal(Enumerable.Range(1001, 200));
    }

    [Fact]
    public async Task New_ticket_numbers_continue_after_the_demo_tickets()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();

        var next = await db.NextAsync(Sequences.TicketNumber);

        next.Should().Be(1201);
        // Rolled back so the shared database keeps its counter for the other tests.
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task Seeding_again_adds_nothing()
    {
        var before = await CountsAsync();

        await using (var scope = Services.CreateScope())
        {
            var seededAgain = await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync();
            seededAgain.Should().BeFalse();
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        }

        (await CountsAsync()).Should().Be(before);
        before.Tickets.Should().Be(200);
    }

    [Fact]
    public async Task Every_demo_sign_in_has_a_working_password()
    {
        await using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();

        foreach (var demo in DemoDataSeeder.SignIns)
        {
            var user = await users.FindByEmailAsync(demo.Email);
            user.Should().NotBeNull(demo.Email);
            var result = await signIn.CheckPasswordSignInAsync(user!, demo.Password, lockoutOnFailure: false);
            result.Succeeded.Should().BeTrue($"{demo.Email} should sign in with the documented password");
        }

        var anna = await users.FindByEmailAsync("anna@contoso.example");
        (await users.CheckPasswordAsync(anna!, "wrong-password")).Should().BeFalse();
    }

    private async Task<(int Tenants, int Groups, int Users, int Customers, int Tickets, int Messages, int TextBlocks, int TimeEntries)> CountsAsync()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        return (
            await db.Set<Tenant>().CountAsync(),
            await db.Set<UserGroup>().CountAsync(),
            await db.Users.CountAsync(),
            await db.Set<Customer>().CountAsync(),
            await db.Set<Ticket>().CountAsync(),
            await db.Set<TicketMessage>().CountAsync(),
            await db.Set<TextBlock>().CountAsync(),
            await db.Set<TimeEntry>().CountAsync());
    }
}
