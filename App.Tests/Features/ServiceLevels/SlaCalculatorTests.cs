using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.Tickets;
using FluentAssertions;

namespace BlazorTickets.Tests.Features.ServiceLevels;

/// <summary>The stages a ticket's timeline yields under a policy, counted in Berlin's Monday-to-Friday 9-to-5.</summary>
public class SlaCalculatorTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static readonly BusinessHours NineToFive = new(Berlin,
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }.Select(d => OpeningPeriod.Of(d, 9, 17))], []);

    private static readonly SlaTargets Policy = new(TimeSpan.FromHours(4), TimeSpan.FromHours(2), TimeSpan.FromHours(16), 80,
        new HashSet<TicketStatus> { TicketStatus.WaitingForCustomer });

    // Monday 30 Nov 2026, 10:00 local is 09:00 UTC (winter time).
    private static DateTime Local(int day, int hour, int minute = 0) => new DateTime(2026, 11, day, hour, minute, 0, DateTimeKind.Utc).AddHours(-1);

    private static SlaEvent Customer(DateTime at) => new(at, SlaEventKind.CustomerMessage);
    private static SlaEvent Reply(DateTime at) => new(at, SlaEventKind.AgentReply);
    private static SlaEvent Status(DateTime at, TicketStatus status) => new(at, SlaEventKind.StatusChanged, status);

    private static IReadOnlyList<SlaStageResult> Stages(DateTime created, params SlaEvent[] events) =>
        SlaCalculator.Stages(Policy, NineToFive, new SlaTimeline(created, TicketStatus.New, events));

    [Fact]
    public void A_mail_on_friday_afternoon_is_due_for_a_first_response_on_monday_and_warns_at_eighty_percent()
    {
        var created = Local(27, 15); // Friday 15:00: two hours on Friday, two on Monday.
        var stages = Stages(created, Customer(created));

        var first = stages.Single(s => s.Target == SlaTarget.FirstResponse);
        first.DueAt.Should().Be(Local(30, 11));
        first.AtRiskAt.Should().Be(Local(30, 10, 12), "80 % of four hours is 3 h 12 min");
        first.CompletedAt.Should().BeNull();
        stages.Single(s => s.Target == SlaTarget.Resolution).DueAt.Should().Be(Local(1, 15).AddMonths(1), "16 business hours: Fri 2 h, Mon 8 h, Tue 6 h");
    }

    [Fact]
    public void A_reply_meets_the_first_response_and_a_later_customer_message_starts_a_next_response()
    {
        var created = Local(30, 10);
        var stages = Stages(created, Customer(created), Reply(Local(30, 11)), Customer(Local(30, 16)), Customer(Local(30, 16, 30)));

        stages.Should().HaveCount(3);
        var first = stages.Single(s => s.Target == SlaTarget.FirstResponse);
        first.CompletedAt.Should().Be(Local(30, 11));
        first.CompletedAt.Should().BeBefore(first.DueAt!.Value);
        var next = stages.Single(s => s.Target == SlaTarget.NextResponse);
        next.StartedAt.Should().Be(Local(30, 16), "the second message while an answer is owed belongs to the same question");
        next.DueAt.Should().Be(Local(1, 10).AddMonths(1), "one hour on Monday, one on Tuesday from 9:00");
        next.CompletedAt.Should().BeNull();
    }

    [Fact]
    public void Waiting_on_the_customer_stops_the_clocks_and_the_due_time_is_unknown_until_the_ticket_moves_again()
    {
        var created = Local(30, 9);
        var paused = Stages(created, Customer(created), Status(Local(30, 10), TicketStatus.WaitingForCustomer));
        paused.Single(s => s.Target == SlaTarget.FirstResponse).DueAt.Should().BeNull("three of four hours are still to run, from an unknown moment");
        paused.Single(s => s.Target == SlaTarget.FirstResponse).AtRiskAt.Should().BeNull();

        // Back on Tuesday 14:00 after a day and a half: three hours left, due 17:00 Tuesday.
        var resumed = Stages(created, Customer(created), Status(Local(30, 10), TicketStatus.WaitingForCustomer), Status(Local(1, 14).AddMonths(1), TicketStatus.Open));
        resumed.Single(s => s.Target == SlaTarget.FirstResponse).DueAt.Should().Be(Local(1, 17).AddMonths(1));
    }

    [Fact]
    public void Closing_meets_the_running_response_and_ends_the_resolution_which_runs_again_after_a_reopen()
    {
        var created = Local(30, 9);
        var closed = Stages(created, Customer(created), Status(Local(30, 12), TicketStatus.Closed));
        closed.Should().OnlyContain(s => s.CompletedAt == Local(30, 12));
        closed.Should().OnlyContain(s => s.DueAt > s.CompletedAt, "a stage met by closing still has the due time it was measured against");
        var waitedThenClosed = Stages(created, Customer(created), Status(Local(30, 10), TicketStatus.WaitingForCustomer), Status(Local(1, 12).AddMonths(1), TicketStatus.Closed));
        waitedThenClosed.Single(s => s.Target == SlaTarget.FirstResponse).DueAt.Should().Be(Local(1, 15).AddMonths(1),
            "one hour ran before the wait; the other three count from the close on, as if the clock went on");

        var reopened = Stages(created, Customer(created), Status(Local(30, 12), TicketStatus.Closed), Status(Local(1, 12).AddMonths(1), TicketStatus.Open));
        var resolution = reopened.Single(s => s.Target == SlaTarget.Resolution);
        resolution.CompletedAt.Should().BeNull();
        // Three hours before the close, then from Tuesday 12:00: 5 h Tuesday, 8 h Wednesday = 16.
        resolution.DueAt.Should().Be(Local(2, 17).AddMonths(1));
    }

    [Fact]
    public void A_ticket_opened_by_an_agent_owes_no_response_until_the_customer_writes()
    {
        var stages = Stages(Local(30, 9));
        stages.Should().ContainSingle().Which.Target.Should().Be(SlaTarget.Resolution);
    }

    [Fact]
    public void Every_running_due_time_is_exactly_the_target_in_business_time_outside_the_pauses_over_random_timelines()
    {
        var random = new Random(20261203);
        for (var i = 0; i < 300; i++)
        {
            var created = Local(2, 0).AddMinutes(random.Next(0, 60 * 24 * 20));
            var events = new List<SlaEvent> { Customer(created) };
            var at = created;
            for (var e = random.Next(0, 6); e > 0; e--)
            {
                at = at.AddMinutes(random.Next(1, 60 * 30));
                events.Add(random.Next(4) switch
                {
                    0 => Customer(at),
                    1 => Reply(at),
                    2 => Status(at, TicketStatus.WaitingForCustomer),
                    _ => Status(at, TicketStatus.Open),
                });
            }
            var pauses = SlaCalculator.Pauses(Policy, created, TicketStatus.New, events);
            foreach (var stage in SlaCalculator.Stages(Policy, NineToFive, new SlaTimeline(created, TicketStatus.New, events)))
            {
                // A finished stage counts only the pauses before its end; from then on its clock is taken to run on.
                var counted = stage.CompletedAt is { } end
                    ? pauses.Where(p => p.From < end).Select(p => new Pause(p.From, p.Until is { } u && u < end ? u : end)).ToList()
                    : pauses;
                if (stage.DueAt is { } due)
                {
                    NineToFive.Between(stage.StartedAt, due, counted).Should().Be(stage.TargetTime, $"case {i}, {stage.Target}");
                    NineToFive.IsOpenAt(due.AddMinutes(-1)).Should().BeTrue($"case {i}: a target runs out in open time");
                }
                else
                {
                    pauses.Should().Contain(p => p.Until == null, $"case {i}: only a pause that lasts leaves a due time unknown");
                    NineToFive.Between(stage.StartedAt, pauses.Single(p => p.Until == null).From, pauses).Should().BeLessThan(stage.TargetTime);
                }
            }
        }
    }
}
