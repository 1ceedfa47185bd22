using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Replies.Components;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Replies;

public sealed class DeliveryStatusTests : BlazorTicketsTestContext
{
    private TestServices app = null!;

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        await SignInAsAgentAsync();
    }

    [Fact]
    public async Task A_failed_reply_shows_the_servers_reason_and_retry_puts_it_back_in_the_queue()
    {
        int ticketId;
        int outboxId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var ticket = await db.Set<Ticket>().OrderBy(t => t.Id).FirstAsync();
            ticketId = ticket.Id;
            var message = new TicketMessage { TicketId = ticket.Id, Direction = MessageDirection.Outbound, Subject = "Re: x", Date = DateTime.UtcNow, TextBody = "x" };
            var mail = new OutboxMail
            {
                TenantId = ticket.TenantId,
                TicketId = ticket.Id,
                TicketMessage = message,
                IdempotencyKey = "failed-one",
                State = DeliveryState.Failed,
                Attempts = 1,
                LastError = "The server refused the recipient nobody@example.com: 550 mailbox unavailable",
            };
            db.Add(mail);
            await db.SaveChangesAsync();
            outboxId = mail.Id;
        }
        var status = (await app.Get<ReplyService>().GetDeliveryAsync(ticketId)).Values.Single();
        var cut = Render<DeliveryStatus>(p => p.Add(x => x.Status, status));

        cut.Find("[data-testid=delivery-state]").TextContent.Should().Be("Failed");
        cut.Find("[data-testid=delivery-error]").TextContent.Should().Contain("550 mailbox unavailable");
        await cut.Find("[data-testid=delivery-retry]").ClickAsync(new());

        await using var check = await app.DbFactory.CreateDbContextAsync();
        var retried = await check.Set<OutboxMail>().SingleAsync(o => o.Id == outboxId);
        retried.State.Should().Be(DeliveryState.Queued);
        retried.Attempts.Should().Be(0);
    }
}
