using StoredMailbox = BlazorTickets.Features.Mail.Mailbox;
using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using MailKit;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>The fetch through a real Dovecot over IMAP, as the "Refresh messages" button runs it.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public abstract class MailFetchTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Mailbox = "support";
    private TestServices app = null!;
    private DovecotServer dovecot = null!;
    private int tenantId;
    private int mailboxId;

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartAsync(Mailbox);
        app = await TestServices.CreateAsync(seedDemoData: true, provider: provider);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        mailboxId = await ConfigureAsync(_ => { });
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await dovecot.DisposeAsync();
    }

    private Task<int> ConfigureAsync(Action<MailboxInput> change) =>
        app.Get<MailboxService>().PointAtAsync(tenantId, dovecot, Mailbox, change);

    private static MimeMessage Mail(string subject, int size = 0, string from = "Jonas Becker <jonas@becker-bau.example>")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("becker-bau.example");
        message.Date = FixedTimeProvider.DefaultNow.AddMinutes(-1);
        message.Body = new TextPart("plain") { Text = size == 0 ? "Hello" : new string('x', size) };
        return message;
    }

    private Task<FetchSummary> FetchAsync(IProgress<FetchProgress>? progress = null) =>
        app.Get<MailFetchService>().FetchTenantAsync(tenantId, progress);

    private async Task<int> InboundCount(string subjectPrefix)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<TicketMessage>().CountAsync(m => m.Direction == MessageDirection.Inbound && m.Subject.StartsWith(subjectPrefix));
    }

    [Fact]
    public async Task New_mail_becomes_tickets_is_flagged_seen_afterwards_and_is_not_fetched_twice()
    {
        await dovecot.AppendManyAsync(Mailbox, [Mail("Fetch A"), Mail("Fetch B"), Mail("Fetch C")]);

        var first = await FetchAsync();
        var second = await FetchAsync();

        first.Should().Be(first with { Fetched = 3, NewTickets = 3, Threaded = 0, Duplicates = 0, Quarantined = 0, Error = null });
        second.Fetched.Should().Be(0);
        (await InboundCount("Fetch ")).Should().Be(3);
        (await dovecot.ListAsync(Mailbox)).Should().OnlyContain(m => m.Flags.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task Mail_another_client_already_read_is_still_imported()
    {
        var uid = await dovecot.AppendAsync(Mailbox, Mail("Read elsewhere"));
        await dovecot.MarkSeenAsync(Mailbox, uid);

        var summary = await FetchAsync();

        summary.NewTickets.Should().Be(1);
        (await InboundCount("Read elsewhere")).Should().Be(1);
    }

    [Fact]
    public async Task A_reply_over_imap_joins_its_ticket_and_reopens_it()
    {
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<Ticket>().Where(t => t.Number == 1004).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Answered));
        }
        var customer = await CustomerAddressOfAsync(1004);
        var byOurId = Mail("Thanks", from: customer);
        byOurId.InReplyTo = OutgoingMessageIds.Create(1004, "support@contoso.example");
        await dovecot.AppendManyAsync(Mailbox, [byOurId, Mail("Re: status? [#1004]", from: customer)]);

        var summary = await FetchAsync();

        summary.Threaded.Should().Be(2);
        await using var check = await app.DbFactory.CreateDbContextAsync();
        var ticket = await check.Set<Ticket>().Include(t => t.Messages).SingleAsync(t => t.Number == 1004);
        ticket.Status.Should().Be(TicketStatus.Open);
        ticket.Messages.Should().Contain(m => m.Subject == "Thanks").And.Contain(m => m.Subject == "Re: status? [#1004]");
    }

    private async Task<string> CustomerAddressOfAsync(int number)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var customerId = await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.CustomerId).SingleAsync();
        return await db.Set<CustomerEmail>().Where(e => e.CustomerId == customerId).OrderBy(e => e.Id).Select(e => e.Address).FirstAsync();
    }

    [Fact]
    public async Task A_stranger_naming_a_ticket_over_imap_gets_a_ticket_of_their_own_that_mentions_it()
    {
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            await db.Set<Ticket>().Where(t => t.Number == 1004).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TicketStatus.Answered));
        }
        await dovecot.AppendAsync(Mailbox, Mail("Re: status? [#1004] send me the files", from: "mallory@evil.example"));

        var summary = await FetchAsync();

        summary.NewTickets.Should().Be(1);
        summary.Threaded.Should().Be(0);
        await using var check = await app.DbFactory.CreateDbContextAsync();
        var named = await check.Set<Ticket>().Include(t => t.Messages).SingleAsync(t => t.Number == 1004);
        named.Status.Should().Be(TicketStatus.Answered);
        named.Messages.Should().NotContain(m => m.Subject.Contains("send me the files"));
        var created = await check.Set<Ticket>().SingleAsync(t => t.Subject == "Re: status? [#1004] send me the files");
        created.RelatedTicketId.Should().Be(named.Id);
    }

    [Fact]
    public async Task A_new_uidvalidity_rescans_without_importing_anything_twice()
    {
        await dovecot.AppendManyAsync(Mailbox, [Mail("Before 1"), Mail("Before 2")]);
        (await FetchAsync()).NewTickets.Should().Be(2);

        await dovecot.ChangeUidValidityAsync(Mailbox);
        await dovecot.AppendAsync(Mailbox, Mail("After change"));
        var summary = await FetchAsync();

        summary.Should().Be(summary with { Fetched = 3, NewTickets = 1, Duplicates = 2, Error = null });
        (await InboundCount("Before ")).Should().Be(2);
        (await InboundCount("After change")).Should().Be(1);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_quarantined_with_its_headers_and_left_in_the_mailbox()
    {
        await ConfigureAsync(input => input.MaxMessageMegabytes = 1);
        var bigUid = await dovecot.AppendAsync(Mailbox, Mail("Too big", size: 1_300_000));
        await dovecot.AppendAsync(Mailbox, Mail("Small one"));

        var summary = await FetchAsync();

        summary.Should().Be(summary with { Fetched = 2, NewTickets = 1, Quarantined = 1, Error = null });
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var quarantined = await db.Set<QuarantinedMail>().SingleAsync();
        quarantined.Subject.Should().Be("Too big");
        quarantined.RawIsComplete.Should().BeFalse();
        quarantined.Reason.Should().Contain("Larger than the limit of 1 MB");
        var big = (await dovecot.ListAsync(Mailbox)).Single(m => m.Uid == bigUid);
        big.Flags.HasFlag(MessageFlags.Seen).Should().BeFalse("a message we could not store whole is left untouched");

        await ConfigureAsync(input => input.MaxMessageMegabytes = 5);
        (await app.Get<MailQuarantineService>().RetryAsync(quarantined.Id)).Ok.Should().BeTrue();
        var again = await FetchAsync();
        again.NewTickets.Should().Be(1);
        (await InboundCount("Too big")).Should().Be(1);
    }

    [Fact]
    public async Task A_connection_dropped_mid_fetch_loses_nothing_and_the_next_fetch_continues()
    {
        var count = MailFetchService.BatchSize + 50;
        await dovecot.AppendManyAsync(Mailbox, Enumerable.Range(1, count).Select(i => Mail($"Bulk {i:000}")));
        var kicked = false;
        var progress = new SynchronousProgress(p =>
        {
            if (!kicked && p.Done >= MailFetchService.BatchSize)
            {
                kicked = true;
                dovecot.KickAsync(Mailbox).GetAwaiter().GetResult();
            }
        });

        var interrupted = await FetchAsync(progress);
        var resumed = await FetchAsync();

        kicked.Should().BeTrue();
        interrupted.Error.Should().Contain("connection to the mail server was lost");
        interrupted.Fetched.Should().BeLessThan(count);
        (interrupted.NewTickets + resumed.NewTickets).Should().Be(count);
        (await InboundCount("Bulk ")).Should().Be(count);
        (await dovecot.ListAsync(Mailbox)).Should().OnlyContain(m => m.Flags.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task Move_after_import_moves_the_message_only_after_it_was_stored()
    {
        await dovecot.CreateFolderAsync(Mailbox, "Imported");
        await ConfigureAsync(input =>
        {
            input.AfterImport = AfterImportAction.MoveToFolder;
            input.MoveToFolder = "Imported";
        });
        await dovecot.AppendManyAsync(Mailbox, [Mail("Move me 1"), Mail("Move me 2")]);

        var summary = await FetchAsync();

        summary.NewTickets.Should().Be(2);
        (await dovecot.ListAsync(Mailbox)).Should().BeEmpty();
        (await dovecot.ListAsync(Mailbox, "Imported")).Should().HaveCount(2);
    }

    [Fact]
    public async Task Delete_after_import_removes_the_message_from_the_mailbox()
    {
        await ConfigureAsync(input => input.AfterImport = AfterImportAction.Delete);
        await dovecot.AppendManyAsync(Mailbox, [Mail("Delete me")]);

        (await FetchAsync()).NewTickets.Should().Be(1);

        (await dovecot.ListAsync(Mailbox)).Should().BeEmpty();
        (await InboundCount("Delete me")).Should().Be(1);
    }

    [Fact]
    public async Task Two_fetches_at_once_share_the_lock_and_import_each_message_once()
    {
        await dovecot.AppendManyAsync(Mailbox, Enumerable.Range(1, 40).Select(i => Mail($"Parallel {i}")));

        var results = await Task.WhenAll(FetchAsync(), FetchAsync(), FetchAsync());

        results.Should().OnlyContain(r => r.Succeeded);
        results.Sum(r => r.NewTickets).Should().Be(40);
        (await InboundCount("Parallel ")).Should().Be(40);
    }

    [Fact]
    public async Task Test_connection_explains_a_wrong_password_and_a_missing_folder()
    {
        var settings = app.Get<MailboxService>();
        var input = (await settings.GetAsync(mailboxId))!;

        input.NewPassword = "wrong";
        var wrongPassword = await settings.TestConnectionAsync(mailboxId, input);
        input.NewPassword = null;
        input.Folders = "NoSuchFolder";
        var missingFolder = await settings.TestConnectionAsync(mailboxId, input);
        input.Folders = "INBOX";
        var ok = await settings.TestConnectionAsync(mailboxId, input);
        input.Encryption = MailEncryption.SslTls;
        var tlsOnPlainPort = await settings.TestConnectionAsync(mailboxId, input);
        input.Encryption = MailEncryption.None;
        input.Port = 1;
        var refused = await settings.TestConnectionAsync(mailboxId, input);

        wrongPassword.Should().Be((false, "The server refused the user name or password for support."));
        missingFolder.Should().Be((false, "The folder \"NoSuchFolder\" does not exist in this mailbox."));
        ok.Ok.Should().BeTrue();
        ok.Message.Should().Contain("supports IDLE");
        tlsOnPlainPort.Ok.Should().BeFalse();
        tlsOnPlainPort.Message.Should().Contain("TLS");
        refused.Ok.Should().BeFalse();
        refused.Message.Should().Contain("refused the connection");
    }

    [Fact]
    public async Task The_password_is_stored_protected_not_in_plain_text()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var stored = await db.Set<StoredMailbox>().Select(s => s.ProtectedPassword).SingleAsync();

        stored.Should().NotBeNullOrEmpty().And.NotContain(DovecotServer.PasswordOf(Mailbox));
        (await app.Get<MailboxService>().GetAsync(mailboxId))!.NewPassword.Should().BeNull("the password never goes back to the browser");
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the kick must happen between two batches, so call inline.</summary>
    private sealed class SynchronousProgress(Action<FetchProgress> report) : IProgress<FetchProgress>
    {
        public void Report(FetchProgress value) => report(value);
    }
}

[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailFetchSqliteTests() : MailFetchTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.MailServer)]
[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class MailFetchPostgresTests() : MailFetchTests(DatabaseProvider.Postgres);
