using BlazorTickets.Data;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Replies;

/// <summary>Two app nodes on one PostgreSQL database share one outbox: each mail goes out once.</summary>
[Trait(TestCategories.Category, TestCategories.Postgres)]
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class OutboxClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private TestSmtpServer smtp = null!;
    private TestDatabase database = null!;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
    }

    public async Task DisposeAsync()
    {
        await smtp.DisposeAsync();
        await database.DisposeAsync();
    }

    private static async Task<int> TenantIdAsync(IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
    }

    private static async Task<Dictionary<int, DeliveryState>> StatesAsync(IDbContextFactory<AppDbContext> dbFactory)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Set<OutboxMail>().ToDictionaryAsync(o => o.Id, o => o.State);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string because)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(until, because);
            await Task.Delay(50);
        }
    }

    /// <summary>How often the SMTP server got each subject.</summary>
    private Dictionary<string, int> ReceivedSubjects() => smtp.Received.GroupBy(m => m.Subject ?? "").ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public async Task A_queued_mail_is_sent_once_while_both_nodes_run_their_outbox_worker()
    {
        const int count = 30;
        await using var nodeA = new AppFactory { Database = database };
        _ = nodeA.Server;
        var tenantId = await TenantIdAsync(nodeA.DbFactory);
        await nodeA.Services.GetRequiredService<SmtpSettingsService>().PointAtAsync(tenantId, smtp, input => input.CopyToSentFolder = false);
        await using var nodeB = new AppFactory { Database = database, SeedDemoData = false };
        _ = nodeB.Server;
        var nodes = new[] { nodeA, nodeB };

        // Queued on both nodes; each enqueue wakes its own node's worker, and both wake again to race for the rest.
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            nodes[i % 2].Services.GetRequiredService<IMailOutbox>().EnqueueSystemMailAsync(tenantId, $"customer{i}@example.com", $"Cluster {i}", "Hello")));
        foreach (var node in nodes)
        {
            node.Services.GetRequiredService<OutboxSignal>().Wake();
        }

        await WaitUntilAsync(async () => (await StatesAsync(nodeA.DbFactory)).Values.All(s => s == DeliveryState.Sent), "both workers send the queue");
        await Task.Delay(500);
        var received = ReceivedSubjects();
        received.Should().HaveCount(count, "every mail went out");
        received.Values.Should().OnlyContain(n => n == 1, "no mail went out twice");
    }

    [Fact]
    public async Task A_live_nodes_claim_is_left_alone_and_a_dead_nodes_claim_runs_out_and_is_sent_once()
    {
        await using var admin = await TestServices.CreateAsync(seedDemoData: true, provider: DatabaseProvider.Postgres, database: database);
        var tenantId = await TenantIdAsync(admin.DbFactory);
        await admin.Get<SmtpSettingsService>().PointAtAsync(tenantId, smtp, input => input.CopyToSentFolder = false);
        var outbox = admin.Get<IMailOutbox>();
        var live = await outbox.EnqueueSystemMailAsync(tenantId, "live@example.com", "Claimed by a live node", "Hello");
        var dead = await outbox.EnqueueSystemMailAsync(tenantId, "dead@example.com", "Claimed by a dead node", "Hello");
        var now = DateTime.UtcNow;
        await ClaimAsync(admin, live, now);
        await ClaimAsync(admin, dead, now - OutboxWorker.ClaimTimeout - TimeSpan.FromMinutes(1));

        // A node starting while another sends: its recovery takes only the claim that ran out.
        await using var node = new AppFactory { Database = database, SeedDemoData = false };
        _ = node.Server;

        await WaitUntilAsync(async () => (await StatesAsync(admin.DbFactory))[dead] == DeliveryState.Sent, "the dead node's mail is sent");
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await StatesAsync(admin.DbFactory))[live].Should().Be(DeliveryState.Sending, "the live node is still sending it");
        ReceivedSubjects().Should().Equal(new Dictionary<string, int> { ["Claimed by a dead node"] = 1 });

        // The live node dies too: its claim stops being renewed and runs out.
        await ClaimAsync(admin, live, DateTime.UtcNow - OutboxWorker.ClaimTimeout - TimeSpan.FromSeconds(1));
        node.Services.GetRequiredService<OutboxSignal>().Wake();

        await WaitUntilAsync(async () => (await StatesAsync(admin.DbFactory))[live] == DeliveryState.Sent, "the expired claim is retried");
        ReceivedSubjects().Should().Equal(new Dictionary<string, int> { ["Claimed by a dead node"] = 1, ["Claimed by a live node"] = 1 });
    }

    /// <summary>What a node's worker writes when it takes a mail.</summary>
    private static async Task ClaimAsync(TestServices app, int id, DateTime claimedAt)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        await db.Set<OutboxMail>().Where(o => o.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.State, DeliveryState.Sending)
            .SetProperty(o => o.ClaimedAt, claimedAt)
            .SetProperty(o => o.Attempts, 1));
    }
}
