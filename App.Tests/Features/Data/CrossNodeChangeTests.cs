using System.Diagnostics;
using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Notifications;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BlazorTickets.Tests.Features.Data;

/// <summary>Two app nodes (two service sets) on one PostgreSQL database, each with its bridge running.</summary>
public sealed class TwoNodesFixture : IAsyncLifetime
{
    /// <summary>Node B waits this long before it listens again, so a test can change things while B is deaf.</summary>
    public static readonly TimeSpan NodeBFirstRetry = TimeSpan.FromSeconds(2);

    private TestDatabase? database;

    public TestServices A { get; private set; } = null!;
    public TestServices B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        A = await TestServices.CreateAsync(seedDemoData: true, database: database);
        B = await TestServices.CreateAsync(database: database, overrides: services =>
        {
            var settings = services.Single(s => s.ServiceType == typeof(CrossNodeSettings)).ImplementationInstance as CrossNodeSettings;
            services.AddSingleton(settings! with { FirstRetry = NodeBFirstRetry });
        });
        await StartAsync(A);
        await StartAsync(B);
    }

    public static async Task StartAsync(TestServices node)
    {
        var bridge = node.Get<PostgresChangeBridge>();
        await bridge.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => bridge.ListenerProcessId != 0, TimeSpan.FromSeconds(10));
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"Not true within {timeout}");
            }
            await Task.Delay(10);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { A, B }.OfType<TestServices>())
        {
            await node.Get<PostgresChangeBridge>().StopAsync(CancellationToken.None);
            await node.DisposeAsync();
        }
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class CrossNodeChangeTests(TwoNodesFixture nodes) : IClassFixture<TwoNodesFixture>
{
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_ticket_saved_on_node_A_reaches_node_B_with_the_same_change_within_a_second()
    {
        using var onB = Record(nodes.B.Get<TicketChangeNotifier>());
        using var onA = Record(nodes.A.Get<TicketChangeNotifier>());
        var original = await LoadAsync(nodes.A, 1030);
        var edited = original.Clone();
        edited.Subject = "Seen on the other node";

        await using (var scope = nodes.A.CreateScope())
        {
            (await scope.ServiceProvider.GetRequiredService<TicketService>().SaveAsync(original, edited, "Anna Agent"))
                .Should().BeOfType<SaveTicketResult.Saved>();
        }
        var committed = Stopwatch.StartNew();
        var fromA = (await onA.FirstAsync(c => c.Of(original.Id) is not null, WithinASecond)).Of(original.Id)!;
        var fromB = (await onB.FirstAsync(c => c.Of(original.Id) is not null, WithinASecond)).Of(original.Id)!;

        committed.Elapsed.Should().BeLessThan(WithinASecond);
        fromB.Should().Be(fromA, "node B learns exactly what node A's screens learn");
        fromB.Fields.Should().HaveFlag(TicketFields.Subject);
        fromB.Version.Should().Be(original.Version + 1);
        fromB.TenantId.Should().NotBe(0);
    }

    [Fact]
    public async Task A_quote_change_and_a_notification_reach_the_other_node()
    {
        using var quotes = Record(nodes.B.Get<QuoteChangeNotifier>());
        using var notifications = Record(nodes.B.Get<NotificationNotifier>());

        nodes.A.Get<QuoteChangeNotifier>().Publish([41, 42]);
        nodes.A.Get<NotificationService>().Published(["user-1", "user-ä"]);

        (await quotes.FirstAsync(_ => true, WithinASecond)).QuoteIds.Should().Equal(41, 42);
        (await notifications.FirstAsync(_ => true, WithinASecond)).UserIds.Should().Equal("user-1", "user-ä");
    }

    [Fact]
    public async Task A_node_gets_its_own_changes_once_and_the_other_node_once()
    {
        using var onB = Record(nodes.B.Get<QuoteChangeNotifier>());
        using var onA = Record(nodes.A.Get<QuoteChangeNotifier>());

        nodes.B.Get<QuoteChangeNotifier>().Publish([777]);

        await onA.FirstAsync(c => c.QuoteIds.Contains(777), WithinASecond);
        // Node B's listener got the same notification as node A's; give it time to (wrongly) hand it on.
        await Task.Delay(300);
        onB.All.Count(c => c.QuoteIds.Contains(777)).Should().Be(1);
        onA.All.Count(c => c.QuoteIds.Contains(777)).Should().Be(1);
    }

    [Fact]
    public async Task A_big_change_is_split_below_the_payload_limit_and_arrives_whole()
    {
        using var onB = Record(nodes.B.Get<TicketChangeNotifier>());
        var changes = Enumerable.Range(1_000_000, 2_000)
            .Select(id => new TicketChange(id, id % 7 + 1, TicketFields.Status | TicketFields.Handler, id % 100))
            .ToList();

        nodes.A.Get<TicketChangeNotifier>().Publish(changes);

        var received = await onB.FirstAsync(c => c.Changes.Any(x => x.TicketId >= 1_000_000), WithinASecond);
        received.Changes.Should().Equal(changes, "all parts are put together into the one change that was published");
        onB.All.Count(c => c.Changes.Any(x => x.TicketId >= 1_000_000)).Should().Be(1);
    }

    [Fact]
    public async Task The_listener_comes_back_after_its_connection_is_killed_and_reports_what_changed_meanwhile()
    {
        var bridge = nodes.B.Get<PostgresChangeBridge>();
        var killed = bridge.ListenerProcessId;
        var reconnects = bridge.Reconnects;
        using var onB = Record(nodes.B.Get<TicketChangeNotifier>());

        await TerminateAsync(killed);
        // While node B is not listening (it waits before trying again), node A changes a ticket.
        await TwoNodesFixture.WaitUntilAsync(() => bridge.ListenerProcessId == 0, TimeSpan.FromSeconds(5));
        var original = await LoadAsync(nodes.A, 1031);
        var edited = original.Clone();
        edited.InternalNote = "Changed while node B was deaf";
        await using (var scope = nodes.A.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<TicketService>().SaveAsync(original, edited, "Anna Agent");
        }

        var missed = await onB.FirstAsync(c => c.Of(original.Id) is not null, TwoNodesFixture.NodeBFirstRetry * 3);
        missed.Of(original.Id)!.Fields.Should().HaveFlag(TicketFields.Other, "what exactly changed was not heard, only that the ticket was updated");
        bridge.Reconnects.Should().Be(reconnects + 1);
        bridge.ListenerProcessId.Should().NotBe(killed).And.NotBe(0);

        using var quotes = Record(nodes.B.Get<QuoteChangeNotifier>());
        nodes.A.Get<QuoteChangeNotifier>().Publish([4243]);
        (await quotes.FirstAsync(c => c.QuoteIds.Contains(4243), WithinASecond)).Should().NotBeNull();
    }

    [Fact]
    public async Task Someone_opening_a_ticket_on_node_A_is_seen_on_node_B_and_leaving_too()
    {
        var onB = nodes.B.Get<PresenceTracker>();
        var changedOnB = new List<int>();
        void Record(int ticketId)
        {
            lock (changedOnB)
            {
                changedOnB.Add(ticketId);
            }
        }
        onB.Changed += Record;
        try
        {
            var visit = nodes.A.Get<PresenceTracker>().Enter(987, new Viewer("anna-id", "Anna Agent"));
            await TwoNodesFixture.WaitUntilAsync(() => onB.ViewersOf(987).Count == 1, WithinASecond);
            onB.ViewersOf(987).Should().Equal(new Viewer("anna-id", "Anna Agent"));
            using (nodes.B.Get<PresenceTracker>().Enter(987, new Viewer("ben-id", "Ben Berger", IsReplying: true)))
            {
                await TwoNodesFixture.WaitUntilAsync(() => nodes.A.Get<PresenceTracker>().ViewersOf(987).Count == 2, WithinASecond);
            }

            visit.Dispose();

            await TwoNodesFixture.WaitUntilAsync(() => onB.ViewersOf(987).Count == 0, WithinASecond);
            await TwoNodesFixture.WaitUntilAsync(() => nodes.A.Get<PresenceTracker>().ViewersOf(987).Count == 0, WithinASecond);
            lock (changedOnB)
            {
                changedOnB.Should().Contain(987, "node B's pages redraw on presence from node A");
            }
        }
        finally
        {
            onB.Changed -= Record;
        }
    }

    [Fact]
    public async Task A_timer_started_on_node_A_runs_on_node_B_from_the_stored_start()
    {
        var registryOnB = nodes.B.Get<RunningTimerRegistry>();
        await registryOnB.EnsureLoadedAsync();
        string userId;
        int ticketId;
        await using (var db = await nodes.A.DbFactory.CreateDbContextAsync())
        {
            userId = await db.Users.Where(u => u.Email == "carla@contoso.example").Select(u => u.Id).SingleAsync();
            ticketId = await db.Set<Ticket>().Where(t => t.Number == 1032).Select(t => t.Id).SingleAsync();
        }

        await using (var scope = nodes.A.CreateScope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<TimeTrackingService>().StartAsync(userId, ticketId);
            var timer = started.Should().BeOfType<StartTimerResult.Started>().Subject.Timer;
            await TwoNodesFixture.WaitUntilAsync(() => registryOnB.Of(userId) is not null, WithinASecond);
            registryOnB.Of(userId)!.StartedAt.Should().Be(timer.StartedAt);

            await scope.ServiceProvider.GetRequiredService<TimeTrackingService>().StopAsync(userId, new StopRequest(timer.Id));
        }
        await TwoNodesFixture.WaitUntilAsync(() => registryOnB.Of(userId) is null, WithinASecond);
    }

    private async Task TerminateAsync(int processId)
    {
        await using var connection = new NpgsqlConnection(nodes.A.Options.Database!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend($1)", connection) { Parameters = { new() { Value = processId } } };
        (await command.ExecuteScalarAsync()).Should().Be(true);
    }

    private static async Task<TicketEdit> LoadAsync(TestServices node, int number)
    {
        int id;
        await using (var db = await node.DbFactory.CreateDbContextAsync())
        {
            id = await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.Id).SingleAsync();
        }
        await using var scope = node.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<TicketService>().GetAsync(id))!.Edit;
    }

    private static Recorder<T> Record<T>(ChangeNotifier<T> notifier) => new(notifier);

    private sealed class Recorder<T> : IDisposable
    {
        private readonly List<T> received = [];
        private readonly IDisposable subscription;

        public Recorder(ChangeNotifier<T> notifier) => subscription = notifier.Subscribe(change =>
        {
            lock (received)
            {
                received.Add(change);
            }
            return Task.CompletedTask;
        });

        public IReadOnlyList<T> All
        {
            get
            {
                lock (received)
                {
                    return received.ToList();
                }
            }
        }

        public async Task<T> FirstAsync(Func<T, bool> match, TimeSpan timeout)
        {
            T? found = default;
            await TwoNodesFixture.WaitUntilAsync(() => All.FirstOrDefault(match) is { } hit && (found = hit) is not null, timeout);
            return found!;
        }

        public void Dispose() => subscription.Dispose();
    }
}
