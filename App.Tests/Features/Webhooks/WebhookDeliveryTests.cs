using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BlazorTickets.Features.Webhooks;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Webhooks;

/// <summary>The worker against a real receiver on a loopback port: signatures, outages, order, giving up, redelivery.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private TestServices app = null!;
    private readonly WebhookReceiver receiver = new();

    public async Task InitializeAsync() =>
        app = await TestServices.CreateAsync(seedDemoData: true, clock: TimeProvider.System, overrides: services => services.Configure<WebhookOptions>(o =>
        {
            o.FirstRetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(400);
            o.Timeout = TimeSpan.FromSeconds(2);
        }));

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await app.DisposeAsync();
    }

    private static string Hmac(string secret, string signed) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed))).ToLowerInvariant();

    [Fact]
    public async Task A_delivery_is_signed_with_the_endpoints_secret_over_timestamp_and_body()
    {
        await receiver.StartAsync();
        var (tenantId, tickets) = await app.TicketsAsync(1);
        var (_, secret) = await app.EndpointAsync(tenantId, receiver.Url);
        await app.RenameAsync(tickets[0], "Signed change");

        await app.DeliverUntilAsync(async () => receiver.Received.Count == 1);

        var request = receiver.Received.Single();
        request.EventType.Should().Be("ticket.updated");
        var parts = request.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var timestamp = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        DateTimeOffset.FromUnixTimeSeconds(timestamp).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        parts["v1"].Should().Be(Hmac(secret, $"{timestamp}.{request.Body}"));
        parts["v1"].Should().NotBe(Hmac("whsec_wrong", $"{timestamp}.{request.Body}"));
        var deliveries = await app.DbFactory.DeliveriesAsync();
        request.Delivery.Should().Be(deliveries.Single().Id.ToString(CultureInfo.InvariantCulture));
        request.Json.GetProperty("data").GetProperty("ticket").GetProperty("subject").GetString().Should().Be("Signed change");
        deliveries.Single().State.Should().Be(WebhookDeliveryState.Delivered);
        deliveries.Single().AttemptLog.Should().ContainSingle().Which.StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task A_receiver_that_was_down_gets_every_event_afterwards_once_and_in_order_per_ticket()
    {
        var (tenantId, tickets) = await app.TicketsAsync(2);
        await app.EndpointAsync(tenantId, receiver.Url);
        for (var step = 1; step <= 4; step++)
        {
            foreach (var ticket in tickets)
            {
                await app.RenameAsync(ticket, $"Step {step}");
            }
        }
        var worker = app.Get<WebhookWorker>();
        for (var pass = 0; pass < 5; pass++)
        {
            await worker.DeliverDueAsync();
            await Task.Delay(150);
        }
        var whileDown = await app.DbFactory.DeliveriesAsync();
        whileDown.Should().OnlyContain(d => d.State == WebhookDeliveryState.Pending);
        whileDown.SelectMany(d => d.AttemptLog).Should().NotBeEmpty().And.OnlyContain(a => a.StatusCode == null && a.Error != null);
        whileDown.Where(d => d.Attempts > 0).Select(d => d.OrderKey).Should().OnlyHaveUniqueItems("a later event of a ticket waits for the earlier one");

        await receiver.StartAsync();
        await app.DeliverUntilAsync(async () => (await app.DbFactory.DeliveriesAsync()).All(d => d.State == WebhookDeliveryState.Delivered));

        var events = await app.DbFactory.EventsAsync();
        var received = receiver.Received;
        received.Select(r => r.EventId).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(events.Select(e => e.EventId));
        foreach (var ticket in tickets)
        {
            received.Where(r => r.Json.GetProperty("data").GetProperty("ticket").GetProperty("id").GetInt32() == ticket)
                .Select(r => r.Json.GetProperty("data").GetProperty("ticket").GetProperty("subject").GetString())
                .Should().Equal("Step 1", "Step 2", "Step 3", "Step 4");
        }
    }

    [Fact]
    public async Task A_delivery_is_given_up_after_the_retry_period_and_then_no_longer_holds_up_the_tickets_later_events()
    {
        await using var quick = await TestServices.CreateAsync(seedDemoData: true, clock: TimeProvider.System, overrides: services => services.Configure<WebhookOptions>(o =>
        {
            o.FirstRetryDelay = TimeSpan.FromMilliseconds(100);
            o.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
            o.RetryFor = TimeSpan.FromMilliseconds(700);
        }));
        receiver.Answer = HttpStatusCode.InternalServerError;
        await receiver.StartAsync();
        var (tenantId, tickets) = await quick.TicketsAsync(1);
        await quick.EndpointAsync(tenantId, receiver.Url);
        await quick.RenameAsync(tickets[0], "Refused");

        await quick.DeliverUntilAsync(async () => (await quick.DbFactory.DeliveriesAsync()).Single().State == WebhookDeliveryState.Failed);
        var failed = (await quick.DbFactory.DeliveriesAsync()).Single();
        failed.Attempts.Should().BeGreaterThan(1);
        failed.AttemptLog.Should().OnlyContain(a => a.StatusCode == 500);

        receiver.Answer = HttpStatusCode.OK;
        await quick.RenameAsync(tickets[0], "Accepted");
        await quick.DeliverUntilAsync(async () => (await quick.DbFactory.DeliveriesAsync()).Any(d => d.State == WebhookDeliveryState.Delivered));
        receiver.Received.Last().Json.GetProperty("data").GetProperty("ticket").GetProperty("subject").GetString().Should().Be("Accepted");
    }

    [Fact]
    public async Task Redeliver_sends_the_same_event_again_and_logs_a_new_attempt()
    {
        await receiver.StartAsync();
        var (tenantId, tickets) = await app.TicketsAsync(1);
        await app.EndpointAsync(tenantId, receiver.Url);
        await app.RenameAsync(tickets[0], "Once more");
        await app.DeliverUntilAsync(async () => receiver.Received.Count == 1);
        var delivery = (await app.DbFactory.DeliveriesAsync()).Single();

        (await app.Get<WebhookService>().RedeliverAsync(delivery.Id)).Should().BeTrue();
        (await app.DbFactory.DeliveriesAsync()).Single().State.Should().Be(WebhookDeliveryState.Pending);
        await app.DeliverUntilAsync(async () => receiver.Received.Count == 2);

        receiver.Received.Select(r => r.EventId).Distinct().Should().ContainSingle("it is the same event, which receivers recognise by its id");
        var after = (await app.DbFactory.DeliveriesAsync()).Single();
        after.State.Should().Be(WebhookDeliveryState.Delivered);
        after.AttemptLog.Should().HaveCount(2);
    }
}
