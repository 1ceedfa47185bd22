using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.TimeTracking.Components;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>The ticket's time section, rendered with bUnit on the real services.</summary>
public sealed class TicketTimeEntriesTests(TimeTrackingFixture fixture) : BlazorTicketsTestContext(fixture.Host.App), IClassFixture<TimeTrackingFixture>
{
    private TimeTrackingHost Host { get; } = fixture.Host;

    /// <summary>How long a live update may take before the test fails: generous, as a loaded machine is slow.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    private async Task<(string Agent, int Ticket, IRenderedComponent<TicketTimeEntries> Cut)> RenderAsync(string name, bool consent, int skip)
    {
        var agent = await Host.NewAgentAsync(name);
        var ticket = await Host.TicketAsync(consent, skip);
        this.SignInForTimeTracking(agent, name);
        var cut = Render<TicketTimeEntries>(p => p.Add(x => x.TicketId, ticket));
        cut.WaitForAssertion(() => cut.Find("[data-testid=time-totals]"), Patience);
        return (agent, ticket, cut);
    }

    [Fact]
    public async Task Bad_input_shows_a_message_on_the_field_and_keeps_what_was_typed_then_a_fix_saves_it()
    {
        var (agent, _, cut) = await RenderAsync("Form Agent", consent: true, skip: 50);
        cut.Find("[data-testid=add-time-entry]").Click();
        cut.Find(InputOf("entry-start")).Change("10:00");
        cut.Find(InputOf("entry-end")).Change("09:15");
        cut.Find(InputOf("entry-note")).Change("Printer driver");

        cut.Find("[data-testid=save-time-entry]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=time-entry-form]").TextContent.Should().Contain(TimeMessages.EndBeforeStart), Patience);
        cut.Find(InputOf("entry-note")).GetAttribute("value").Should().Be("Printer driver");
        cut.Find(InputOf("entry-start")).GetAttribute("value").Should().Be("10:00");

        cut.Find(InputOf("entry-end")).Change("11:15");
        cut.Find("[data-testid=save-time-entry]").Click();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=time-entry-form]").Should().BeEmpty(), Patience);
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        var entry = await db.Set<TimeEntry>().SingleAsync(e => e.UserId == agent);
        (entry.Minutes, entry.Note, entry.Billable).Should().Be((75, "Printer driver", true));
        cut.WaitForAssertion(() => cut.Find($"[data-entry-id='{entry.Id}'] [data-testid=entry-minutes]").TextContent.Should().Be("1:15 h"), Patience);
    }

    [Fact]
    public async Task A_ticket_without_consent_warns_and_starting_the_timer_says_the_time_is_not_billable()
    {
        var (agent, ticket, cut) = await RenderAsync("Consent Agent", consent: false, skip: 3);
        cut.Find("[data-testid=no-consent]");
        var snackbar = Render<MudBlazor.MudSnackbarProvider>();

        cut.Find("[data-testid=start-timer]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=ticket-timer-running]"), Patience);
        snackbar.WaitForAssertion(() => snackbar.Markup.Should().Contain("recorded as not billable"), Patience);
        Host.Registry.Of(agent)!.TicketId.Should().Be(ticket);
        await Host.TimeTracking.StopAsync(agent, new StopRequest());
    }

    [Fact]
    public async Task A_billed_entry_offers_no_edit_or_delete_while_the_agents_other_entries_do()
    {
        var (agent, ticket, cut) = await RenderAsync("Billed Form Agent", consent: true, skip: 51);
        var actor = new Actor(agent, IsTeamLead: false);
        var open = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(
            new TimeEntryInput { TicketId = ticket, Date = "2026-03-17", WithTimes = false, Duration = "1:00", Billable = true }, actor)).Id;
        var billed = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(
            new TimeEntryInput { TicketId = ticket, Date = "2026-03-17", WithTimes = false, Duration = "2:00", Billable = true }, actor)).Id;
        await Host.BillAsync(billed);
        Host.Notifier.Publish([ticket], BlazorTickets.Features.Tickets.TicketFields.Billing);

        cut.WaitForAssertion(() => cut.Find($"[data-entry-id='{billed}'] [data-testid=entry-billed]"), Patience);

        cut.Find($"[data-entry-id='{billed}']").QuerySelector("[data-testid=edit-time-entry]").Should().BeNull();
        cut.Find($"[data-entry-id='{billed}']").QuerySelector("[data-testid=delete-time-entry]").Should().BeNull();
        cut.Find($"[data-entry-id='{open}'] [data-testid=edit-time-entry]");
        cut.Find($"[data-entry-id='{open}'] [data-testid=delete-time-entry]").Click();
        cut.Find($"[data-entry-id='{open}'] [data-testid=confirm-delete-time-entry]").Click();
        cut.WaitForAssertion(() => cut.FindAll($"[data-entry-id='{open}']").Should().BeEmpty(), Patience);
    }
}
