using BlazorTickets.Data;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Desk;

/// <summary>The ticket page loads once per save, and only what a change touched.</summary>
public sealed class LiveTicketPageTests : BlazorTicketsTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private TestServices app = null!;
    private string agentId = "";

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        (agentId, _) = await SignInAsAgentAsync();
    }

    private static string InputOf(string testId) => $"input[data-testid={testId}], [data-testid={testId}] input";

    private async Task<int> TicketIdAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Messages.Any()).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
    }

    private IRenderedComponent<TicketDetail> RenderTicket(int id)
    {
        var cut = Render<TicketDetail>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=message]").Should().NotBeEmpty(), Patience);
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=time-tracking] [data-testid=time-totals]").Should().NotBeEmpty(), Patience);
        return cut;
    }

    private Task Delivered(int ticketId)
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Get<TicketChangeNotifier>().Subscribe(change =>
        {
            if (change.TicketIds.Contains(ticketId))
            {
                heard.TrySetResult();
            }
            return Task.CompletedTask;
        });
        return heard.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_save_from_the_information_panel_loads_the_page_once_and_not_the_conversation()
    {
        var id = await TicketIdAsync();
        var cut = RenderTicket(id);
        await Task.Delay(500);
        var (fullBefore, headerBefore) = (cut.Instance.FullLoads, cut.Instance.HeaderLoads);
        var delivered = Delivered(id);
        var fields = new List<TicketFields>();
        using var recording = app.Get<TicketChangeNotifier>().Subscribe(change =>
        {
            lock (fields)
            {
                fields.AddRange(change.Changes.Where(c => c.TicketId == id).Select(c => c.Fields));
            }
            return Task.CompletedTask;
        });

        cut.Find(InputOf("field-subject")).Input("Saved once from the panel");
        cut.Find(InputOf("field-subject")).Blur();
        cut.Find("[data-testid=save-ticket]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=ticket-title]").TextContent.Should().Contain("Saved once from the panel"), Patience);
        await delivered;
        await Task.Delay(300);
        cut.Instance.HeaderLoads.Should().Be(headerBefore + 1, "the save's own change event must not load the page again");
        cut.Instance.FullLoads.Should().Be(fullBefore, $"a field change does not touch the conversation ({string.Join("; ", fields)})");
    }

    [Fact]
    public async Task A_timer_or_a_time_entry_does_not_reload_the_page()
    {
        var id = await TicketIdAsync();
        var cut = RenderTicket(id);
        await Task.Delay(500);
        var (fullBefore, headerBefore) = (cut.Instance.FullLoads, cut.Instance.HeaderLoads);
        await using var db = await app.DbFactory.CreateDbContextAsync();

        var started = Delivered(id);
        var timer = new RunningTimer { UserId = agentId, TicketId = id, StartedAt = DateTime.UtcNow };
        db.Set<RunningTimer>().Add(timer);
        await db.SaveChangesAsync();
        await started;
        var stopped = Delivered(id);
        db.Set<RunningTimer>().Remove(timer);
        db.Set<TimeEntry>().Add(new TimeEntry { TicketId = id, UserId = agentId, Start = timer.StartedAt, End = DateTime.UtcNow, Minutes = 15 });
        await db.SaveChangesAsync();
        await stopped;
        await Task.Delay(300);

        cut.Instance.FullLoads.Should().Be(fullBefore);
        cut.Instance.HeaderLoads.Should().Be(headerBefore);

        // The page does follow a change it shows: an internal note reloads the conversation.
        await new TicketService(app.DbFactory, app.Get<TimeProvider>()).AddInternalNoteAsync(id, "Seen live", agentId, "Anna");
        cut.WaitForAssertion(() => cut.Markup.Should().Contain("Seen live"), Patience);
        cut.Instance.FullLoads.Should().Be(fullBefore + 1);
    }
}
