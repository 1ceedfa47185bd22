using BlazorTickets.Features.Localization;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.TimeTracking.Components;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>The ticket time section's rules without rendering it: the host's real services over a demo-seeded SQLite file.</summary>
public sealed class TicketTimeStateTests(TimeTrackingFixture fixture) : BlazorTicketsTestContext(fixture.Host.App), IClassFixture<TimeTrackingFixture>
{
    private TimeTrackingHost Host => fixture.Host;

    /// <summary>A state for a new agent of its own on the n-th ticket of its kind; the bUnit context only lends the services.</summary>
    private async Task<(TicketTimeState State, Actor Actor, int Ticket)> StateAsync(string name, bool consent, int skip)
    {
        var agent = await Host.NewAgentAsync(name);
        var ticket = await Host.TicketAsync(consent, skip);
        this.SignInForTimeTracking(agent, name);
        var state = new TicketTimeState(
            Services.GetRequiredService<TimeTrackingService>(), Services.GetRequiredService<TimerActions>(), Host.Registry,
            Services.GetRequiredService<IStringLocalizer<SharedResource>>());
        var actor = new Actor(agent, IsTeamLead: false);
        await state.SignInAsync(actor);
        await state.ShowAsync(ticket);
        return (state, actor, ticket);
    }

    [Fact]
    public async Task Showing_a_ticket_loads_its_time_and_renders_once_per_load()
    {
        var (state, _, ticket) = await StateAsync("State Load Agent", consent: true, skip: 60);
        var renders = 0;
        state.Changed += () => renders++;

        await state.ShowAsync(ticket);
        renders.Should().Be(0, "the same ticket again loads nothing");
        await state.ReloadAsync();

        renders.Should().Be(1);
        state.Time!.TicketId.Should().Be(ticket);
    }

    [Fact]
    public async Task An_invalid_entry_keeps_the_form_with_its_errors_and_a_valid_one_closes_it_and_reloads()
    {
        var (state, actor, _) = await StateAsync("State Form Agent", consent: true, skip: 61);

        state.NewEntry();
        state.Form!.Date = "2026-03-17";
        state.Form.WithTimes = true;
        state.Form.Start = "10:00";
        state.Form.End = "09:00";
        await state.SaveAsync();

        state.Form.Should().NotBeNull();
        state.Errors.AllEnglish().Should().Contain(TimeMessages.EndBeforeStart);

        state.Form!.End = "10:30";
        await state.SaveAsync();

        state.Form.Should().BeNull();
        state.Errors.Should().BeEmpty();
        state.Time!.Entries.Should().ContainSingle(e => e.Minutes == 30);
        state.MayChange(state.Time.Entries.Single(e => e.UserId == actor.UserId)).Should().BeTrue();
    }

    [Fact]
    public async Task Without_consent_a_new_entry_starts_as_not_billable()
    {
        var (state, _, _) = await StateAsync("State Consent Agent", consent: false, skip: 4);

        state.NewEntry();

        state.Form!.Billable.Should().BeFalse();
    }

    [Fact]
    public async Task Deleting_a_billed_entry_is_refused_with_a_message_and_deleting_the_entry_in_the_form_closes_it()
    {
        var (state, actor, ticket) = await StateAsync("State Delete Agent", consent: true, skip: 62);
        var billed = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(
            new TimeEntryInput { TicketId = ticket, Date = "2026-03-17", WithTimes = false, Duration = "1:00", Billable = true }, actor)).Id;
        var open = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(
            new TimeEntryInput { TicketId = ticket, Date = "2026-03-17", WithTimes = false, Duration = "0:30", Billable = true }, actor)).Id;
        await Host.BillAsync(billed);
        await state.ReloadAsync();

        state.ConfirmDeleteId = billed;
        await state.DeleteAsync(state.Time!.Entries.Single(e => e.Id == billed));
        state.Message.Should().Be(TimeMessages.EntryBilled);
        state.ConfirmDeleteId.Should().BeNull();

        state.Edit(state.Time.Entries.Single(e => e.Id == open));
        state.Message.Should().BeNull();
        await state.DeleteAsync(state.Time.Entries.Single(e => e.Id == open));

        state.Form.Should().BeNull();
        state.Time.Entries.Select(e => e.Id).Should().Contain(billed).And.NotContain(open);
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        (await db.Set<TimeEntry>().AnyAsync(e => e.Id == open)).Should().BeFalse();
    }

    [Fact]
    public async Task Starting_and_stopping_the_timer_follows_the_registry_and_records_the_time()
    {
        var (state, actor, ticket) = await StateAsync("State Timer Agent", consent: true, skip: 63);
        state.MyTimerHere.Should().BeFalse();

        await state.StartTimerAsync();
        state.MyTimerHere.Should().BeTrue();

        Host.Clock.Advance(TimeSpan.FromMinutes(20));
        await state.StopTimerAsync();

        state.MyTimerHere.Should().BeFalse();
        Host.Registry.Of(actor.UserId).Should().BeNull();
        state.Time!.Entries.Should().Contain(e => e.UserId == actor.UserId && e.TicketId == ticket);
    }
}
