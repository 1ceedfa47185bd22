using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Desk;

/// <summary>The due column counts down while a shown row has a due time, and no list keeps a timer without one.</summary>
public sealed class DueCountdownTests : BlazorTicketsTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ManualTimerClock clock = new(FixedTimeProvider.DefaultNow);
    private TestServices app = null!;

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true, clock: clock);
        await SignInAsAgentAsync();
    }

    private IRenderedComponent<TicketList> RenderAt(string relativeUrl)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(relativeUrl);
        var cut = Render<TicketList>();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=ticket-link]").Should().NotBeEmpty(), Patience);
        return cut;
    }

    [Fact]
    public void A_list_without_due_times_runs_no_timer()
    {
        var cut = RenderAt("/tickets");

        cut.FindAll("[data-testid=sla-due] span").Should().BeEmpty();
        clock.RunningCountdowns.Should().Be(0);
    }

    [Fact]
    public async Task A_shown_due_time_counts_down_and_the_timer_goes_with_the_last_due_row()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var newest = await db.Set<Ticket>().OrderByDescending(t => t.UpdatedAt).Select(t => t.Id).FirstAsync();
            await db.Set<Ticket>().Where(t => t.Id == newest).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.SlaDueAt, now.AddHours(2))
                .SetProperty(t => t.SlaAtRiskAt, now.AddHours(1)));
        }
        var cut = RenderAt("/tickets");
        var due = () => cut.Find("[data-testid=sla-due][data-sla]:not([data-sla=None])");
        cut.WaitForAssertion(() => due().GetAttribute("data-sla").Should().Be("Running"), Patience);
        clock.RunningCountdowns.Should().Be(1);

        clock.Now = clock.Now.AddMinutes(90);
        clock.FireCountdowns();
        cut.WaitForAssertion(() => due().GetAttribute("data-sla").Should().Be("AtRisk"), Patience);
        due().TextContent.Trim().Should().Be("30 min");

        Services.GetRequiredService<NavigationManager>().NavigateTo("/tickets?breached=1");
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=no-tickets]").Should().NotBeEmpty(), Patience);
        clock.RunningCountdowns.Should().Be(0);
    }

    /// <summary>A standing clock whose timers fire only when told, and which counts the due column's timers not yet disposed.</summary>
    private sealed class ManualTimerClock(DateTimeOffset now) : TimeProvider
    {
        private readonly List<ManualTimer> timers = [];

        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

        /// <summary>Running timers with the due column's 30-second period; MudBlazor and others draw timers from the clock too.</summary>
        public int RunningCountdowns
        {
            get { lock (timers) return timers.Count(t => !t.Disposed && t.Period == TimeSpan.FromSeconds(30)); }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(callback, state, period);
            lock (timers) timers.Add(timer);
            return timer;
        }

        public void FireCountdowns()
        {
            List<ManualTimer> running;
            lock (timers) running = timers.Where(t => !t.Disposed && t.Period == TimeSpan.FromSeconds(30)).ToList();
            running.ForEach(t => t.Fire());
        }
    }

    private sealed class ManualTimer(TimerCallback callback, object? state, TimeSpan period) : ITimer
    {
        public TimeSpan Period { get; private set; } = period;

        public bool Disposed { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Period = period;
            return !Disposed;
        }

        public void Dispose() => Disposed = true;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
