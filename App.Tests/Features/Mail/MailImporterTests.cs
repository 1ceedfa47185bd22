using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Tests.Features.Mail;

public abstract class MailImporterTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestServices app = null!;
    private MailImporter importer = null!;
    private int tenantId;
    private uint uid;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true, provider: provider);
        importer = app.Get<MailImporter>();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        db.Set<MailFolderState>().Add(new MailFolderState { TenantId = tenantId, Folder = "INBOX", UidValidity = 7 });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static MimeMessage Mail(string subject, string from = "Jonas Becker <jonas@becker-bau.example>", string body = "Hello")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("customer.example");
        message.Date = FixedTimeProvider.DefaultNow.AddMinutes(-5);
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private async Task<ImportResult> Import(MimeMessage message)
    {
        using var memory = new MemoryStream();
        await message.WriteToAsync(memory);
        return await importer.ImportAsync(tenantId, memory.ToArray(), new MailPosition("INBOX", 7, ++uid));
    }

    private async Task<Ticket> TicketOf(ImportResult result)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Include(t => t.Customer).Include(t => t.Messages).SingleAsync(t => t.Id == result.TicketId);
    }

    private async Task<Ticket> TicketByNumber(int number)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().SingleAsync(t => t.Number == number);
    }

    /// <summary>The address of the ticket's customer, the sender a reply to it normally comes from.</summary>
    private async Task<string> CustomerOf(int number)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var customerId = await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.CustomerId).SingleAsync();
        return await db.Set<CustomerEmail>().Where(e => e.CustomerId == customerId).OrderBy(e => e.Id).Select(e => e.Address).FirstAsync();
    }

    private async Task SetStatus(int ticketId, TicketStatus status)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        await db.Set<Ticket>().Where(t => t.Id == ticketId).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, status));
    }

    [Fact]
    public async Task A_new_mail_opens_a_ticket_for_the_known_customer_with_the_next_number()
    {
        var result = await Import(Mail("Roof leaks in hall 3"));

        result.Outcome.Should().Be(ImportOutcome.NewTicket);
        var ticket = await TicketOf(result);
        ticket.Number.Should().Be(1201, "the demo data ends at #1200");
        ticket.Status.Should().Be(TicketStatus.New);
        ticket.Subject.Should().Be("Roof leaks in hall 3");
        ticket.Customer!.Name.Should().Be("Jonas Becker");
        ticket.Messages.Should().ContainSingle(m => m.Direction == MessageDirection.Inbound && m.RawMime!.Length > 0 && m.TextBody == "Hello");
    }

    [Fact]
    public async Task A_batch_numbers_its_new_tickets_and_customers_without_gaps_when_some_mails_are_replies()
    {
        var first = await TicketOf(await Import(Mail("Printer jams")));
        var replyByTag = Mail($"Re: Printer jams [#{first.Number}]");
        var newSender = Mail("New question", from: "Nora Neu <nora@neu.example>");
        var sameNewSenderAgain = Mail("Another question", from: "nora@NEU.example");
        var knownSender = Mail("Known sender, new topic");
        var raws = new List<MailImporter.IncomingMail>();
        foreach (var message in new[] { newSender, sameNewSenderAgain, knownSender, replyByTag })
        {
            using var memory = new MemoryStream();
            await message.WriteToAsync(memory);
            raws.Add(new MailImporter.IncomingMail(memory.ToArray(), new MailPosition("INBOX", 7, ++uid)));
        }

        var results = await importer.ImportBatchAsync(tenantId, raws);

        results.Select(r => r.Outcome).Should().Equal(ImportOutcome.NewTicket, ImportOutcome.NewTicket, ImportOutcome.NewTicket, ImportOutcome.Threaded);
        results[3].TicketId.Should().Be(first.Id);
        var numbers = new List<int>();
        foreach (var result in results.Take(3))
        {
            numbers.Add((await TicketOf(result)).Number);
        }
        numbers.Should().Equal(first.Number + 1, first.Number + 2, first.Number + 3);
        (await TicketOf(results[0])).CustomerId.Should().Be((await TicketOf(results[1])).CustomerId, "the same address in any case is one customer");
        (await TicketOf(results[2])).CustomerId.Should().Be(first.CustomerId);

        var next = await TicketOf(await Import(Mail("After the batch", from: "olaf@neu.example")));
        next.Number.Should().Be(first.Number + 4, "numbers reserved for the reply were given back");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var fromMail = await db.Set<Customer>().Where(c => c.CreatedFromEmail).OrderBy(c => c.Id).Select(c => c.CustomerNumber).ToListAsync();
        fromMail.TakeLast(2).Should().Equal(fromMail[^2], $"M-{int.Parse(fromMail[^2][2..]) + 1:00000}");
    }

    [Fact]
    public async Task An_unknown_sender_becomes_a_new_customer_marked_as_created_from_email()
    {
        var result = await Import(Mail("Question", from: "New Person <new.person@somewhere.example>"));

        var ticket = await TicketOf(result);
        ticket.Customer!.Name.Should().Be("New Person");
        ticket.Customer.CreatedFromEmail.Should().BeTrue();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<CustomerEmail>().SingleAsync(e => e.Address == "new.person@somewhere.example")).TenantId.Should().Be(tenantId);
    }

    [Fact]
    public async Task The_same_message_fetched_twice_at_once_makes_one_ticket_and_one_duplicate()
    {
        using var memory = new MemoryStream();
        await Mail("Fetched by two nodes").WriteToAsync(memory);

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => Task.Run(() =>
            importer.ImportAsync(tenantId, memory.ToArray(), new MailPosition(i == 0 ? "INBOX" : "Archive", 7, 100)))));

        results.Select(r => r.Outcome).Should().BeEquivalentTo([ImportOutcome.NewTicket, ImportOutcome.Duplicate]);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<QuarantinedMail>().CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Two_mails_of_a_new_sender_imported_at_once_make_one_customer_with_two_tickets()
    {
        var mails = new List<byte[]>();
        foreach (var subject in new[] { "First question", "Second question" })
        {
            using var memory = new MemoryStream();
            await Mail(subject, from: "Nina Neu <nina@neu-kunde.example>").WriteToAsync(memory);
            mails.Add(memory.ToArray());
        }

        var results = await Task.WhenAll(mails.Select((raw, i) => Task.Run(() =>
            importer.ImportAsync(tenantId, raw, new MailPosition("INBOX", 7, 200 + (uint)i)))));

        results.Should().OnlyContain(r => r.Outcome == ImportOutcome.NewTicket);
        var customers = new[] { (await TicketOf(results[0])).CustomerId, (await TicketOf(results[1])).CustomerId };
        customers.Distinct().Should().ContainSingle().Which.Should().NotBeNull();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<CustomerEmail>().CountAsync(e => e.Address == "nina@neu-kunde.example")).Should().Be(1);
    }

    [Fact]
    public async Task A_reply_threads_by_our_own_message_id_even_with_a_new_subject()
    {
        var ticket = await TicketByNumber(1005);
        var reply = Mail("Completely different subject", from: await CustomerOf(1005));
        reply.InReplyTo = OutgoingMessageIds.Create(1005, "support@contoso.example");

        var result = await Import(reply);

        result.Should().Be(new ImportResult(ImportOutcome.Threaded, ticket.Id));
    }

    [Fact]
    public async Task A_reply_threads_by_the_ticket_tag_in_the_subject()
    {
        var ticket = await TicketByNumber(1010);

        var result = await Import(Mail("AW: Re: your ticket [#1010]", from: await CustomerOf(1010)));

        result.Should().Be(new ImportResult(ImportOutcome.Threaded, ticket.Id));
    }

    [Fact]
    public async Task A_reply_threads_by_references_to_a_stored_message()
    {
        var first = await Import(Mail("Printer jam"));
        var reply = Mail("Re: Printer jam (still)");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var storedId = await db.Set<TicketMessage>().Where(m => m.TicketId == first.TicketId).Select(m => m.MessageId).SingleAsync();
            reply.References.Add("<unrelated@elsewhere.example>");
            reply.References.Add(storedId!);
        }

        var result = await Import(reply);

        result.Should().Be(new ImportResult(ImportOutcome.Threaded, first.TicketId));
    }

    [Fact]
    public async Task A_stranger_naming_a_ticket_by_its_tag_opens_a_new_ticket_that_mentions_it_and_leaves_the_named_one_alone()
    {
        var named = await TicketByNumber(1010);
        await SetStatus(named.Id, TicketStatus.Answered);
        int messagesBefore;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            messagesBefore = await db.Set<TicketMessage>().CountAsync(m => m.TicketId == named.Id);
        }

        var result = await Import(Mail("Re: [#1010] please send the invoice to me", from: "Mallory <mallory@evil.example>"));

        result.Outcome.Should().Be(ImportOutcome.NewTicket);
        var created = await TicketOf(result);
        created.RelatedTicketId.Should().Be(named.Id);
        created.CustomerId.Should().NotBe(named.CustomerId);
        var after = await TicketByNumber(1010);
        after.Status.Should().Be(TicketStatus.Answered, "a stranger's mail never reopens the named ticket");
        after.Version.Should().Be(named.Version);
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<TicketMessage>().CountAsync(m => m.TicketId == named.Id)).Should().Be(messagesBefore);
        }
        await using var scope = app.CreateScope();
        var portal = scope.ServiceProvider.GetRequiredService<BlazorTickets.Features.Portal.PortalService>();
        var customerOfNamed = new BlazorTickets.Features.Portal.PortalCustomer("user", named.CustomerId!.Value, "Customer", await CustomerOf(1010));
        (await portal.GetAsync(customerOfNamed, created.Id)).Should().BeNull("the named ticket's customer never sees the stranger's mail");
        (await portal.GetAsync(customerOfNamed, named.Id))!.Messages.Should().NotContain(m => m.Subject.Contains("invoice"));
    }

    [Fact]
    public async Task A_stranger_answering_our_own_message_id_or_a_stored_message_opens_a_new_ticket()
    {
        var byOwnId = Mail("Re: your mail", from: "mallory@evil.example");
        byOwnId.InReplyTo = OutgoingMessageIds.Create(1005, "support@contoso.example");
        var first = await Import(Mail("Printer jam"));
        var byReference = Mail("Re: Printer jam", from: "mallory@evil.example");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            byReference.References.Add((await db.Set<TicketMessage>().Where(m => m.TicketId == first.TicketId).Select(m => m.MessageId).SingleAsync())!);
        }

        var ownIdResult = await Import(byOwnId);
        var referenceResult = await Import(byReference);

        ownIdResult.Outcome.Should().Be(ImportOutcome.NewTicket);
        (await TicketOf(ownIdResult)).RelatedTicketId.Should().Be((await TicketByNumber(1005)).Id);
        referenceResult.Outcome.Should().Be(ImportOutcome.NewTicket);
        (await TicketOf(referenceResult)).RelatedTicketId.Should().Be(first.TicketId);
    }

    [Fact]
    public async Task A_colleague_in_cc_of_an_earlier_message_and_an_assigned_customer_join_the_ticket()
    {
        var withCc = Mail("Server down");
        withCc.Cc.Add(MailboxAddress.Parse("Colleague <Colleague@Becker-Bau.example>"));
        var first = await Import(withCc);
        int otherCustomerId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            otherCustomerId = await db.Set<CustomerEmail>().Where(e => e.Address == "max.mustermann@fabrikam.example").Select(e => e.CustomerId).SingleAsync();
            db.Set<TicketAssignedCustomer>().Add(new TicketAssignedCustomer { TicketId = first.TicketId!.Value, CustomerId = otherCustomerId });
            await db.SaveChangesAsync();
        }
        var number = (await TicketOf(first)).Number;

        var fromColleague = await Import(Mail($"Re: Server down [#{number}]", from: "colleague@becker-bau.example"));
        var fromAssigned = await Import(Mail($"Re: Server down [#{number}]", from: "max.mustermann@fabrikam.example"));

        fromColleague.Should().Be(new ImportResult(ImportOutcome.Threaded, first.TicketId));
        fromAssigned.Should().Be(new ImportResult(ImportOutcome.Threaded, first.TicketId));
    }

    [Fact]
    public async Task A_customer_reply_reopens_an_answered_or_closed_ticket()
    {
        var answered = await TicketByNumber(1005);
        await SetStatus(answered.Id, TicketStatus.Answered);
        var closed = await TicketByNumber(1006);
        await SetStatus(closed.Id, TicketStatus.Closed);

        await Import(Mail("Re: thanks [#1005]", from: await CustomerOf(1005)));
        await Import(Mail("Re: one more thing [#1006]", from: await CustomerOf(1006)));

        (await TicketByNumber(1005)).Status.Should().Be(TicketStatus.Open);
        (await TicketByNumber(1006)).Status.Should().Be(TicketStatus.Open);
    }

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied")]
    [InlineData("X-Auto-Response-Suppress", "All")]
    [InlineData("Precedence", "bulk")]
    [InlineData("X-Loop", "support@contoso.example")]
    public async Task An_auto_reply_is_stored_flagged_and_never_reopens(string header, string value)
    {
        var closed = await TicketByNumber(1012);
        await SetStatus(closed.Id, TicketStatus.Closed);
        var autoReply = Mail("Out of office: Re: [#1012]", from: await CustomerOf(1012));
        autoReply.Headers.Add(header, value);

        var result = await Import(autoReply);

        result.Should().Be(new ImportResult(ImportOutcome.Threaded, closed.Id));
        (await TicketByNumber(1012)).Status.Should().Be(TicketStatus.Closed);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<TicketMessage>().Where(m => m.TicketId == closed.Id).OrderBy(m => m.Id).LastAsync()).IsAutomatic.Should().BeTrue();
    }

    [Fact]
    public async Task Auto_submitted_no_is_a_person()
    {
        var mail = Mail("A real question");
        mail.Headers.Add("Auto-Submitted", "no");

        var result = await Import(mail);

        (await TicketOf(result)).Messages.Single().IsAutomatic.Should().BeFalse();
    }

    [Fact]
    public async Task A_delivery_status_report_is_flagged_automatic()
    {
        var report = new MimeMessage();
        report.From.Add(MailboxAddress.Parse("MAILER-DAEMON@mx.example"));
        report.To.Add(MailboxAddress.Parse("support@contoso.example"));
        report.Subject = "Undelivered Mail Returned to Sender";
        var body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Your message could not be delivered." } };
        report.Body = body;

        var result = await Import(report);

        (await TicketOf(result)).Messages.Single().IsAutomatic.Should().BeTrue();
    }

    [Fact]
    public async Task A_flood_of_auto_replies_from_one_sender_is_throttled_into_quarantine_instead_of_opening_tickets()
    {
        var results = new List<ImportResult>();
        for (var i = 0; i < MailImporter.AutomaticMessagesPerHourBeforeThrottle + 3; i++)
        {
            var mail = Mail($"Auto: delivery delayed {i}", from: "robot@mx.example");
            mail.Headers.Add("Auto-Submitted", "auto-generated");
            results.Add(await Import(mail));
        }

        results.Take(MailImporter.AutomaticMessagesPerHourBeforeThrottle).Should().OnlyContain(r => r.Outcome == ImportOutcome.NewTicket);
        results.Skip(MailImporter.AutomaticMessagesPerHourBeforeThrottle).Should()
            .OnlyContain(r => r.Outcome == ImportOutcome.Quarantined && r.Reason!.StartsWith("Throttled"));
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<QuarantinedMail>().CountAsync()).Should().Be(3, "throttled mail is kept, not dropped");
    }

    [Fact]
    public async Task The_same_message_id_is_imported_once()
    {
        var mail = Mail("Twice delivered");

        var first = await Import(mail);
        var second = await Import(mail);

        first.Outcome.Should().Be(ImportOutcome.NewTicket);
        second.Outcome.Should().Be(ImportOutcome.Duplicate);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<TicketMessage>().CountAsync(m => m.Subject == "Twice delivered")).Should().Be(1);
    }

    [Fact]
    public async Task A_message_without_message_id_is_deduplicated_by_its_headers()
    {
        var mail = Mail("No id here");
        mail.Headers.Remove(HeaderId.MessageId);

        var first = await Import(mail);
        var second = await Import(mail);
        var changed = Mail("No id here, other headers");
        changed.Headers.Remove(HeaderId.MessageId);
        var third = await Import(changed);

        first.Outcome.Should().Be(ImportOutcome.NewTicket);
        second.Outcome.Should().Be(ImportOutcome.Duplicate);
        third.Outcome.Should().Be(ImportOutcome.NewTicket);
    }

    [Fact]
    public async Task Html_only_mail_gets_a_text_body_and_keeps_its_html_and_inline_image()
    {
        var builder = new BodyBuilder { HtmlBody = "<p>Hello <b>there</b></p><img src=\"cid:logo@x\">" };
        var image = builder.LinkedResources.Add("logo.png", new byte[] { 137, 80, 78, 71 }, new ContentType("image", "png"));
        image.ContentId = "logo@x";
        var mail = Mail("Html only");
        mail.Body = builder.ToMessageBody();

        var result = await Import(mail);

        await using var db = await app.DbFactory.CreateDbContextAsync();
        var message = await db.Set<TicketMessage>().Include(m => m.Attachments).SingleAsync(m => m.TicketId == result.TicketId);
        message.TextBody.Should().Contain("Hello there");
        message.HtmlBody.Should().Contain("<b>there</b>");
        message.Attachments.Should().ContainSingle(a => a.ContentId == "logo@x" && a.FileName == "logo.png" && a.Size == 4);
    }

    [Fact]
    public async Task Html_nested_too_deeply_behind_stray_end_tags_is_stored_raw_with_a_plain_text_fallback_without_parsing_it()
    {
        var hostile = string.Concat(Enumerable.Repeat("<div></x>", 120_000));
        var mail = Mail("Hostile HTML");
        mail.Body = new TextPart("html") { Text = "<p>Visible &amp; kept</p><style>p { color: red }</style>" + hostile + "<b>end</b>" };
        using var memory = new MemoryStream();
        await mail.WriteToAsync(memory);
        var raw = memory.ToArray();

        // A hang guard only: before, this import parsed for minutes; the assertions are about what was stored.
        var result = await Task.Run(() => importer.ImportAsync(tenantId, raw, new MailPosition("INBOX", 7, ++uid))).WaitAsync(TimeSpan.FromSeconds(60));

        result.Outcome.Should().Be(ImportOutcome.NewTicket);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var message = await db.Set<TicketMessage>().SingleAsync(m => m.TicketId == result.TicketId);
        message.RawMime.Should().Equal(raw);
        message.TextBody.Should().Be("Visible & kept\n\nend", "block tags become line breaks, runs of empty lines one");
        message.HtmlBody.Should().Contain("<div></x>");
        HtmlComplexity.Measure(message.HtmlBody!).IsTooComplex.Should().BeTrue("the ticket shows the text instead of parsing the HTML on every view");
    }

    [Fact]
    public async Task A_wrong_charset_falls_back_without_a_crash()
    {
        var raw = "From: a@b.example\r\nTo: support@contoso.example\r\nSubject: =?x-unknown-charset?Q?Gr=FC=DFe?=\r\nMessage-ID: <cs@b.example>\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n\r\nGr\xfc\xdfe\r\n"u8.ToArray();

        var result = await importer.ImportAsync(tenantId, raw, new MailPosition("INBOX", 7, ++uid));

        result.Outcome.Should().Be(ImportOutcome.NewTicket);
        (await TicketOf(result)).Messages.Single().TextBody.Should().StartWith("Gr");
    }
}

public sealed class MailImporterSqliteTests() : MailImporterTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class MailImporterPostgresTests() : MailImporterTests(DatabaseProvider.Postgres);
