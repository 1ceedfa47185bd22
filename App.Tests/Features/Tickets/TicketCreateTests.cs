using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary><see cref="TicketService.CreateAsync"/> on a real SQLite file with the demo desk.</summary>
public sealed class TicketCreateTests(SeededDatabaseFixture fixture) : IClassFixture<SeededDatabaseFixture>
{
    private TestServices Services => fixture.Services;

    [Fact]
    public async Task A_new_ticket_gets_the_next_number_and_the_text_as_the_customers_first_inbound_message()
    {
        var (tenantId, customerId) = await CustomerAsync("jonas@becker-bau.example");
        var anna = await UserIdAsync("anna@contoso.example");
        var ben = await UserIdAsync("ben@contoso.example");
        int highestNumber;
        await using (var db = await Services.DbFactory.CreateDbContextAsync())
        {
            highestNumber = await db.Set<Ticket>().MaxAsync(t => t.Number);
        }

        var result = await CreateAsync(new NewTicket
        {
            TenantId = tenantId,
            Subject = "  Order 4711: wrong size delivered ",
            CustomerId = customerId,
            HandlerId = anna,
            WatcherIds = [ben],
            Status = TicketStatus.Open,
            Text = "Hello,\nI ordered size L and got M.\n",
        }, "Web shop");

        var created = result.Should().BeOfType<CreateTicketResult.Created>().Subject;
        await using var check = await Services.DbFactory.CreateDbContextAsync();
        var ticket = await check.Set<Ticket>().Include(t => t.Messages).Include(t => t.Watchers).SingleAsync(t => t.Id == created.Id);
        ticket.Number.Should().BeGreaterThan(highestNumber);
        ticket.Subject.Should().Be("Order 4711: wrong size delivered");
        ticket.Status.Should().Be(TicketStatus.Open);
        ticket.HandlerId.Should().Be(anna);
        ticket.Watchers.Select(w => w.UserId).Should().Equal(ben);
        ticket.CustomerId.Should().Be(customerId);
        ticket.TenantId.Should().Be(tenantId);
        ticket.UpdatedBy.Should().Be("Web shop");
        ticket.Version.Should().Be(created.Version);
        var message = ticket.Messages.Should().ContainSingle().Subject;
        message.Direction.Should().Be(MessageDirection.Inbound);
        message.From.Should().Be("\"Jonas Becker\" <jonas@becker-bau.example>", "as mail in stores a sender");
        message.To.Should().Be(await check.Set<Tenant>().Where(t => t.Id == tenantId).Select(t => t.SenderAddress).SingleAsync());
        message.Subject.Should().Be(ticket.Subject);
        message.TextBody.Should().Be("Hello,\nI ordered size L and got M.");
        ticket.LastMessageAt.Should().Be(message.Date);

        await using var scope = Services.CreateScope();
        var listed = await scope.ServiceProvider.GetRequiredService<TicketService>().QueryAsync(new TicketListFilter { Text = "4711" }, null, TicketSort.Default, 0, 10);
        listed.Items.Should().Contain(r => r.Id == created.Id, "the new ticket is in the search index like any other");
    }

    [Fact]
    public async Task A_new_ticket_without_subject_customer_or_text_is_refused_with_each_field_and_nothing_is_written()
    {
        var (tenantId, _) = await CustomerAsync("jonas@becker-bau.example");
        var count = await TicketCountAsync();

        var result = await CreateAsync(new NewTicket { TenantId = tenantId, Subject = " ", CustomerId = null, Text = "" }, "Web shop");

        result.Should().BeOfType<CreateTicketResult.Invalid>().Which.Errors.Keys.Should()
            .BeEquivalentTo(nameof(NewTicket.Subject), nameof(NewTicket.CustomerId), nameof(NewTicket.Text));
        (await TicketCountAsync()).Should().Be(count);
    }

    [Fact]
    public async Task A_customer_of_another_tenant_or_a_handler_outside_ticket_support_is_refused()
    {
        var (tenantId, _) = await CustomerAsync("jonas@becker-bau.example");
        int otherCustomer;
        await using (var db = await Services.DbFactory.CreateDbContextAsync())
        {
            var other = new Tenant { Name = "Other tenant (create test)", SenderAddress = "help@other.example" };
            var customer = new Customer { Name = "Olga Other", Tenant = other, CustomerNumber = "O-1" };
            db.AddRange(other, customer);
            await db.SaveChangesAsync();
            otherCustomer = customer.Id;
        }
        var count = await TicketCountAsync();

        var result = await CreateAsync(new NewTicket
        {
            TenantId = tenantId,
            Subject = "Wrong people",
            CustomerId = otherCustomer,
            HandlerId = await UserIdAsync("bill@contoso.example"),
            Text = "Hello",
        }, "Web shop");

        result.Should().BeOfType<CreateTicketResult.Invalid>().Which.Errors.Keys.Should()
            .BeEquivalentTo(nameof(NewTicket.CustomerId), nameof(NewTicket.HandlerId));
        (await TicketCountAsync()).Should().Be(count);
    }

    private async Task<CreateTicketResult> CreateAsync(NewTicket input, string createdBy)
    {
        await using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<TicketService>().CreateAsync(input, createdBy);
    }

    private async Task<(int TenantId, int CustomerId)> CustomerAsync(string email)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        var customer = await db.Set<CustomerEmail>().Where(e => e.Address == email).Select(e => new { e.Customer.TenantId, e.CustomerId }).SingleAsync();
        return (customer.TenantId, customer.CustomerId);
    }

    private async Task<int> TicketCountAsync()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().CountAsync();
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
