using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using MailKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>A tenant with support@ and billing@: each mailbox fetched on its own, and a mail to both is one ticket.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public abstract class SeveralMailboxesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Support = "support";
    private const string Billing = "billing";
    private TestServices app = null!;
    private DovecotServer dovecot = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartAsync(Support, Billing);
        app = await TestServices.CreateAsync(seedDemoData: true, provider: provider);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await dovecot.DisposeAsync();
    }

    private Task<int> PointAtAsync(string user, Action<MailboxInput>? change = null) =>
        app.Get<MailboxService>().PointAtAsync(tenantId, dovecot, user, input =>
        {
            input.Name = user;
            input.Address = $"{user}@contoso.example";
            input.ScheduleEnabled = false;
            input.PushEnabled = false;
            change?.Invoke(input);
        });

    private static MimeMessage Mail(string subject, string messageId, string from = "Jonas Becker <jonas@becker-bau.example>", string? inReplyTo = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Cc.Add(MailboxAddress.Parse("billing@contoso.example"));
        message.Subject = subject;
        message.MessageId = messageId;
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
        }
        message.Date = FixedTimeProvider.DefaultNow.AddMinutes(-1);
        message.Body = new TextPart("plain") { Text = "Hello" };
        return message;
    }

    [Fact]
    public async Task A_mail_to_two_mailboxes_of_a_tenant_makes_one_ticket_and_the_reply_to_both_threads_into_it()
    {
        var support = await PointAtAsync(Support);
        var billing = await PointAtAsync(Billing);
        var first = Mail("Invoice and printer", "first@becker-bau.example");
        await dovecot.AppendAsync(Support, first);
        await dovecot.AppendAsync(Billing, first);

        var fetches = await Task.WhenAll(app.Get<MailFetchService>().FetchMailboxAsync(support), app.Get<MailFetchService>().FetchMailboxAsync(billing));
        var reply = Mail("Re: Invoice and printer", "second@becker-bau.example", inReplyTo: "first@becker-bau.example");
        await dovecot.AppendAsync(Billing, reply);
        await dovecot.AppendAsync(Support, reply);
        var tenantFetch = await app.Get<MailFetchService>().FetchTenantAsync(tenantId);

        fetches.Should().OnlyContain(f => f.Succeeded);
        fetches.Sum(f => f.NewTickets).Should().Be(1);
        fetches.Sum(f => f.Duplicates).Should().Be(1, "the second mailbox's copy is the same message");
        tenantFetch.Succeeded.Should().BeTrue(tenantFetch.Error);
        (tenantFetch.Threaded, tenantFetch.Duplicates, tenantFetch.NewTickets).Should().Be((1, 1, 0));
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tickets = await db.Set<Ticket>().Where(t => t.Subject == "Invoice and printer").Include(t => t.Messages).ToListAsync();
        tickets.Should().ContainSingle().Which.Messages.Select(m => m.MessageId).Should().BeEquivalentTo(["first@becker-bau.example", "second@becker-bau.example"]);
        foreach (var user in new[] { Support, Billing })
        {
            (await dovecot.ListAsync(user)).Should().OnlyContain(m => m.Flags.HasFlag(MessageFlags.Seen), "{0}'s copies were handled too", user);
        }
    }

    [Fact]
    public async Task New_tickets_get_their_mailbox_its_default_handler_and_the_group_as_watchers()
    {
        string annaId, carlaId;
        int seniorGroupId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            annaId = await db.Users.Where(u => u.Email == "anna@contoso.example").Select(u => u.Id).SingleAsync();
            carlaId = await db.Users.Where(u => u.Email == "carla@contoso.example").Select(u => u.Id).SingleAsync();
            seniorGroupId = await db.Set<UserGroup>().Where(g => g.Name == Groups.SeniorSupport).Select(g => g.Id).SingleAsync();
        }
        await PointAtAsync(Support);
        var billing = await PointAtAsync(Billing, input =>
        {
            input.DefaultHandlerId = annaId;
            input.DefaultWatcherGroupId = seniorGroupId;
        });
        await dovecot.AppendAsync(Billing, Mail("Wrong invoice", "invoice@becker-bau.example"));
        await dovecot.AppendAsync(Support, Mail("Printer jam", "printer@becker-bau.example"));

        (await app.Get<MailFetchService>().FetchTenantAsync(tenantId)).NewTickets.Should().Be(2);

        await using var check = await app.DbFactory.CreateDbContextAsync();
        var invoice = await check.Set<Ticket>().Include(t => t.Watchers).SingleAsync(t => t.Subject == "Wrong invoice");
        (invoice.MailboxId, invoice.HandlerId, invoice.HandlerName).Should().Be((billing, annaId, "Anna Agent"));
        invoice.Watchers.Select(w => w.UserId).Should().Equal(carlaId);
        var printer = await check.Set<Ticket>().Include(t => t.Watchers).SingleAsync(t => t.Subject == "Printer jam");
        printer.HandlerId.Should().BeNull("the support mailbox names no handler");
        printer.Watchers.Should().BeEmpty();
        printer.MailboxId.Should().NotBe(billing).And.NotBeNull();
    }

    [Fact]
    public async Task A_broken_mailbox_does_not_keep_the_tenants_other_mailbox_from_importing()
    {
        await PointAtAsync(Support, input => input.Port = 1);
        await PointAtAsync(Billing);
        await dovecot.AppendAsync(Billing, Mail("Still arrives", "arrives@becker-bau.example"));

        var summary = await app.Get<MailFetchService>().FetchTenantAsync(tenantId);

        summary.NewTickets.Should().Be(1);
        summary.Error.Should().StartWith("support: ").And.Contain("refused the connection");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var mailboxes = await db.Set<Mailbox>().AsNoTracking().ToDictionaryAsync(m => m.UserName);
        mailboxes[Support].FailingSince.Should().NotBeNull();
        mailboxes[Support].LastSuccessAt.Should().BeNull();
        mailboxes[Billing].LastSuccessAt.Should().NotBeNull();
        mailboxes[Billing].FailingSince.Should().BeNull();
    }

    [Fact]
    public async Task The_single_mailbox_of_before_migrates_with_its_uid_state_and_the_next_fetch_takes_only_new_mail()
    {
        await using var old = await TestServices.CreateAsync(initializeDatabase: false, provider: provider);
        for (var i = 1; i <= 3; i++)
        {
            await dovecot.AppendAsync(Support, Mail($"Old {i}", $"old-{i}@becker-bau.example"));
        }
        var uidValidity = await dovecot.UidValidityAsync(Support);
        int oldTenantId;
        await using (var db = await old.DbFactory.CreateDbContextAsync())
        {
            var all = db.Database.GetMigrations().ToList();
            await db.GetService<IMigrator>().MigrateAsync(all[all.FindIndex(m => m.EndsWith("_SeveralMailboxesPerTenant", StringComparison.Ordinal)) - 1]);
            var tenant = new Tenant { Name = "Before several mailboxes" };
            db.Set<Tenant>().Add(tenant);
            await db.SaveChangesAsync();
            oldTenantId = tenant.Id;
            var password = old.Get<MailboxConnector>().Protect(DovecotServer.PasswordOf(Support));
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "MailboxSettings" ("TenantId", "Host", "Port", "Encryption", "UserName", "ProtectedPassword", "Folder", "AfterImport",
                    "MaxMessageBytes", "ScheduleEnabled", "CronSchedule", "PushEnabled", "LastRunAt")
                VALUES ({tenant.Id}, {dovecot.Host}, {dovecot.Port}, 0, {Support}, {password}, 'INBOX', 0, 1000000, {false}, '0 0/2 * * * ?', {false}, {new DateTime(2026, 11, 30)})
                """);
            // The first two messages were imported before the upgrade.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "MailFolderStates" ("TenantId", "Folder", "UidValidity", "HighestUid") VALUES ({tenant.Id}, 'INBOX', {(long)uidValidity}, 2)
                """);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "ImportedMails" ("TenantId", "Folder", "UidValidity", "Uid", "MessageKey", "ImportedAt", "AfterImportApplied")
                VALUES ({tenant.Id}, 'INBOX', {(long)uidValidity}, 2, 'old-2@becker-bau.example', {new DateTime(2026, 11, 30)}, {true})
                """);
        }

        await using (var scope = old.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        }

        await using (var db = await old.DbFactory.CreateDbContextAsync())
        {
            var mailbox = await db.Set<Mailbox>().AsNoTracking().SingleAsync();
            (mailbox.Id, mailbox.TenantId, mailbox.UserName, mailbox.Folders, mailbox.LastSuccessAt).Should().Be((oldTenantId, oldTenantId, Support, "INBOX", new DateTime(2026, 11, 30)));
            (await db.Set<MailFolderState>().SingleAsync()).MailboxId.Should().Be(mailbox.Id);
            (await db.Set<ImportedMail>().SingleAsync()).MailboxId.Should().Be(mailbox.Id);
        }
        var summary = await old.Get<MailFetchService>().FetchMailboxAsync(oldTenantId);
        summary.Succeeded.Should().BeTrue(summary.Error);
        summary.Fetched.Should().Be(1, "UIDs 1 and 2 were committed before the upgrade");
        await using (var db = await old.DbFactory.CreateDbContextAsync())
        {
            (await db.Set<Ticket>().Select(t => t.Subject).ToListAsync()).Should().Equal("Old 3");
        }
        var second = await old.Get<MailboxService>().CreateAsync(oldTenantId, new MailboxInput
        {
            Name = "Billing", Host = dovecot.Host, Port = dovecot.Port, Encryption = MailEncryption.None, UserName = Billing, NewPassword = DovecotServer.PasswordOf(Billing),
        });
        second.Errors.Should().BeEmpty();
        second.MailboxId.Should().BeGreaterThan(oldTenantId, "new mailboxes are numbered after the migrated ones");
    }
}

public sealed class SeveralMailboxesSqliteTests() : SeveralMailboxesTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class SeveralMailboxesPostgresTests() : SeveralMailboxesTests(DatabaseProvider.Postgres);
