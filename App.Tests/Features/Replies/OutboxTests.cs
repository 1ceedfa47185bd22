using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Tests.Features.Replies;

/// <summary>Replies from compose to delivery, through a real SMTP server on loopback and the real Dovecot for mail in.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class OutboxTests : IAsyncLifetime
{
    private const string Mailbox = "support";
    private static readonly byte[] Pdf = [.. "%PDF-1.4 report"u8, .. Enumerable.Range(0, 3000).Select(i => (byte)i)];
    private static readonly byte[] Png = [0x89, .. "PNG\r\n\u001a\n"u8, .. Enumerable.Range(0, 2000).Select(i => (byte)(i * 7))];

    private readonly FixedTimeProvider clock = new();
    private TestServices app = null!;
    private DovecotServer dovecot = null!;
    private TestSmtpServer smtp = null!;
    private int tenantId;
    private string agentId = "";

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartAsync(Mailbox);
        smtp = await TestSmtpServer.StartAsync();
        app = await TestServices.CreateAsync(seedDemoData: true, clock: clock);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        agentId = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
        await app.Get<MailboxService>().PointAtAsync(tenantId, dovecot, Mailbox);
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
        await dovecot.DisposeAsync();
    }

    private ReplyService Replies => app.Get<ReplyService>();
    private OutboxWorker Worker => app.Get<OutboxWorker>();

    private static MimeMessage CustomerMail(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("Jonas Becker <jonas@becker-bau.example>"));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("becker-bau.example");
        message.Date = FixedTimeProvider.DefaultNow.AddMinutes(-5);
        message.Body = new TextPart("plain") { Text = "Hello,\nthe heating in hall 3 is broken.\nJonas" };
        return message;
    }

    private async Task<int> MailInAsync(string subject)
    {
        await dovecot.AppendAsync(Mailbox, CustomerMail(subject));
        (await app.Get<MailFetchService>().FetchTenantAsync(tenantId)).NewTickets.Should().Be(1);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Subject == subject).Select(t => t.Id).SingleAsync();
    }

    private async Task<ReplyInput> NewReplyAsync(int ticketId, string body = "We are on it.")
    {
        var context = (await Replies.GetContextAsync(ticketId, agentId))!;
        var input = new ReplyInput();
        ReplyService.Prefill(input, context, ReplyService.DefaultAnswered(context));
        input.Body = body;
        return input;
    }

    private async Task<OutboxMail> OutboxAsync(int outboxId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<OutboxMail>().AsNoTracking().SingleAsync(o => o.Id == outboxId);
    }

    private async Task<TicketStatus> StatusAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.Status).SingleAsync();
    }

    private async Task<SendReplyResult.Queued> SendAsync(ReplyInput input)
    {
        var result = await Replies.SendAsync(input, agentId);
        return result.Should().BeOfType<SendReplyResult.Queued>($"the reply should queue, but: {(result as SendReplyResult.Invalid)?.Errors}").Subject;
    }

    [Fact]
    public async Task A_customer_mail_answered_with_cc_template_and_two_attachments_arrives_whole_and_the_answer_reopens_the_same_ticket()
    {
        var ticketId = await MailInAsync("Heating broken");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<Ticket>().SingleAsync(t => t.Id == ticketId)).Status.Should().Be(TicketStatus.New);
        }
        var context = (await Replies.GetContextAsync(ticketId, agentId))!;
        var original = ReplyService.DefaultAnswered(context)!;
        var input = new ReplyInput();
        ReplyService.Prefill(input, context, original);
        input.Cc = "chef@becker-bau.example; office@becker-bau.example";
        var template = context.Templates.Single(t => t.Name == "Thank you, we are on it");
        var filled = ReplyService.FillTemplate(context, template, original);
        filled.Unknown.Should().BeEmpty();
        input.Body = filled.Text + "\n\nPlease send us photos of the boiler.";
        input.Attachments.Add(new ReplyAttachmentInput("report.pdf", "application/pdf", Pdf));
        input.Attachments.Add(new ReplyAttachmentInput("boiler.png", "image/png", Png));

        var queued = await SendAsync(input);

        (await OutboxAsync(queued.OutboxMailId)).State.Should().Be(DeliveryState.Queued);
        (await StatusAsync(ticketId)).Should().Be(TicketStatus.New, "the status changes only once the server accepted the mail");
        (await Worker.ProcessDueAsync()).Should().Be(1);

        var mail = (await smtp.WaitForAsync(1)).Single();
        var number = context.TicketNumber;
        mail.From.Mailboxes.Single().Should().Be(new MailboxAddress("Contoso Support", "support@contoso.example"));
        mail.To.Mailboxes.Select(m => m.Address).Should().Equal("jonas@becker-bau.example");
        mail.Cc.Mailboxes.Select(m => m.Address).Should().Equal("chef@becker-bau.example", "office@becker-bau.example");
        mail.Subject.Should().Be($"Re: Heating broken [#{number}]");
        OutgoingMessageIds.TryParseTicketNumber(mail.MessageId ?? "", out var encoded).Should().BeTrue();
        encoded.Should().Be(number);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var originalId = await db.Set<TicketMessage>().Where(m => m.Id == original.Id).Select(m => m.MessageId).SingleAsync();
            mail.InReplyTo.Should().Be(originalId);
            mail.References.Should().Contain(originalId);
        }
        mail.TextBody.Should().Contain("Dear Jonas Becker,")
            .And.Contain($"We are working on ticket #{number}")
            .And.Contain("Please send us photos of the boiler.")
            .And.Contain("Anna Agent\nContoso Support")
            .And.Contain("> the heating in hall 3 is broken.")
            .And.NotContain("{{");
        mail.HtmlBody.Should().Contain("<p>Dear Jonas Becker,</p>").And.Contain("&gt; the heating in hall 3 is broken.");
        var attachments = mail.Attachments.OfType<MimePart>().ToList();
        attachments.Select(a => a.FileName).Should().Equal("report.pdf", "boiler.png");
        Content(attachments[0]).Should().Equal(Pdf);
        Content(attachments[1]).Should().Equal(Png);

        (await OutboxAsync(queued.OutboxMailId)).State.Should().Be(DeliveryState.Sent);
        (await StatusAsync(ticketId)).Should().Be(TicketStatus.Answered);

        var answer = CustomerMail("Re: Re: Heating broken");
        answer.InReplyTo = mail.MessageId;
        answer.References.Add(mail.MessageId!);
        answer.Body = new TextPart("plain") { Text = "Photos attached soon." };
        await dovecot.AppendAsync(Mailbox, answer);
        (await app.Get<MailFetchService>().FetchTenantAsync(tenantId)).Threaded.Should().Be(1);

        await using var check = await app.DbFactory.CreateDbContextAsync();
        var ticket = await check.Set<Ticket>().Include(t => t.Messages).ThenInclude(m => m.Attachments).SingleAsync(t => t.Id == ticketId);
        ticket.Status.Should().Be(TicketStatus.Open);
        ticket.Messages.OrderBy(m => m.Id).Select(m => m.Direction).Should().Equal(MessageDirection.Inbound, MessageDirection.Outbound, MessageDirection.Inbound);
        ticket.Messages.Single(m => m.Direction == MessageDirection.Outbound).Attachments.Should().HaveCount(2);
    }

    private static byte[] Content(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }

    [Fact]
    public async Task While_smtp_is_down_the_reply_stays_queued_and_is_sent_exactly_once_when_the_server_returns()
    {
        var ticketId = await MailInAsync("Server down case");
        await smtp.StopAsync();

        var queued = await SendAsync(await NewReplyAsync(ticketId));
        (await Worker.ProcessDueAsync()).Should().Be(0);

        var waiting = await OutboxAsync(queued.OutboxMailId);
        waiting.State.Should().Be(DeliveryState.Queued);
        waiting.Attempts.Should().Be(1);
        waiting.LastError!.Should().Contain("refused the connection");
        waiting.NextAttemptAt.Should().Be(clock.Now.UtcDateTime + OutboxWorker.Backoff(1));
        (await StatusAsync(ticketId)).Should().Be(TicketStatus.New);

        await smtp.StartAsync();
        (await Worker.ProcessDueAsync()).Should().Be(0, "the next attempt is not due yet");
        clock.Now += OutboxWorker.Backoff(1);
        (await Worker.ProcessDueAsync()).Should().Be(1);
        (await Worker.ProcessDueAsync()).Should().Be(0);

        smtp.Received.Should().ContainSingle().Which.Subject.Should().Contain("Server down case");
        (await OutboxAsync(queued.OutboxMailId)).State.Should().Be(DeliveryState.Sent);
        (await StatusAsync(ticketId)).Should().Be(TicketStatus.Answered);
    }

    [Fact]
    public async Task A_customer_mail_that_arrives_while_the_reply_waits_keeps_the_ticket_open_after_sending()
    {
        var ticketId = await MailInAsync("Still waiting case");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            // Answered once already; this is the agent's second reply.
            await db.Set<Ticket>().Where(t => t.Id == ticketId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Answered));
        }
        await smtp.StopAsync();
        var queued = await SendAsync(await NewReplyAsync(ticketId));
        (await Worker.ProcessDueAsync()).Should().Be(0);

        var followUp = CustomerMail("Re: Still waiting case");
        followUp.Subject += $" [#{(await TicketNumberAsync(ticketId))}]";
        await dovecot.AppendAsync(Mailbox, followUp);
        (await app.Get<MailFetchService>().FetchTenantAsync(tenantId)).Threaded.Should().Be(1);
        await smtp.StartAsync();
        clock.Now += OutboxWorker.Backoff(1);
        (await Worker.ProcessDueAsync()).Should().Be(1);

        (await OutboxAsync(queued.OutboxMailId)).State.Should().Be(DeliveryState.Sent);
        (await StatusAsync(ticketId)).Should().Be(TicketStatus.Open, "the customer's newer mail is still unanswered");
    }

    private async Task<int> TicketNumberAsync(int ticketId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Id == ticketId).Select(t => t.Number).SingleAsync();
    }

    [Fact]
    public async Task A_double_submit_of_the_same_form_queues_one_mail()
    {
        var ticketId = await MailInAsync("Double click");
        var input = await NewReplyAsync(ticketId);

        var results = await Task.WhenAll(Replies.SendAsync(input, agentId), Replies.SendAsync(input, agentId));
        var again = await Replies.SendAsync(input, agentId);

        results.Concat([again]).Should().AllBeOfType<SendReplyResult.Queued>();
        results.Concat([again]).Cast<SendReplyResult.Queued>().Select(q => q.OutboxMailId).Distinct().Should().ContainSingle();
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<TicketMessage>().CountAsync(m => m.TicketId == ticketId && m.Direction == MessageDirection.Outbound)).Should().Be(1);
        }
        await Worker.ProcessDueAsync();
        smtp.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task Two_workers_at_once_send_each_mail_once()
    {
        var ticketId = await MailInAsync("Many replies");
        for (var i = 0; i < 6; i++)
        {
            await SendAsync(await NewReplyAsync(ticketId, $"Reply {i}"));
        }
        var second = ActivatorUtilities.CreateInstance<OutboxWorker>(app.Services);

        var sent = await Task.WhenAll(Worker.ProcessDueAsync(), second.ProcessDueAsync());

        sent.Sum().Should().Be(6);
        smtp.Received.Should().HaveCount(6);
        smtp.Received.Select(m => m.MessageId).Distinct().Should().HaveCount(6);
    }

    [Fact]
    public async Task A_send_interrupted_by_a_restart_is_resumed_with_the_same_message_id()
    {
        var ticketId = await MailInAsync("Crash while sending");
        var queued = await SendAsync(await NewReplyAsync(ticketId));
        string storedMessageId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            // The app died after claiming the mail: it is stuck in Sending.
            await db.Set<OutboxMail>().Where(o => o.Id == queued.OutboxMailId)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.State, DeliveryState.Sending).SetProperty(o => o.Attempts, 1));
            storedMessageId = (await db.Set<TicketMessage>().SingleAsync(m => m.Id == queued.TicketMessageId)).MessageId!;
        }
        (await Worker.ProcessDueAsync()).Should().Be(0, "a mail in Sending belongs to the worker that claimed it");

        (await Worker.RecoverAsync()).Should().Be(1);
        (await Worker.ProcessDueAsync()).Should().Be(1);

        smtp.Received.Should().ContainSingle().Which.MessageId.Should().Be(storedMessageId);
        (await OutboxAsync(queued.OutboxMailId)).State.Should().Be(DeliveryState.Sent);
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_fails_at_once_with_the_reason_and_retry_sends_it_later()
    {
        var ticketId = await MailInAsync("Refused recipient");
        smtp.RejectedRecipients["jonas@becker-bau.example"] = true;
        var queued = await SendAsync(await NewReplyAsync(ticketId));

        await Worker.ProcessDueAsync();

        var failed = await OutboxAsync(queued.OutboxMailId);
        failed.State.Should().Be(DeliveryState.Failed, "a 5xx refusal is permanent and retrying on a schedule cannot help");
        failed.Attempts.Should().Be(1);
        failed.LastError.Should().Contain("jonas@becker-bau.example").And.Contain("550");
        (await StatusAsync(ticketId)).Should().Be(TicketStatus.New);

        smtp.RejectedRecipients.Clear();
        (await Replies.RetryAsync(queued.OutboxMailId)).Should().BeTrue();
        (await Worker.ProcessDueAsync()).Should().Be(1);
        (await OutboxAsync(queued.OutboxMailId)).State.Should().Be(DeliveryState.Sent);
        smtp.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task A_reply_with_an_unknown_placeholder_or_a_bad_address_is_not_queued()
    {
        var ticketId = await MailInAsync("Placeholder check");
        var input = await NewReplyAsync(ticketId, "Dear {{customer_name}}, your order {{order_number}} ships today.");
        input.Cc = "boss@becker-bau.example, not an address";

        var result = await Replies.SendAsync(input, agentId);

        var errors = result.Should().BeOfType<SendReplyResult.Invalid>().Subject.Errors;
        errors.English("Body").Should().Contain("{{order_number}}").And.NotContain("customer_name");
        errors.English("Cc").Should().Contain("not an address");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<OutboxMail>().CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_copy_of_the_sent_mail_lands_in_the_imap_sent_folder()
    {
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp, input => input.CopyToSentFolder = true);
        var ticketId = await MailInAsync("Copy to sent");
        var queued = await SendAsync(await NewReplyAsync(ticketId));

        await Worker.ProcessDueAsync();

        var sent = await OutboxAsync(queued.OutboxMailId);
        sent.SentCopy.Should().Be(SentCopyState.Done, sent.SentCopyError);
        var copies = await dovecot.ListAsync(Mailbox, SmtpSettings.DefaultSentFolder);
        copies.Should().ContainSingle().Which.MessageId.Should().Be(smtp.Received.Single().MessageId);
    }

    [Fact]
    public async Task A_copy_to_sent_interrupted_by_a_restart_is_caught_up_once()
    {
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp, input => input.CopyToSentFolder = true);
        var ticketId = await MailInAsync("Copy after restart");
        var first = await SendAsync(await NewReplyAsync(ticketId, "First answer."));
        var second = await SendAsync(await NewReplyAsync(ticketId, "Second answer."));
        (await Worker.ProcessDueAsync()).Should().Be(2);
        (await dovecot.ListAsync(Mailbox, SmtpSettings.DefaultSentFolder)).Should().HaveCount(2);

        // The first copy was appended but the stop came before it was recorded; the second never got appended.
        await dovecot.DeleteAsync(Mailbox, SmtpSettings.DefaultSentFolder, (await OutboxMessageIdAsync(second.OutboxMailId))!);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<OutboxMail>().ExecuteUpdateAsync(s => s.SetProperty(o => o.SentCopy, SentCopyState.Pending));
        }

        await Worker.RecoverAsync();

        var copies = await dovecot.ListAsync(Mailbox, SmtpSettings.DefaultSentFolder);
        copies.Select(c => c.MessageId).Should().BeEquivalentTo(smtp.Received.Select(m => m.MessageId), "each sent mail is in Sent exactly once");
        (await OutboxAsync(first.OutboxMailId)).SentCopy.Should().Be(SentCopyState.Done);
        (await OutboxAsync(second.OutboxMailId)).SentCopy.Should().Be(SentCopyState.Done);
        smtp.Received.Should().HaveCount(2, "catching up the copy never sends again");
    }

    private async Task<string?> OutboxMessageIdAsync(int outboxId)
    {
        var raw = (await OutboxAsync(outboxId)).RawMime;
        using var stream = new MemoryStream(raw);
        return (await MimeMessage.LoadAsync(stream)).MessageId;
    }

    [Fact]
    public async Task A_failed_copy_to_the_sent_folder_is_recorded_and_does_not_send_again()
    {
        await app.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp, input => input.CopyToSentFolder = true);
        var ticketId = await MailInAsync("Copy fails");
        await dovecot.DisposeAsync();
        var queued = await SendAsync(await NewReplyAsync(ticketId));

        (await Worker.ProcessDueAsync()).Should().Be(1);
        clock.Now += TimeSpan.FromHours(1);
        (await Worker.ProcessDueAsync()).Should().Be(0);

        var sent = await OutboxAsync(queued.OutboxMailId);
        sent.State.Should().Be(DeliveryState.Sent);
        sent.SentCopy.Should().Be(SentCopyState.Failed);
        sent.SentCopyError.Should().NotBeNullOrEmpty();
        smtp.Received.Should().ContainSingle();
        dovecot = await DovecotServer.StartAsync(Mailbox);
    }

    [Fact]
    public async Task A_draft_with_attachments_is_kept_in_the_database_until_it_is_sent()
    {
        var ticketId = await MailInAsync("Draft case");
        var input = await NewReplyAsync(ticketId, "Half written");
        input.Cc = "chef@becker-bau.example";
        input.StatusAfterSending = TicketStatus.WaitingForCustomer;
        input.Attachments.Add(new ReplyAttachmentInput("report.pdf", "application/pdf", Pdf));

        (await Replies.SaveDraftAsync(input, agentId)).Should().BeEmpty();
        var reloaded = await new ReplyService(app.DbFactory, app.Get<OutboxSignal>(), app.Get<TicketChangeNotifier>(), clock).LoadDraftAsync(ticketId, agentId);

        reloaded.Should().NotBeNull();
        reloaded!.Should().BeEquivalentTo(input, o => o.Excluding(i => i.Attachments));
        reloaded.Attachments.Single().Content.Should().Equal(Pdf);
        (await Replies.LoadDraftAsync(ticketId, "someone-else")).Should().BeNull();

        await SendAsync(reloaded);
        (await Replies.LoadDraftAsync(ticketId, agentId)).Should().BeNull("a sent reply is no longer a draft");
        await Worker.ProcessDueAsync();
        (await StatusAsync(ticketId)).Should().Be(TicketStatus.WaitingForCustomer);
    }

    [Fact]
    public async Task A_system_mail_goes_through_the_outbox_from_the_tenants_sender()
    {
        var outbox = app.Get<IMailOutbox>();
        (await outbox.CanSendAsync(tenantId)).Should().BeTrue();

        var id = await outbox.EnqueueSystemMailAsync(tenantId, "max.mustermann@fabrikam.example", "Your extranet access", "Open https://example.test/x to sign in.");
        await Worker.ProcessDueAsync();

        var mail = smtp.Received.Should().ContainSingle().Subject;
        mail.From.Mailboxes.Single().Address.Should().Be("support@contoso.example");
        mail.To.Mailboxes.Single().Address.Should().Be("max.mustermann@fabrikam.example");
        mail.Headers["Auto-Submitted"].Should().Be("auto-generated");
        mail.TextBody.Should().Contain("https://example.test/x");
        (await OutboxAsync(id)).State.Should().Be(DeliveryState.Sent);
    }
}
