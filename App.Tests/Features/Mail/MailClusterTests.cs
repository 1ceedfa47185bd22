using StoredMailbox = BlazorTickets.Features.Mail.Mailbox;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;
using Quartz;
using Xunit.Abstractions;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>Two app nodes on one PostgreSQL database and one mailbox: the schedule, IDLE push and a node that dies.</summary>
[Trait(TestCategories.Category, TestCategories.Postgres)]
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed partial class MailClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Mailbox = "support";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private DovecotServer dovecot = null!;
    private TestDatabase database = null!;

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartAsync(Mailbox);
        database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
    }

    public async Task DisposeAsync()
    {
        await dovecot.DisposeAsync();
        await database.DisposeAsync();
    }

    private static MimeMessage Mail(string id)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("erika.muster@northwind.example"));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = "Cluster " + id;
        message.MessageId = $"{id}@cluster.example";
        message.Body = new TextPart("plain") { Text = "Hello from " + id };
        return message;
    }

    private static async Task<int> TenantIdAsync(IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    private static async Task<int> ImportedCountAsync(IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Set<ImportedMail>().CountAsync();
    }

    /// <summary>Each message id of the mailbox as a ticket message, with how often it was imported.</summary>
    private static async Task<Dictionary<string, int>> ImportedMessagesAsync(IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var ids = await db.Set<TicketMessage>().Where(m => m.MessageId != null).Select(m => m.MessageId!).ToListAsync();
        return ids.Where(id => id.EndsWith("@cluster.example", StringComparison.Ordinal)).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
    }

    private static async Task<string> LastRunAsync(IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var settings = await db.Set<StoredMailbox>().AsNoTracking().SingleAsync();
        return $"last run {settings.LastRunAt}: {settings.LastRunSummary} {settings.LastRunError}; imported {await db.Set<ImportedMail>().CountAsync()}, tickets {await db.Set<Ticket>().CountAsync()}, quarantined {string.Join(" / ", await db.Set<QuarantinedMail>().Select(q => q.Reason).Take(2).ToListAsync())}, folder states {string.Join(",", await db.Set<MailFolderState>().Select(f => f.Folder + ":" + f.HighestUid).ToListAsync())}";
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(until, because);
            await Task.Delay(50);
        }
    }

    private sealed class FireRecorder(string node, ConcurrentQueue<(string Node, TriggerKey Trigger, DateTimeOffset Scheduled)> fires) : IJobListener
    {
        public string Name => "fires-" + node;

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            fires.Enqueue((node, context.Trigger.Key, context.ScheduledFireTimeUtc ?? context.FireTimeUtc));
            return ValueTask.CompletedTask;
        }

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;

        public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_scheduled_fetch_fires_on_one_node_only_and_each_message_is_imported_once()
    {
        const int count = 30;
        await using var nodeA = new AppFactory { Database = database };
        _ = nodeA.Server;
        await using var nodeB = new AppFactory { Database = database, SeedDemoData = false };
        _ = nodeB.Server;
        var tenantId = await TenantIdAsync(nodeA.DbFactory);
        var fires = new ConcurrentQueue<(string Node, TriggerKey Trigger, DateTimeOffset Scheduled)>();
        var schedulers = new List<IScheduler>();
        foreach (var (name, node) in new[] { ("A", nodeA), ("B", nodeB) })
        {
            var scheduler = await node.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            (await scheduler.GetMetadata()).JobStoreClustered.Should().BeTrue("node {0} shares the clustered job store", name);
            scheduler.ListenerManager.AddJobListener(new FireRecorder(name, fires), [GroupMatcher<JobKey>.GroupEquals(MailFetchJob.Group)]);
            schedulers.Add(scheduler);
        }
        schedulers[0].SchedulerInstanceId.Should().NotBe(schedulers[1].SchedulerInstanceId);
        (await schedulers[0].QueryClusterNodes()).Should().HaveCountGreaterThanOrEqualTo(2, "both nodes checked in to the cluster");
        await dovecot.AppendManyAsync(Mailbox, Enumerable.Range(1, count).Select(i => Mail($"scheduled-{i}")));

        var mailboxId = await nodeA.Services.GetRequiredService<MailboxService>().PointAtAsync(tenantId, dovecot, Mailbox, input =>
        {
            input.ScheduleEnabled = true;
            input.PushEnabled = false;
            input.CronSchedule = "0/2 * * * * ?";
        });
        await WaitUntilAsync(() => Task.FromResult(fires.Count >= 6), Deadline, "the schedule fires every 2 seconds");
        await nodeB.Services.GetRequiredService<MailboxService>().SaveScheduleAsync(mailboxId, "0/2 * * * * ?", enabled: false);
        // A fire acquired just before the trigger went away may still run; let it finish.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var scheduled = fires.Where(f => f.Trigger.Equals(MailFetchJob.TriggerOf(mailboxId))).ToList();
        scheduled.GroupBy(f => f.Scheduled).Should().OnlyContain(g => g.Count() == 1,
            "each scheduled fire runs on one node: {0}", string.Join(", ", scheduled.Select(f => $"{f.Scheduled:HH:mm:ss} on {f.Node}")));
        var imported = await ImportedMessagesAsync(nodeA.DbFactory);
        imported.Should().HaveCount(count, "every message was imported ({0})", await LastRunAsync(nodeA.DbFactory));
        imported.Values.Should().OnlyContain(n => n == 1, "no message was imported twice");
        (await ImportedCountAsync(nodeB.DbFactory)).Should().Be(count);

        // Run now (the jobs page) on the other node goes through the shared job store too.
        await dovecot.AppendAsync(Mailbox, Mail("run-now"));
        await nodeB.Services.GetRequiredService<MailSchedule>().RunNowAsync(mailboxId);
        await WaitUntilAsync(async () => (await ImportedCountAsync(nodeA.DbFactory)) == count + 1, Deadline, "Run now fetches on some node");
    }

    /// <summary>The node holding the mailbox's IDLE ownership, by the process id in its lock connection's application_name.</summary>
    private async Task<int?> PushOwnerAsync(int mailboxId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid = @class AND l.objid = @mailbox AND l.granted
            """, connection);
        command.Parameters.AddWithValue("class", (long)MailboxLocks.PushOwnerLockClass);
        command.Parameters.AddWithValue("mailbox", (long)mailboxId);
        var name = (string?)await command.ExecuteScalarAsync();
        return name is not null && NodeProcessId().Match(name) is { Success: true } match ? int.Parse(match.Groups[1].Value) : null;
    }

    [GeneratedRegex(@" (\d+)@")]
    private static partial Regex NodeProcessId();

    [Fact]
    public async Task Killing_the_owning_node_mid_fetch_loses_nothing_and_the_other_node_takes_the_mailbox_over()
    {
        const int count = 600;
        await using var admin = await TestServices.CreateAsync(seedDemoData: true, provider: DatabaseProvider.Postgres, database: database);
        var tenantId = await TenantIdAsync(admin.DbFactory);
        await dovecot.AppendManyAsync(Mailbox, Enumerable.Range(1, count).Select(i => Mail($"pushed-{i}")));
        await using var first = await AppNodeProcess.StartAsync(database);
        await using var second = await AppNodeProcess.StartAsync(database);
        var nodes = new[] { first, second };

        var mailboxId = await admin.Get<MailboxService>().PointAtAsync(tenantId, dovecot, Mailbox, input =>
        {
            input.ScheduleEnabled = false;
            input.PushEnabled = true;
        });
        int? ownerId = null;
        await WaitUntilAsync(async () => (ownerId = await PushOwnerAsync(mailboxId)) is not null, Deadline, "a node takes the mailbox when push is turned on");
        var owner = nodes.Single(n => n.ProcessId == ownerId);
        var other = nodes.Single(n => n != owner);
        await WaitUntilAsync(async () => await ImportedCountAsync(admin.DbFactory) >= 20, Deadline, "the owner imports:\n" + owner.Output);

        await owner.KillAsync();
        var killedAt = DateTime.UtcNow;
        var importedAtKill = await ImportedCountAsync(admin.DbFactory);

        importedAtKill.Should().BeLessThan(count, "the node must die mid-fetch");
        await WaitUntilAsync(async () => await PushOwnerAsync(mailboxId) == other.ProcessId, Deadline,
            "the other node takes the mailbox over within a minute:\n" + other.Output);
        var takenOverAfter = DateTime.UtcNow - killedAt;
        await WaitUntilAsync(async () => await ImportedCountAsync(admin.DbFactory) == count, Deadline - (DateTime.UtcNow - killedAt),
            "the other node imports the rest within a minute of the kill:\n" + other.Output);
        output.WriteLine($"Killed the owner after {importedAtKill} of {count} messages; the other node owned the mailbox after " +
            $"{takenOverAfter.TotalSeconds:0.0} s and had imported the rest {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill.");
        var imported = await ImportedMessagesAsync(admin.DbFactory);
        imported.Should().HaveCount(count, "every message was imported");
        imported.Values.Should().OnlyContain(n => n == 1, "no message was imported twice");
        other.HasExited.Should().BeFalse();
    }

    [Fact]
    public async Task A_fetch_on_a_node_that_does_not_own_the_mailbox_waits_for_the_owner_and_imports_nothing_twice()
    {
        const int count = 200;
        await using var nodeA = await TestServices.CreateAsync(seedDemoData: true, provider: DatabaseProvider.Postgres, database: database);
        await using var nodeB = await TestServices.CreateAsync(provider: DatabaseProvider.Postgres, database: database);
        var tenantId = await TenantIdAsync(nodeA.DbFactory);
        await nodeA.Get<MailboxService>().PointAtAsync(tenantId, dovecot, Mailbox, input =>
        {
            input.ScheduleEnabled = false;
            input.PushEnabled = false;
        });
        await dovecot.AppendManyAsync(Mailbox, Enumerable.Range(1, count).Select(i => Mail($"button-{i}")));

        // The button on both nodes at once, and the command line's lock through the same service.
        var fetches = await Task.WhenAll(
            nodeA.Get<MailFetchService>().FetchTenantAsync(tenantId),
            nodeB.Get<MailFetchService>().FetchTenantAsync(tenantId));

        fetches.Should().OnlyContain(f => f.Succeeded);
        fetches.Sum(f => f.NewTickets).Should().Be(count, "the second fetch waited for the first and found nothing new");
        fetches.Should().Contain(f => f.Fetched == 0, "one node waited for the other's fetch");
        var imported = await ImportedMessagesAsync(nodeA.DbFactory);
        imported.Should().HaveCount(count);
        imported.Values.Should().OnlyContain(n => n == 1);
    }
}
