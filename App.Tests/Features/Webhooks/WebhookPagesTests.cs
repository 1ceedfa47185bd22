using BlazorTickets.Features.Users;
using BlazorTickets.Features.Webhooks;
using BlazorTickets.Features.Webhooks.Pages;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Webhooks;

public sealed class WebhookPagesTests : IAsyncLifetime
{
    private TestServices app = null!;
    private readonly WebhookReceiver receiver = new();

    public async Task InitializeAsync() => app = await TestServices.CreateAsync(seedDemoData: true, clock: TimeProvider.System);

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await app.DisposeAsync();
    }

    private static string InputOf(string testId) => $"input[data-testid={testId}], [data-testid={testId}] input";

    [Fact]
    public async Task The_admin_adds_a_webhook_and_sees_its_secret_once_which_is_the_one_that_signs()
    {
        await using var context = new BlazorTicketsTestContext(app);
        await context.SignInAsUserAsync("admin@contoso.example", Groups.Admins);
        var page = context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<WebhooksPage>(1);
            builder.CloseComponent();
        });
        page.WaitForAssertion(() => page.Find("[data-testid=webhook-grid]").TextContent.Should().Contain("No webhooks yet."), TimeSpan.FromSeconds(10));

        page.Find("[data-testid=webhook-new] , button[data-testid=webhook-new]").Click();
        page.Find(InputOf("webhook-url")).Change("ftp://example.com/hooks");
        page.Find("button[data-testid=webhook-save], [data-testid=webhook-save]").Click();
        page.WaitForAssertion(() => page.Markup.Should().Contain("Enter an http or https URL."));

        page.Find(InputOf("webhook-url")).Change("https://example.com/hooks");
        page.Find("button[data-testid=webhook-save], [data-testid=webhook-save]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=webhook-secret]").TextContent.Trim().Should().StartWith("whsec_"), TimeSpan.FromSeconds(10));
        var shown = page.Find("[data-testid=webhook-secret]").TextContent.Trim();
        page.Find("[data-testid=webhook-grid]").TextContent.Should().Contain("https://example.com/hooks").And.Contain("ticket.created");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var endpoint = await db.Set<WebhookEndpoint>().SingleAsync();
        endpoint.ProtectedSecret.Should().NotContain(shown, "the secret is stored encrypted");
        app.Get<WebhookSigning>().Unprotect(endpoint.ProtectedSecret).Should().Be(shown);
        endpoint.Subscribed.Should().BeEquivalentTo(WebhookEventTypes.All);
    }

    [Fact]
    public async Task The_delivery_log_shows_each_attempt_and_Redeliver_queues_the_event_again()
    {
        await receiver.StartAsync();
        var (tenantId, tickets) = await app.TicketsAsync(1);
        var (endpointId, _) = await app.EndpointAsync(tenantId, receiver.Url);
        await app.RenameAsync(tickets[0], "Logged");
        await app.DeliverUntilAsync(async () => receiver.Received.Count == 1);

        await using var context = new BlazorTicketsTestContext(app);
        await context.SignInAsUserAsync("admin@contoso.example", Groups.Admins);
        var page = context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<WebhookDeliveriesPage>(1);
            builder.AddAttribute(2, nameof(WebhookDeliveriesPage.EndpointId), endpointId);
            builder.CloseComponent();
        });

        page.WaitForAssertion(() => page.FindAll("[data-testid=delivery-attempt]").Should().ContainSingle(), TimeSpan.FromSeconds(10));
        page.Find("[data-testid=delivery-event]").TextContent.Should().Contain("ticket.updated");
        page.Find("[data-testid=delivery-state]").TextContent.Should().Contain("Delivered");
        page.Find("[data-testid=delivery-attempt]").TextContent.Should().Contain("200").And.Contain("ms");

        page.Find("button[data-testid=delivery-redeliver], [data-testid=delivery-redeliver]").Click();

        page.WaitForAssertion(() => page.Find("[data-testid=delivery-state]").TextContent.Should().Contain("Pending"), TimeSpan.FromSeconds(10));
        (await app.DbFactory.DeliveriesAsync()).Single().State.Should().Be(WebhookDeliveryState.Pending);
        await app.DeliverUntilAsync(async () => receiver.Received.Count == 2);
        page.Find("button[data-testid=webhook-refresh], [data-testid=webhook-refresh]").Click();
        page.WaitForAssertion(() => page.FindAll("[data-testid=delivery-attempt]").Should().HaveCount(2), TimeSpan.FromSeconds(10));
    }
}
