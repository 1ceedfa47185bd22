using StoredMailbox = BlazorTickets.Features.Mail.Mailbox;
using System.Net;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>The scheduled Quartz job and IMAP IDLE push, inside the running app.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailBackgroundFetchTests : IAsyncLifetime
{
    private const string Mailbox = "support";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly AppFactory app = new();
    private DovecotServer dovecot = null!;
    private int tenantId;
    private int mailboxId;

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartAsync(Mailbox);
        _ = app.Server;
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await dovecot.DisposeAsync();
    }

    private async Task ConfigureAsync(bool schedule, bool push, string cron = StoredMailbox.DefaultCron) =>
        mailboxId = await app.Services.GetRequiredService<MailboxService>().PointAtAsync(tenantId, dovecot, Mailbox, input =>
        {
            input.ScheduleEnabled = schedule;
            input.PushEnabled = push;
            input.CronSchedule = cron;
        });

    private static MimeMessage Mail(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("erika.muster@northwind.example"));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello" };
        return message;
    }

    private async Task WaitForTicketAsync(string subject)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            await using var db = await app.DbFactory.CreateDbContextAsync();
            if (await db.Set<Ticket>().AnyAsync(t => t.Subject == subject))
            {
                return;
            }
            if (DateTime.UtcNow > until)
            {
                var settings = await db.Set<StoredMailbox>().AsNoTracking().SingleAsync();
                throw new TimeoutException($"No ticket \"{subject}\" after {Deadline.TotalSeconds} s. Last run: {settings.LastRunSummary} {settings.LastRunError}");
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Run_now_on_the_jobs_page_fetches_through_the_quartz_job_and_records_the_run()
    {
        await ConfigureAsync(schedule: false, push: false);
        await dovecot.AppendAsync(Mailbox, Mail("Via Quartz"));

        await app.Services.GetRequiredService<MailSchedule>().RunNowAsync(mailboxId);

        await WaitForTicketAsync("Via Quartz");
        var until = DateTime.UtcNow + Deadline;
        StoredMailbox settings;
        do
        {
            await Task.Delay(50);
            await using var db = await app.DbFactory.CreateDbContextAsync();
            settings = await db.Set<StoredMailbox>().AsNoTracking().SingleAsync();
        }
        while (settings.LastRunAt is null && DateTime.UtcNow < until);
        settings.LastRunAt.Should().NotBeNull("the job records its run when it finishes");
        settings.LastRunError.Should().BeNull();
        settings.LastRunSummary.Should().StartWith("fetched 1, new tickets 1");
    }

    [Fact]
    public async Task The_cron_schedule_fetches_by_itself()
    {
        await dovecot.AppendAsync(Mailbox, Mail("Via schedule"));

        await ConfigureAsync(schedule: true, push: false, cron: "0/1 * * * * ?");

        await WaitForTicketAsync("Via schedule");
    }

    [Fact]
    public async Task Idle_push_imports_new_mail_without_the_schedule()
    {
        var push = app.Services.GetRequiredService<MailPushService>();
        var fetches = new List<FetchSummary>();
        push.Fetched += (_, summary) => { lock (fetches) fetches.Add(summary); };
        await ConfigureAsync(schedule: false, push: true);
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            lock (fetches)
            {
                if (fetches.Count > 0)
                {
                    break;
                }
            }
            DateTime.UtcNow.Should().BeBefore(until, "the push connection fetches once when it connects");
            await Task.Delay(50);
        }

        await dovecot.AppendAsync(Mailbox, Mail("Via IDLE"));

        await WaitForTicketAsync("Via IDLE");
        // The push reports its fetch once the fetch has recorded its run, a moment after the ticket is visible.
        var reported = DateTime.UtcNow + Deadline;
        bool pushed;
        do
        {
            await Task.Delay(20);
            lock (fetches)
            {
                pushed = fetches.Any(f => f.NewTickets == 1);
            }
        }
        while (!pushed && DateTime.UtcNow < reported);
        pushed.Should().BeTrue("the ticket came in through a push-triggered fetch");
    }

    [Fact]
    public async Task The_jobs_page_lists_the_mailbox_job_for_admins_only()
    {
        await ConfigureAsync(schedule: true, push: false);
        using var admin = await app.SignedInClientAsync("admin@contoso.example", DemoDataSeeder.Password);
        using var agent = await app.SignedInClientAsync("anna@contoso.example", DemoDataSeeder.Password);

        var page = await admin.GetStringAsync("/system/interfaces/plugins/ticket-system");
        var refused = await agent.GetAsync("/system/interfaces/plugins/ticket-system");

        page.Should().Contain("Ticket system / Customer contact").And.Contain(DemoDataSeeder.TenantName).And.Contain("0 0/2 * * * ?");
        refused.StatusCode.Should().Be(HttpStatusCode.Redirect);
        refused.Headers.Location!.AbsolutePath.Should().Be("/account/access-denied");
    }
}
