using System.Globalization;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace BlazorTickets.Tests.Features.Localization;

/// <summary>
/// A live update is published by someone else (another circuit, a mail job, the outbox) on their own thread.
/// The subscriber must still run, and its page render, in the subscriber's culture.
/// </summary>
public sealed class LiveUpdateCultureTests
{
    private static readonly CultureInfo German = new("de-DE");
    private static readonly CultureInfo English = new("en-US");

    private static (CultureInfo Culture, CultureInfo UICulture) Now() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);

    /// <summary>Runs <paramref name="action"/> on a thread of its own whose culture is <paramref name="culture"/>.</summary>
    private static void OnThreadIn(CultureInfo culture, Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            try
            {
                action();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        failure.Should().BeNull();
    }

    private static async Task<(CultureInfo Culture, CultureInfo UICulture)> SeenAsync(TaskCompletionSource<(CultureInfo, CultureInfo)> seen) =>
        await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task A_ticket_change_published_in_English_reaches_a_German_subscriber_in_German()
    {
        var notifier = new TicketChangeNotifier(NullLogger<TicketChangeNotifier>.Instance);
        var seen = new TaskCompletionSource<(CultureInfo, CultureInfo)>(TaskCreationOptions.RunContinuationsAsynchronously);
        OnThreadIn(German, () => notifier.Subscribe(async _ =>
        {
            await Task.Yield();
            seen.TrySetResult(Now());
        }));

        OnThreadIn(English, () => notifier.Publish([1], TicketFields.Other));

        (await SeenAsync(seen)).Should().Be((German, German));
    }

    [Fact]
    public async Task A_timer_tick_reaches_each_subscriber_in_its_own_culture()
    {
        using var ticker = new TimerTicker(TimeProvider.System, NullLogger<TimerTicker>.Instance);
        var german = new TaskCompletionSource<(CultureInfo, CultureInfo)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var english = new TaskCompletionSource<(CultureInfo, CultureInfo)>(TaskCreationOptions.RunContinuationsAsynchronously);
        OnThreadIn(German, () => ticker.Subscribe(_ => german.TrySetResult(Now())));
        OnThreadIn(English, () => ticker.Subscribe(_ => english.TrySetResult(Now())));

        OnThreadIn(English, ticker.Tick);
        OnThreadIn(German, ticker.Tick);

        (await SeenAsync(german)).Should().Be((German, German));
        (await SeenAsync(english)).Should().Be((English, English));
    }

    [Fact]
    public void A_presence_change_reaches_a_German_subscriber_in_German_and_leaves_the_publisher_in_English()
    {
        var presence = new PresenceTracker();
        (CultureInfo, CultureInfo)? seen = null;
        Action<int> handler = _ => seen = Now();
        OnThreadIn(German, () => presence.Changed += handler);

        (CultureInfo, CultureInfo)? publisherAfter = null;
        OnThreadIn(English, () =>
        {
            presence.Enter(7, new Viewer("u", "Ben")).Dispose();
            publisherAfter = Now();
        });

        seen.Should().Be((German, German));
        publisherAfter.Should().Be((English, English));

        presence.Changed -= handler;
        seen = null;
        OnThreadIn(English, () => presence.Enter(7, new Viewer("u", "Ben")));
        seen.Should().BeNull("a removed handler is no longer called");
    }

    [Fact]
    public async Task A_German_ticket_list_stays_German_when_a_colleague_in_English_changes_a_ticket()
    {
        await using var app = await TestServices.CreateAsync(seedDemoData: true);
        await using var context = new BlazorTicketsTestContext(app);
        await context.SignInAsAgentAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var newest = await db.Set<Ticket>().OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id).FirstAsync();
        var newestUpdate = newest.UpdatedAt.ToLocalTime().ToString("g", German);

        CultureInfo.CurrentCulture = German;
        CultureInfo.CurrentUICulture = German;
        context.Services.GetRequiredService<NavigationManager>().NavigateTo("/tickets");
        var cut = context.Render<TicketList>();
        cut.WaitForAssertion(() => cut.Markup.Should().Contain("Betreff").And.Contain(newestUpdate));
        var rendersBefore = cut.RenderCount;

        OnThreadIn(English, () => app.Get<TicketChangeNotifier>().Publish([newest.Id], TicketFields.Other));

        cut.WaitForState(() => cut.RenderCount > rendersBefore, TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() =>
        {
            cut.Markup.Should().Contain("Betreff").And.Contain(newestUpdate);
            cut.Markup.Should().NotContain(">Subject<").And.NotContain(newest.UpdatedAt.ToLocalTime().ToString("g", English));
        });
    }
}
