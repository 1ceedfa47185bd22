using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace BlazorTickets.Tests.Features.Replies;

/// <summary>
/// A reply goes out under the identity of the mailbox its ticket came in through: from that mailbox's address, and
/// through its own SMTP server when it has one, else through the tenant's.
/// </summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailboxIdentityReplyTests : IAsyncLifetime
{
    private const string Support = "support";
    private const string Billing = "billing";
    private readonly FixedTimeProvider clock = new();
    private TestServices app = null!;
    private DovecotServer dovecot = null!;
    private TestSmtpServer tenantSmtp = null!;
    private TestSmtpServer billingSmtp = null!;
    private int tenantId;
    private string agentId = "";

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartAsync(Support, Billing);
        tenantSmtp = await TestSmtpServer.StartAsync();
        billingSmtp = await TestSmtpServer.StartAsync(requireAuthentication: true);
        app = await TestServices.CreateAsync(seedDemoData: true, clock: clock);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        agentId = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, tenantSmtp, input => input.CopyToSentFolder = false);
        await app.Get<MailboxService>().PointAtAsync(tenantId, dovecot, Support, input =>
        {
            input.Address = "support@contoso.example";
            input.PushEnabled = false;
        });
        await app.Get<MailboxService>().PointAtAsync(tenantId, dovecot, Billing, input =>
        {
            input.Address = "billing@contoso.example";
            input.PushEnabled = false;
            input.SmtpHost = billingSmtp.Host;
            input.SmtpPort = billingSmtp.Port;
            input.SmtpEncryption = MailEncryption.None;
            input.SmtpUserName = TestSmtpServer.User;
            input.NewSmtpPassword = TestSmtpServer.Password;
        });
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await billingSmtp.DisposeAsync();
        await tenantSmtp.DisposeAsync();
        await dovecot.DisposeAsync();
    }

    private async Task<int> MailInAsync(string mailbox, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("Jonas Becker <jonas@becker-bau.example>"));
        message.To.Add(MailboxAddress.Parse($"{mailbox}@contoso.example"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("becker-bau.example");
        message.Date = FixedTimeProvider.DefaultNow.AddMinutes(-5);
        message.Body = new TextPart("plain") { Text = "Hello" };
        await dovecot.AppendAsync(mailbox, message);
        (await app.Get<MailFetchService>().FetchTenantAsync(tenantId)).NewTickets.Should().Be(1);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Subject == subject).Select(t => t.Id).SingleAsync();
    }

    private async Task ReplyAsync(int ticketId)
    {
        var replies = app.Get<ReplyService>();
        var context = (await replies.GetContextAsync(ticketId, agentId))!;
        var input = new ReplyInput();
        ReplyService.Prefill(input, context, ReplyService.DefaultAnswered(context));
        input.Body = "We are on it.";
        var result = await replies.SendAsync(input, agentId);
        result.Should().BeOfType<SendReplyResult.Queued>($"the reply should queue, but: {(result as SendReplyResult.Invalid)?.Errors}");
        (await app.Get<OutboxWorker>().ProcessDueAsync()).Should().Be(1);
    }

    [Fact]
    public async Task The_reply_goes_out_from_the_mailbox_it_came_in_through_and_over_that_mailboxs_smtp_server()
    {
        var billingTicket = await MailInAsync(Billing, "Invoice 4711");
        var supportTicket = await MailInAsync(Support, "Printer jam");

        await ReplyAsync(billingTicket);
        await ReplyAsync(supportTicket);

        var viaBilling = (await billingSmtp.WaitForAsync(1)).Single();
        viaBilling.From.Mailboxes.Single().Address.Should().Be("billing@contoso.example");
        viaBilling.Subject.Should().Contain("Invoice 4711");
        var viaTenant = (await tenantSmtp.WaitForAsync(1)).Single();
        viaTenant.From.Mailboxes.Single().Address.Should().Be("support@contoso.example", "the support mailbox has no SMTP server of its own");
        viaTenant.Subject.Should().Contain("Printer jam");
        billingSmtp.Received.Should().ContainSingle("nothing else went through the billing mailbox's server");
    }

    [Fact]
    public async Task A_ticket_of_a_removed_mailbox_is_answered_through_the_tenant_with_the_tenants_sender()
    {
        var ticketId = await MailInAsync(Billing, "Old invoice");
        var billingId = (await app.Get<MailboxService>().ListOfTenantAsync(tenantId)).Single(m => m.Settings.UserName == Billing).MailboxId;
        (await app.Get<MailboxService>().DeleteAsync(billingId)).Should().BeTrue();
        string tenantSender;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            tenantSender = await db.Set<Tenant>().Where(t => t.Id == tenantId).Select(t => t.SenderAddress).SingleAsync();
        }

        await ReplyAsync(ticketId);

        var mail = (await tenantSmtp.WaitForAsync(1)).Single();
        mail.From.Mailboxes.Single().Address.Should().Be(tenantSender);
        billingSmtp.Received.Should().BeEmpty();
    }
}
