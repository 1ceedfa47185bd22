using System.Data.Common;
using System.Text.Json;
using BlazorTickets.Data;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Webhooks;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Webhooks;

/// <summary>The events the save interceptor writes: with the change, in its transaction, only for subscribed tenants.</summary>
public sealed class WebhookEventTests : IAsyncLifetime
{
    private TestServices app = null!;

    public async Task InitializeAsync() => app = await TestServices.CreateAsync(seedDemoData: true, clock: TimeProvider.System);

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Nothing_is_written_for_a_tenant_without_an_endpoint_subscribed_to_the_type()
    {
        var (tenantId, tickets) = await app.TicketsAsync(1);
        await app.RenameAsync(tickets[0], "No webhooks yet");
        (await app.DbFactory.EventsAsync()).Should().BeEmpty("no endpoint exists");

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var otherTenant = new Tenant { Name = "Other tenant" };
            db.Add(otherTenant);
            await db.SaveChangesAsync();
            await app.EndpointAsync(otherTenant.Id, "http://127.0.0.1:9/other", WebhookEventTypes.TicketUpdated);
        }
        await app.EndpointAsync(tenantId, "http://127.0.0.1:9/created-only", WebhookEventTypes.TicketCreated);
        await app.RenameAsync(tickets[0], "Still nothing");

        (await app.DbFactory.EventsAsync()).Should().BeEmpty("the other tenant's endpoint does not see this tenant, and this tenant's wants new tickets only");
    }

    [Fact]
    public async Task Once_the_subscriptions_are_cached_a_save_of_a_tenant_without_endpoints_sends_no_webhook_command()
    {
        var (tenantId, tickets) = await app.TicketsAsync(1);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var otherTenant = new Tenant { Name = "Tenant with a webhook" };
            db.Add(otherTenant);
            await db.SaveChangesAsync();
            await app.EndpointAsync(otherTenant.Id, "http://127.0.0.1:9/other");
        }
        await app.RenameAsync(tickets[0], "Loads the subscriptions");

        var recorder = new CommandRecorder();
        var options = new DbContextOptionsBuilder<AppDbContext>(app.Get<DbContextOptions<AppDbContext>>()).AddInterceptors(recorder).Options;
        await using (var db = new AppDbContext(options))
        {
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == tickets[0]);
            ticket.Subject = "Costs nothing";
            recorder.Commands.Clear();
            await db.SaveChangesAsync();
        }

        recorder.Commands.Should().NotBeEmpty().And.OnlyContain(c => !c.Contains("Webhook"), "tenant {0} has no endpoint", tenantId);
        (await app.DbFactory.EventsAsync()).Should().BeEmpty();
    }

    private sealed class CommandRecorder : DbCommandInterceptor
    {
        public List<string> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Commands.Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Commands.Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Commands.Add(command.CommandText);
            return ValueTask.FromResult(result);
        }
    }

    [Fact]
    public async Task A_ticket_saved_through_the_service_writes_one_event_with_its_changes_and_a_delivery_per_endpoint()
    {
        var (tenantId, tickets) = await app.TicketsAsync(1);
        var first = await app.EndpointAsync(tenantId, "http://127.0.0.1:9/a");
        var second = await app.EndpointAsync(tenantId, "http://127.0.0.1:9/b", WebhookEventTypes.TicketUpdated);

        await using (var scope = app.CreateScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<TicketService>();
            var original = (await service.GetAsync(tickets[0]))!.Edit;
            var edited = original.Clone();
            edited.Status = original.Status == TicketStatus.Closed ? TicketStatus.Open : TicketStatus.Closed;
            (await service.SaveAsync(original, edited, "Anna Agent")).Should().BeOfType<SaveTicketResult.Saved>();
        }

        var events = await app.DbFactory.EventsAsync();
        events.Should().ContainSingle();
        var saved = events[0];
        saved.Type.Should().Be(WebhookEventTypes.TicketUpdated);
        saved.TicketId.Should().Be(tickets[0]);
        int version;
        TicketStatus status;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (version, status) = await db.Set<Ticket>().Where(t => t.Id == tickets[0]).Select(t => ValueTuple.Create(t.Version, t.Status)).SingleAsync();
        }
        var payload = JsonDocument.Parse(saved.Payload).RootElement;
        payload.GetProperty("id").GetString().Should().Be(saved.EventId).And.StartWith("evt_");
        payload.GetProperty("type").GetString().Should().Be("ticket.updated");
        payload.GetProperty("tenantId").GetInt32().Should().Be(tenantId);
        var ticket = payload.GetProperty("data").GetProperty("ticket");
        ticket.GetProperty("id").GetInt32().Should().Be(tickets[0]);
        ticket.GetProperty("version").GetInt32().Should().Be(version, "the snapshot is the ticket as saved");
        ticket.GetProperty("status").GetString().Should().Be(status.ToString());
        var change = payload.GetProperty("data").GetProperty("changes").GetProperty("status");
        change.GetProperty("new").GetString().Should().Be(status.ToString());
        change.GetProperty("old").GetString().Should().NotBe(status.ToString());

        var deliveries = await app.DbFactory.DeliveriesAsync();
        deliveries.Select(d => d.EndpointId).Should().BeEquivalentTo([first.Id, second.Id]);
        deliveries.Should().OnlyContain(d => d.EventId == saved.Id && d.State == WebhookDeliveryState.Pending);
    }

    [Fact]
    public async Task A_failed_save_writes_no_event_and_a_rolled_back_transaction_takes_its_events_along()
    {
        var (tenantId, tickets) = await app.TicketsAsync(1);
        await app.EndpointAsync(tenantId, "http://127.0.0.1:9/hooks");

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == tickets[0]);
            ticket.Subject = "Never saved";
            // Same key as an existing tenant: the insert fails, and with it the whole save.
            db.Add(new Tenant { Id = tenantId, Name = "Duplicate" });
            var save = () => db.SaveChangesAsync();
            await save.Should().ThrowAsync<DbUpdateException>();
        }
        (await app.DbFactory.EventsAsync()).Should().BeEmpty();

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == tickets[0]);
            ticket.Subject = "Rolled back";
            await db.SaveChangesAsync();
            (await db.Set<WebhookEvent>().CountAsync()).Should().Be(1, "inside the transaction the event is there");
            await transaction.RollbackAsync();
        }
        (await app.DbFactory.EventsAsync()).Should().BeEmpty();
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<Ticket>().Where(t => t.Id == tickets[0]).Select(t => t.Subject).SingleAsync()).Should().NotBe("Never saved").And.NotBe("Rolled back");
        }
    }

    [Fact]
    public async Task A_new_ticket_with_its_first_mail_and_time_gives_created_received_and_time_entry_with_the_new_ids_in_that_order()
    {
        var (tenantId, _) = await app.TicketsAsync(1);
        await app.EndpointAsync(tenantId, "http://127.0.0.1:9/hooks");
        Ticket ticket;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var userId = await db.Set<BlazorTickets.Features.Users.AppUser>().Select(u => u.Id).FirstAsync();
            var now = DateTime.UtcNow;
            ticket = new Ticket { Number = 990001, Subject = "Printer on fire", TenantId = tenantId, CreatedAt = now, UpdatedAt = now };
            ticket.Messages.Add(new TicketMessage { Direction = MessageDirection.Inbound, From = "max@example.com", To = "support@example.com", Subject = "Printer on fire", Date = now, TextBody = "Help" });
            db.Add(ticket);
            db.Add(new TimeEntry { Ticket = ticket, UserId = userId, Start = now.AddMinutes(-15), End = now, Minutes = 15, Note = "Extinguished", CreatedAt = now });
            await db.SaveChangesAsync();
        }

        var events = await app.DbFactory.EventsAsync();
        events.Select(e => e.Type).Should().Equal(WebhookEventTypes.TicketCreated, WebhookEventTypes.MessageReceived, WebhookEventTypes.TimeEntryCreated);
        events.Should().OnlyContain(e => e.TicketId == ticket.Id && e.OrderKey == $"ticket:{ticket.Id}");
        var data = events.Select(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("data")).ToList();
        data[0].GetProperty("ticket").GetProperty("id").GetInt32().Should().Be(ticket.Id);
        data[0].GetProperty("ticket").GetProperty("subject").GetString().Should().Be("Printer on fire");
        data[1].GetProperty("message").GetProperty("ticketId").GetInt32().Should().Be(ticket.Id);
        data[1].GetProperty("message").GetProperty("id").GetInt32().Should().Be(ticket.Messages[0].Id).And.BePositive();
        data[1].GetProperty("message").GetProperty("direction").GetString().Should().Be("Inbound");
        data[2].GetProperty("timeEntry").GetProperty("minutes").GetInt32().Should().Be(15);
        data[2].GetProperty("timeEntry").GetProperty("ticketId").GetInt32().Should().Be(ticket.Id);
    }

    [Fact]
    public async Task A_quote_status_set_with_ExecuteUpdate_writes_quote_status_changed_in_its_transaction()
    {
        var (tenantId, _) = await app.TicketsAsync(1);
        await app.EndpointAsync(tenantId, "http://127.0.0.1:9/hooks", WebhookEventTypes.QuoteCreated, WebhookEventTypes.QuoteStatusChanged);
        int quoteId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var customerId = await db.Set<Customer>().Where(c => c.TenantId == tenantId).Select(c => c.Id).FirstAsync();
            var quote = new Quote { Number = "Q-WEBHOOK-1", TenantId = tenantId, CustomerId = customerId, Status = QuoteStatus.Draft, CreatedAt = DateTime.UtcNow, Net = 100, Vat = 19, Gross = 119 };
            db.Add(quote);
            await db.SaveChangesAsync();
            quoteId = quote.Id;
        }
        await using (var scope = app.CreateScope())
        {
            (await scope.ServiceProvider.GetRequiredService<QuoteService>().SetStatusAsync(quoteId, QuoteStatus.Sent)).Should().BeOfType<QuoteStatusResult.Changed>();
        }

        var events = await app.DbFactory.EventsAsync();
        events.Select(e => e.Type).Should().Equal(WebhookEventTypes.QuoteCreated, WebhookEventTypes.QuoteStatusChanged);
        events.Should().OnlyContain(e => e.OrderKey == $"quote:{quoteId}");
        var data = JsonDocument.Parse(events[1].Payload).RootElement.GetProperty("data");
        data.GetProperty("quote").GetProperty("status").GetString().Should().Be("Sent");
        data.GetProperty("quote").GetProperty("number").GetString().Should().Be("Q-WEBHOOK-1");
        data.GetProperty("changes").GetProperty("status").GetProperty("old").GetString().Should().Be("Draft");
    }
}
