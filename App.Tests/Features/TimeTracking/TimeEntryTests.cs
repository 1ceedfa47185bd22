using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Shared;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>Time entries on a ticket on a real SQLite file: the form's rules, who may change what, billed entries.</summary>
public sealed class TimeEntryTests(TimeTrackingFixture fixture) : IClassFixture<TimeTrackingFixture>
{
    private TimeTrackingHost Host => fixture.Host;

    private static string Today => ManualClock.DefaultNow.ToString("yyyy-MM-dd");

    private static TimeEntryInput Times(int ticketId, string start, string end, string date = "", bool billable = true) => new()
    {
        TicketId = ticketId, Date = date == "" ? Today : date, WithTimes = true, Start = start, End = end, Note = "Analysis", Billable = billable,
    };

    private static TimeEntryInput Duration(int ticketId, string duration, bool billable = true) => new()
    {
        TicketId = ticketId, Date = Today, WithTimes = false, Duration = duration, Note = "Phone call", Billable = billable,
    };

    [Fact]
    public async Task An_agent_records_time_with_start_and_end_and_it_is_listed_with_totals()
    {
        var agent = new Actor(await Host.NewAgentAsync("Start End"), IsTeamLead: false);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 20);
        var before = (await Host.TimeTracking.GetTicketTimeAsync(ticket))!;

        var result = await Host.TimeTracking.SaveEntryAsync(Times(ticket, "08:15", "09:45"), agent);

        var id = result.Should().BeOfType<TimeEntryResult.Saved>().Subject.Id;
        var after = (await Host.TimeTracking.GetTicketTimeAsync(ticket))!;
        var entry = after.Entries.Single(e => e.Id == id);
        entry.Minutes.Should().Be(90);
        entry.Start.Should().Be(new DateTime(2026, 3, 18, 8, 15, 0));
        entry.End.Should().Be(new DateTime(2026, 3, 18, 9, 45, 0));
        entry.HasTimes.Should().BeTrue();
        entry.UserName.Should().Be("Start End");
        after.Totals.AllMinutes.Should().Be(before.Totals.AllMinutes + 90);
        after.Totals.UnbilledMinutes.Should().Be(before.Totals.UnbilledMinutes + 90);
    }

    [Theory]
    [InlineData("1:30", 90)]
    [InlineData("1.5", 90)]
    [InlineData("1,5 h", 90)]
    [InlineData("0:05", 5)]
    [InlineData("45 min", 45)]
    [InlineData("24:00", 24 * 60)]
    public async Task An_agent_records_time_as_a_duration(string duration, int minutes)
    {
        var agent = new Actor(await Host.NewAgentAsync("Duration"), IsTeamLead: false);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 21);

        var result = await Host.TimeTracking.SaveEntryAsync(Duration(ticket, duration), agent);

        var id = result.Should().BeOfType<TimeEntryResult.Saved>().Subject.Id;
        var entry = (await Host.TimeTracking.GetTicketTimeAsync(ticket))!.Entries.Single(e => e.Id == id);
        entry.Minutes.Should().Be(minutes);
        entry.HasTimes.Should().BeFalse();
        Host.TimeTracking.ToInput(entry).Should().BeEquivalentTo(new { WithTimes = false, Date = Today, Duration = TimeFormat.Minutes(minutes) });
    }

    [Theory]
    [InlineData(true, "", "10:00", "09:00", "", nameof(TimeEntryInput.End), TimeMessages.EndBeforeStart)]
    [InlineData(true, "", "10:00", "10:00", "", nameof(TimeEntryInput.End), TimeMessages.EndBeforeStart)]
    [InlineData(true, "", "", "10:00", "", nameof(TimeEntryInput.Start), TimeMessages.StartRequired)]
    [InlineData(true, "", "9", "10:00", "", nameof(TimeEntryInput.Start), TimeMessages.StartRequired)]
    [InlineData(true, "", "09:00", "25:00", "", nameof(TimeEntryInput.End), TimeMessages.EndRequired)]
    [InlineData(true, "2026-03-19", "09:00", "10:00", "", nameof(TimeEntryInput.Date), TimeMessages.DateInFuture)]
    [InlineData(true, "18.03.2026", "09:00", "10:00", "", nameof(TimeEntryInput.Date), TimeMessages.DateRequired)]
    [InlineData(false, "", "", "", "24:01", nameof(TimeEntryInput.Duration), TimeMessages.EntryTooLong)]
    [InlineData(false, "", "", "", "30", nameof(TimeEntryInput.Duration), TimeMessages.EntryTooLong)]
    [InlineData(false, "", "", "", "0:00", nameof(TimeEntryInput.Duration), TimeMessages.DurationTooShort)]
    [InlineData(false, "", "", "", "1:75", nameof(TimeEntryInput.Duration), TimeMessages.DurationRequired)]
    [InlineData(false, "", "", "", "soon", nameof(TimeEntryInput.Duration), TimeMessages.DurationRequired)]
    public async Task Bad_input_gets_a_clear_message_on_its_field_and_writes_nothing(
        bool withTimes, string date, string start, string end, string duration, string field, string message)
    {
        var agent = new Actor(await Host.NewAgentAsync("Typo"), IsTeamLead: false);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 22);
        var input = new TimeEntryInput
        {
            TicketId = ticket, Date = date == "" ? Today : date, WithTimes = withTimes, Start = start, End = end, Duration = duration, Billable = true,
        };

        var result = await Host.TimeTracking.SaveEntryAsync(input, agent);

        result.Should().BeOfType<TimeEntryResult.Invalid>().Which.Errors.AsEnglish().Should().Equal(new Dictionary<string, string> { [field] = message });
        (await EntryCountAsync(agent.UserId)).Should().Be(0);
    }

    [Fact]
    public async Task A_note_over_2000_characters_is_refused()
    {
        var agent = new Actor(await Host.NewAgentAsync("Novelist"), IsTeamLead: false);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 22);
        var input = Duration(ticket, "1:00");
        input.Note = new string('x', 2001);

        var result = await Host.TimeTracking.SaveEntryAsync(input, agent);

        result.Should().BeOfType<TimeEntryResult.Invalid>().Which.Errors.Should().BeEquivalentTo(FieldErrors.Of(nameof(TimeEntryInput.Note), TimeMessages.NoteTooLong));
        (await EntryCountAsync(agent.UserId)).Should().Be(0);
    }

    [Fact]
    public async Task Time_on_a_ticket_without_consent_cannot_be_billable()
    {
        var agent = new Actor(await Host.NewAgentAsync("No Consent"), IsTeamLead: false);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: false, skip: 1);

        var billable = await Host.TimeTracking.SaveEntryAsync(Duration(ticket, "1:00", billable: true), agent);
        var notBillable = await Host.TimeTracking.SaveEntryAsync(Duration(ticket, "1:00", billable: false), agent);

        billable.Should().BeOfType<TimeEntryResult.Invalid>()
            .Which.Errors.Should().BeEquivalentTo(FieldErrors.Of(nameof(TimeEntryInput.Billable), TimeMessages.NotBillableWithoutConsent));
        notBillable.Should().BeOfType<TimeEntryResult.Saved>();
        Host.TimeTracking.NewInput(ticket, timeTrackingAllowed: false).Billable.Should().BeFalse("the form starts not billable there");
    }

    [Fact]
    public async Task An_agent_changes_and_deletes_their_own_entries_but_not_someone_elses()
    {
        var owner = new Actor(await Host.NewAgentAsync("Owner"), IsTeamLead: false);
        var colleague = new Actor(await Host.NewAgentAsync("Colleague"), IsTeamLead: false);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 23);
        var id = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(Times(ticket, "09:00", "10:00"), owner)).Id;

        var edit = Times(ticket, "09:00", "11:00");
        edit.Id = id;
        var byColleague = await Host.TimeTracking.SaveEntryAsync(edit, colleague);
        var deleteByColleague = await Host.TimeTracking.DeleteEntryAsync(id, ticket, colleague);
        (await MinutesOfAsync(id)).Should().Be(60, "a colleague's edit must not land");
        var byOwner = await Host.TimeTracking.SaveEntryAsync(edit, owner);
        var minutesAfterOwner = await MinutesOfAsync(id);
        var deleteByOwner = await Host.TimeTracking.DeleteEntryAsync(id, ticket, owner);

        byColleague.Should().Be(new TimeEntryResult.Refused(RefusalReason.NotYours, TimeMessages.EntryNotYours));
        deleteByColleague.Should().Be(new TimeEntryResult.Refused(RefusalReason.NotYours, TimeMessages.EntryNotYours));
        byOwner.Should().Be(new TimeEntryResult.Saved(id));
        minutesAfterOwner.Should().Be(120);
        deleteByOwner.Should().BeOfType<TimeEntryResult.Deleted>();
        (await MinutesOfAsync(id)).Should().BeNull();
    }

    [Fact]
    public async Task A_team_lead_changes_and_deletes_anyones_entries()
    {
        var agent = new Actor(await Host.NewAgentAsync("Agent"), IsTeamLead: false);
        var lead = new Actor(await Host.NewAgentAsync("Lead", "Team leads"), IsTeamLead: true);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 24);
        var id = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(Times(ticket, "13:00", "13:30"), agent)).Id;
        var edit = Duration(ticket, "0:45");
        edit.Id = id;

        (await Host.TimeTracking.SaveEntryAsync(edit, lead)).Should().Be(new TimeEntryResult.Saved(id));
        (await MinutesOfAsync(id)).Should().Be(45);
        (await Host.TimeTracking.DeleteEntryAsync(id, ticket, lead)).Should().BeOfType<TimeEntryResult.Deleted>();
        (await MinutesOfAsync(id)).Should().BeNull();
    }

    [Fact]
    public async Task A_billed_entry_can_be_neither_changed_nor_deleted_not_even_by_a_team_lead()
    {
        var agent = new Actor(await Host.NewAgentAsync("Billed Agent"), IsTeamLead: false);
        var lead = new Actor(await Host.NewAgentAsync("Billed Lead", "Team leads"), IsTeamLead: true);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 25);
        var id = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(Times(ticket, "14:00", "15:00"), agent)).Id;
        await Host.BillAsync(id);
        var edit = Times(ticket, "14:00", "18:00");
        edit.Id = id;
        var billed = new TimeEntryResult.Refused(RefusalReason.Billed, TimeMessages.EntryBilled);

        (await Host.TimeTracking.SaveEntryAsync(edit, agent)).Should().Be(billed);
        (await Host.TimeTracking.SaveEntryAsync(edit, lead)).Should().Be(billed);
        (await Host.TimeTracking.DeleteEntryAsync(id, ticket, agent)).Should().Be(billed);
        (await Host.TimeTracking.DeleteEntryAsync(id, ticket, lead)).Should().Be(billed);

        (await MinutesOfAsync(id)).Should().Be(60);
        var entry = (await Host.TimeTracking.GetTicketTimeAsync(ticket))!.Entries.Single(e => e.Id == id);
        entry.IsBilled.Should().BeTrue();
        TimeTrackingService.CanEdit(entry, lead).Should().BeFalse("the page offers no edit or delete for it");
    }

    [Fact]
    public async Task Totals_count_all_billable_billed_and_unbilled_time()
    {
        var agent = new Actor(await Host.NewAgentAsync("Totals"), IsTeamLead: false);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 26);
        var before = (await Host.TimeTracking.GetTicketTimeAsync(ticket))!.Totals;
        await Host.TimeTracking.SaveEntryAsync(Duration(ticket, "1:00"), agent);
        await Host.TimeTracking.SaveEntryAsync(Duration(ticket, "0:30", billable: false), agent);
        var billed = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(Duration(ticket, "0:45"), agent)).Id;
        await Host.BillAsync(billed);

        var totals = (await Host.TimeTracking.GetTicketTimeAsync(ticket))!.Totals;

        (totals.AllMinutes - before.AllMinutes).Should().Be(135);
        (totals.BillableMinutes - before.BillableMinutes).Should().Be(105);
        (totals.BilledMinutes - before.BilledMinutes).Should().Be(45);
        (totals.UnbilledMinutes - before.UnbilledMinutes).Should().Be(60);
    }

    [Fact]
    public async Task Every_change_to_an_entry_is_announced_to_open_pages()
    {
        var agent = new Actor(await Host.NewAgentAsync("Announcer"), IsTeamLead: false);
        var ticket = await Host.TicketAsync(timeTrackingAllowed: true, skip: 27);
        var announced = new List<int>();
        using var subscription = Host.Notifier.Subscribe(change =>
        {
            lock (announced)
            {
                announced.AddRange(change.TicketIds);
            }
            return Task.CompletedTask;
        });

        var id = ((TimeEntryResult.Saved)await Host.TimeTracking.SaveEntryAsync(Duration(ticket, "1:00"), agent)).Id;
        var edit = Duration(ticket, "2:00");
        edit.Id = id;
        await Host.TimeTracking.SaveEntryAsync(edit, agent);
        await Host.TimeTracking.DeleteEntryAsync(id, ticket, agent);

        lock (announced)
        {
            announced.Count(t => t == ticket).Should().Be(3, "add, edit and delete each tell the open pages");
        }
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(0, 29, 1)]
    [InlineData(0, 90, 2)]
    [InlineData(1, 1, 1)]
    [InlineData(1, 60, 1)]
    [InlineData(1, 61, 2)]
    [InlineData(6, 359, 6)]
    [InlineData(6, 361, 12)]
    [InlineData(10, 3599, 60)]
    [InlineData(15, 3601, 75)]
    public void Rounding_goes_up_to_the_next_step_and_ignores_parts_of_a_second(int rule, int seconds, int minutes)
    {
        TimeRounding.RoundUp(TimeSpan.FromSeconds(seconds) + TimeSpan.FromMilliseconds(999), rule).Should().Be(minutes);
    }

    private async Task<int> EntryCountAsync(string userId)
    {
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        return await db.Set<TimeEntry>().CountAsync(e => e.UserId == userId);
    }

    private async Task<int?> MinutesOfAsync(int id)
    {
        await using var db = await Host.DbFactory.CreateDbContextAsync();
        return await db.Set<TimeEntry>().Where(e => e.Id == id).Select(e => (int?)e.Minutes).SingleOrDefaultAsync();
    }
}
