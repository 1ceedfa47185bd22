using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorTickets.Tests.Features.Mail;

public sealed class MailFetchBackoffTests : IAsyncLifetime
{
    private readonly FixedTimeProvider clock = new();
    private TestServices app = null!;
    private int tenantId;
    private int mailboxId;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: false, clock: clock);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var tenant = new BlazorTickets.Features.Tenants.Tenant { Name = "Backoff tenant" };
        db.Set<Tenant>().Add(tenant);
        await db.SaveChangesAsync();
        tenantId = tenant.Id;
        // Nothing listens on port 1: every fetch fails at once, as it would on a full disk, only faster.
        var mailbox = new Mailbox { TenantId = tenantId, Host = "127.0.0.1", Port = 1, UserName = "support", Encryption = MailEncryption.None };
        db.Set<Mailbox>().Add(mailbox);
        await db.SaveChangesAsync();
        mailboxId = mailbox.Id;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_schedule_firing_every_second_against_a_failing_mailbox_fetches_and_logs_once_per_backoff_step()
    {
        var log = new ListLogger<MailFetchJob>();
        var job = ActivatorUtilities.CreateInstance<MailFetchJob>(app.Services, log);
        var attempts = 0;
        var start = clock.Now;

        for (var second = 0; second < 600; second++)
        {
            if (await job.RunAsync(mailboxId, CancellationToken.None))
            {
                attempts++;
            }
            clock.Now = start.AddSeconds(second + 1);
        }

        // Waits of 30 s, 60 s, 120 s, 240 s, 480 s: attempts at 0, 30, 90, 210 and 450 s.
        attempts.Should().Be(5);
        log.Lines.Should().HaveCount(attempts, "a lasting failure is logged once per backoff step, not once per firing");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<Mailbox>().SingleAsync(s => s.Id == mailboxId)).LastRunError.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void The_wait_doubles_up_to_the_limit_and_a_success_ends_it()
    {
        var backoff = new MailFetchBackoff(clock);

        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Failed(mailboxId).Delay).ToList();

        delays.Take(3).Should().Equal(MailFetchBackoff.FirstDelay, MailFetchBackoff.FirstDelay * 2, MailFetchBackoff.FirstDelay * 4);
        delays.Last().Should().Be(MailFetchBackoff.MaxDelay);
        backoff.WaitBefore(mailboxId).Should().Be(MailFetchBackoff.MaxDelay);
        backoff.WaitBefore(mailboxId + 1).Should().Be(TimeSpan.Zero, "each mailbox has its own backoff");
        backoff.Succeeded(mailboxId);
        backoff.WaitBefore(mailboxId).Should().Be(TimeSpan.Zero);
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
