using StoredMailbox = BlazorTickets.Features.Mail.Mailbox;
using BlazorTickets.Features.Health;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Notifications;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Tests.Features.Health;

/// <summary>The mail server goes away and comes back: the app notices, tells the admins once, and resumes by itself.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailOutageTests : IAsyncLifetime
{
    private const string User = "support";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly AppFactory app = new()
    {
        Settings =
        {
            ["BlazorTickets:Mail:OutageAlertAfter"] = "00:00:02",
            ["BlazorTickets:Mail:HealthCheckInterval"] = "00:00:00.500",
            ["BlazorTickets:Mail:FetchBackoff:FirstDelay"] = "00:00:01",
            ["BlazorTickets:Mail:FetchBackoff:MaxDelay"] = "00:00:02",
        },
    };

    private DovecotServer dovecot = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartAsync(User);
        _ = app.Server;
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        // The alert mails only need to be queued; nothing listens on this port.
        db.Add(new SmtpSettings { TenantId = tenantId, Host = "127.0.0.1", Port = 9, Encryption = MailEncryption.None });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await dovecot.DisposeAsync();
    }

    private static MimeMessage Mail(int number)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("erika.muster@northwind.example"));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = $"Outage mail {number}";
        message.MessageId = $"outage-{number}@northwind.example";
        message.Body = new TextPart("plain") { Text = "Hello" };
        return message;
    }

    private async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > until)
            {
                await using var db = await app.DbFactory.CreateDbContextAsync();
                var mailbox = await db.Set<StoredMailbox>().AsNoTracking().SingleAsync();
                throw new TimeoutException($"Waited {Deadline.TotalSeconds} s for {what}; last value {value}. Mailbox: last run {mailbox.LastRunAt:O} " +
                    $"{mailbox.LastRunSummary} {mailbox.LastRunError}, failing since {mailbox.FailingSince:O}, last success {mailbox.LastSuccessAt:O}");
            }
            await Task.Delay(100);
        }
    }

    private async Task<int> ImportedAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<ImportedMail>().CountAsync(m => m.MessageKey.StartsWith("outage-"));
    }

    private async Task<MailboxHealthRow> RowAsync(int mailboxId) => (await app.Services.GetRequiredService<MailboxHealthService>().FindAsync(mailboxId))!;

    private sealed record Told(int Outages, int Recoveries, int OutageMails, int RecoveryMails);

    private async Task<Told> ToldAsync(string adminId)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var titles = await db.Set<UserNotification>().Where(n => n.UserId == adminId && n.Link == MailboxHealthService.PagePath).Select(n => n.Title).ToListAsync();
        var mails = await db.Set<OutboxMail>().Where(m => m.Recipients == "admin@contoso.example").Select(m => m.Subject).ToListAsync();
        return new Told(
            titles.Count(t => t.Contains("fetches no mail")), titles.Count(t => t.Contains("fetches mail again")),
            mails.Count(s => s.Contains("fetches no mail")), mails.Count(s => s.Contains("fetches mail again")));
    }

    [Fact]
    public async Task Dovecot_stopped_for_a_while_and_started_again()
    {
        string adminId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            adminId = await db.Users.Where(u => u.Email == "admin@contoso.example").Select(u => u.Id).SingleAsync();
            (await db.Set<UserGroupMembership>().AnyAsync(m => m.UserId == adminId && m.Group.Name == Groups.Admins)).Should().BeTrue();
        }
        await dovecot.AppendManyAsync(User, [Mail(1), Mail(2)]);
        var mailboxId = await app.Services.GetRequiredService<MailboxService>().PointAtAsync(tenantId, dovecot, User, input =>
        {
            input.PushEnabled = true;
            input.ScheduleEnabled = true;
            input.CronSchedule = "0/1 * * * * ?";
        });
        await WaitForAsync(ImportedAsync, n => n == 2, "the first two mails");
        await WaitForAsync(() => RowAsync(mailboxId), r => r.IdleConnected && r.State == MailboxHealthState.Ok, "the IDLE connection");

        var stoppedAt = DateTime.UtcNow;
        await dovecot.StopAsync();

        var failing = await WaitForAsync(() => RowAsync(mailboxId), r => r.State == MailboxHealthState.Failing, "the failing state");
        failing.FailingSince.Should().NotBeNull().And.BeOnOrAfter(stoppedAt.AddSeconds(-1));
        failing.LastError.Should().NotBeNullOrEmpty();
        await WaitForAsync(() => ToldAsync(adminId), t => t.Outages == 1 && t.OutageMails == 1, "the outage alert");
        // Several more failed fetches and monitor rounds: the outage is told once only.
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await RowAsync(mailboxId)).Should().BeEquivalentTo(new { State = MailboxHealthState.Failing, IdleConnected = false, failing.FailingSince });

        await dovecot.StartAgainAsync();
        var restartedAt = DateTime.UtcNow;
        await dovecot.AppendManyAsync(User, [Mail(3), Mail(4)]);

        await WaitForAsync(ImportedAsync, n => n == 4, "the mails after the restart");
        var recovered = await WaitForAsync(() => RowAsync(mailboxId), r => r.State == MailboxHealthState.Ok, "the recovery");
        recovered.FailingSince.Should().BeNull();
        recovered.LastSuccessAt.Should().BeOnOrAfter(restartedAt.AddSeconds(-1));
        await WaitForAsync(() => ToldAsync(adminId), t => t.Recoveries == 1 && t.RecoveryMails == 1, "the recovery notice");
        await WaitForAsync(() => RowAsync(mailboxId), r => r.IdleConnected, "IDLE connected again");
        // More fetches and monitor rounds: nothing is told twice, no mail imported twice.
        await dovecot.AppendManyAsync(User, [Mail(5)]);
        await WaitForAsync(ImportedAsync, n => n == 5, "a mail through the renewed connection");
        await Task.Delay(TimeSpan.FromSeconds(3));

        (await ToldAsync(adminId)).Should().Be(new Told(1, 1, 1, 1));
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var perKey = await db.Set<ImportedMail>().GroupBy(m => m.MessageKey).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
            perKey.Where(k => k.Key.StartsWith("outage-")).Should().HaveCount(5).And.OnlyContain(k => k.Count == 1);
            (await db.Set<StoredMailbox>().SingleAsync(m => m.Id == mailboxId)).OutageAlertedAt.Should().BeNull();
        }
    }
}
