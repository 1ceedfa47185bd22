using BlazorTickets.Features.Health;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Notifications;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Health;

/// <summary>A clock that stands still in a zone that is not UTC, so "today" of the server differs from UTC's.</summary>
public sealed class BerlinClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public override TimeZoneInfo LocalTimeZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
}

/// <summary>The numbers of the mailbox health page and the alerts to the admins, on a real SQLite file without a browser.</summary>
public sealed class MailboxHealthServiceTests : IAsyncLifetime
{
    // 10:30 UTC is 11:30 in Berlin (winter time): the server's day began at 23:00 UTC the evening before.
    private static readonly DateTimeOffset Now = new(2026, 3, 16, 10, 30, 0, TimeSpan.Zero);
    private static readonly DateTime StartOfBerlinDay = new(2026, 3, 15, 23, 0, 0, DateTimeKind.Utc);
    private readonly BerlinClock clock = new(Now);
    private TestServices app = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true, clock: clock);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<int> AddMailboxAsync(string name, Action<Mailbox>? change = null)
    {
        var mailbox = new Mailbox { TenantId = tenantId, Name = name, Address = $"{name}@contoso.example", Host = "imap.contoso.example", UserName = name };
        change?.Invoke(mailbox);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        db.Add(mailbox);
        await db.SaveChangesAsync();
        return mailbox.Id;
    }

    private int uid;

    private ImportedMail Imported(int mailboxId, DateTime at) => new()
    {
        TenantId = tenantId, MailboxId = mailboxId, Folder = "INBOX", UidValidity = 1, Uid = ++uid, MessageKey = $"<m{uid}@test>", ImportedAt = at,
    };

    private QuarantinedMail Quarantined(int mailboxId, DateTime at) => new()
    {
        TenantId = tenantId, MailboxId = mailboxId, Folder = "INBOX", UidValidity = 1, Uid = ++uid, Reason = "Too large", CreatedAt = at,
    };

    [Fact]
    public void Today_begins_at_midnight_of_the_servers_time_zone()
    {
        app.Get<MailboxHealthService>().StartOfTodayUtc().Should().Be(StartOfBerlinDay);
    }

    [Fact]
    public async Task Each_configured_mailbox_shows_its_messages_and_quarantine_of_the_servers_today_its_idle_flag_and_oldest_unfetched_uid()
    {
        var connected = Now.UtcDateTime.AddMinutes(-20);
        var support = await AddMailboxAsync("support", m =>
        {
            m.LastRunAt = m.LastSuccessAt = Now.UtcDateTime.AddMinutes(-1);
            m.PushConnectedSince = connected;
            m.OldestUnfetchedUid = 42;
        });
        var billing = await AddMailboxAsync("billing", m => m.PushEnabled = false);
        var failing = await AddMailboxAsync("failing", m =>
        {
            m.LastRunAt = Now.UtcDateTime.AddMinutes(-1);
            m.LastRunError = "The connection was refused.";
            m.FailingSince = Now.UtcDateTime.AddMinutes(-30);
        });
        var refused = await AddMailboxAsync("oauth", m =>
        {
            m.LastRunAt = m.LastSuccessAt = Now.UtcDateTime.AddHours(-2);
            m.OAuthError = "invalid_grant";
        });
        await AddMailboxAsync("unconfigured", m => m.Host = "");
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            db.AddRange(
                Imported(support, StartOfBerlinDay.AddMinutes(30)),   // today in Berlin, yesterday in UTC
                Imported(support, Now.UtcDateTime.AddMinutes(-5)),
                Imported(support, StartOfBerlinDay.AddMinutes(-30)),  // yesterday in Berlin
                Imported(billing, Now.UtcDateTime.AddHours(-1)),
                Imported(0, Now.UtcDateTime.AddHours(-1)));           // not from a mailbox
            db.AddRange(
                Quarantined(support, StartOfBerlinDay.AddMinutes(10)),
                Quarantined(support, StartOfBerlinDay.AddMinutes(-1)),
                Quarantined(billing, StartOfBerlinDay.AddDays(-3)));
            await db.SaveChangesAsync();
        }
        var health = app.Get<MailboxHealthService>();

        var rows = await health.ListAsync();

        rows.Select(r => r.Name).Should().BeEquivalentTo(["billing", "failing", "oauth", "support"], "unconfigured mailboxes are left out");
        var supportRow = rows.Single(r => r.MailboxId == support);
        supportRow.Should().BeEquivalentTo(new
        {
            TenantId = tenantId, Address = "support@contoso.example", MessagesToday = 2, QuarantinedToday = 1, IdleConnected = true,
            PushConnectedSince = (DateTime?)connected, OldestUnfetchedUid = (long?)42, State = MailboxHealthState.Ok,
        });
        supportRow.TenantName.Should().NotBeNullOrEmpty();
        rows.Single(r => r.MailboxId == billing).Should().BeEquivalentTo(new
        {
            MessagesToday = 1, QuarantinedToday = 0, IdleConnected = false, PushEnabled = false, OldestUnfetchedUid = (long?)null, State = MailboxHealthState.NeverFetched,
        });
        rows.Single(r => r.MailboxId == failing).Should().BeEquivalentTo(new
        {
            State = MailboxHealthState.Failing, FailingSince = (DateTime?)Now.UtcDateTime.AddMinutes(-30), LastError = "The connection was refused.", MessagesToday = 0,
        });
        rows.Single(r => r.MailboxId == refused).State.Should().Be(MailboxHealthState.NeedsReconnect);
        (await health.FindAsync(support)).Should().Be(supportRow, "the page re-reads a single row after a fetch");
    }

    private async Task<(int Outages, int Recoveries, int Reconnects, int Mails)> ToldAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var titles = await db.Set<UserNotification>().Where(n => n.Link == MailboxHealthService.PagePath).Select(n => n.Title).ToListAsync();
        var mails = await db.Set<OutboxMail>().CountAsync(m => m.Recipients == "admin@contoso.example");
        return (titles.Count(t => t.Contains("fetches no mail")), titles.Count(t => t.Contains("fetches mail again")), titles.Count(t => t.Contains("connected again")), mails);
    }

    private async Task UpdateAsync(int mailboxId, Action<Mailbox> change)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var mailbox = await db.Set<Mailbox>().SingleAsync(m => m.Id == mailboxId);
        change(mailbox);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task An_outage_is_told_once_after_the_configured_time_and_its_recovery_once_and_a_mailbox_to_reconnect_once()
    {
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            db.Add(new SmtpSettings { TenantId = tenantId, Host = "smtp.contoso.example" });
            await db.SaveChangesAsync();
        }
        int admins;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            admins = await db.Set<UserGroupMembership>().CountAsync(m => m.Group.Name == Groups.Admins);
        }
        admins.Should().BeGreaterThan(0);
        var mailboxId = await AddMailboxAsync("support", m =>
        {
            m.LastRunAt = Now.UtcDateTime;
            m.LastSuccessAt = Now.UtcDateTime.AddMinutes(-10);
            m.FailingSince = Now.UtcDateTime.AddMinutes(-9);
            m.LastRunError = "refused";
        });
        var alerts = app.Get<MailboxAlerts>();

        (await alerts.CheckAsync()).Should().BeEmpty("the last success is 10 minutes old, the default limit is 15");
        clock.Now = Now.AddMinutes(6);
        var told = await Task.WhenAll(alerts.CheckAsync(), alerts.CheckAsync());
        (await alerts.CheckAsync()).Should().BeEmpty();

        told.SelectMany(t => t).Select(a => a.Kind).Should().Equal(MailboxAlertKind.Outage);
        (await ToldAsync()).Should().Be((admins, 0, 0, 1));

        await UpdateAsync(mailboxId, m =>
        {
            m.LastRunAt = m.LastSuccessAt = Now.UtcDateTime.AddMinutes(7);
            m.FailingSince = null;
            m.LastRunError = null;
        });
        clock.Now = Now.AddMinutes(7);
        (await alerts.CheckAsync()).Select(a => a.Kind).Should().Equal(MailboxAlertKind.Recovered);
        (await alerts.CheckAsync()).Should().BeEmpty();
        (await ToldAsync()).Should().Be((admins, admins, 0, 2));

        await UpdateAsync(mailboxId, m => m.OAuthError = "invalid_grant");
        (await alerts.CheckAsync()).Select(a => a.Kind).Should().Equal(MailboxAlertKind.NeedsReconnect);
        (await alerts.CheckAsync()).Should().BeEmpty();
        await UpdateAsync(mailboxId, m => m.OAuthError = null);
        (await alerts.CheckAsync()).Should().BeEmpty("connecting again is not announced");
        await UpdateAsync(mailboxId, m => m.OAuthError = "invalid_grant");
        (await alerts.CheckAsync()).Select(a => a.Kind).Should().Equal([MailboxAlertKind.NeedsReconnect], "a new refusal after reconnecting is a new alert");
        (await ToldAsync()).Should().Be((admins, admins, 2 * admins, 4));
    }
}
