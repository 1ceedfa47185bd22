using System.Text.Json;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Webhooks;
using BlazorTickets.Tests.Features.Replies;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Webhooks;

/// <summary>message.sent, written by the outbox with ExecuteUpdate once the SMTP server took the mail, in that transaction.</summary>
public sealed class WebhookOutboxTests : IAsyncLifetime
{
    private TestServices app = null!;
    private TestSmtpServer smtp = null!;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        app = await TestServices.CreateAsync(seedDemoData: true, clock: TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
    }

    [Fact]
    public async Task A_reply_gives_message_sent_and_the_status_change_only_when_the_outbox_sent_it()
    {
        var (tenantId, tickets) = await app.TicketsAsync(1);
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var ticket = await db.Set<Ticket>().SingleAsync(t => t.Id == tickets[0]);
            ticket.Status = TicketStatus.Open;
            await db.SaveChangesAsync();
        }
        await app.EndpointAsync(tenantId, "http://127.0.0.1:9/hooks", WebhookEventTypes.MessageSent, WebhookEventTypes.TicketUpdated);
        string agentId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            agentId = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
        }
        var replies = app.Get<ReplyService>();
        var context = (await replies.GetContextAsync(tickets[0], agentId))!;
        var input = new ReplyInput();
        ReplyService.Prefill(input, context, ReplyService.DefaultAnswered(context));
        input.Body = "We are on it.";
        var queued = (await replies.SendAsync(input, agentId)).Should().BeOfType<SendReplyResult.Queued>().Subject;

        (await app.DbFactory.EventsAsync()).Should().BeEmpty("a queued reply is not sent yet, and queueing changes no status");

        (await app.Get<OutboxWorker>().ProcessDueAsync()).Should().Be(1);

        var events = await app.DbFactory.EventsAsync();
        events.Select(e => e.Type).Should().BeEquivalentTo([WebhookEventTypes.TicketUpdated, WebhookEventTypes.MessageSent]);
        var sent = JsonDocument.Parse(events.Single(e => e.Type == WebhookEventTypes.MessageSent).Payload).RootElement.GetProperty("data").GetProperty("message");
        sent.GetProperty("id").GetInt32().Should().Be(queued.TicketMessageId);
        sent.GetProperty("direction").GetString().Should().Be("Outbound");
        sent.GetProperty("textBody").GetString().Should().Contain("We are on it.");
        var status = JsonDocument.Parse(events.Single(e => e.Type == WebhookEventTypes.TicketUpdated).Payload).RootElement.GetProperty("data");
        status.GetProperty("changes").GetProperty("status").GetProperty("old").GetString().Should().Be("Open");
        status.GetProperty("changes").GetProperty("status").GetProperty("new").GetString().Should().Be("Answered");
        status.GetProperty("ticket").GetProperty("status").GetString().Should().Be("Answered");
        events.Should().OnlyContain(e => e.OrderKey == $"ticket:{tickets[0]}");
    }
}
