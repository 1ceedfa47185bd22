using BlazorTickets.Data;
using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Desk;

/// <summary>How the ticket page follows changes, without rendering it: real services over a demo-seeded SQLite file.</summary>
public abstract class TicketDetailStateTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestServices app = null!;
    private TicketService tickets = null!;
    private int ticketId;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true, provider: provider);
        tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
        await using var db = await app.DbFactory.CreateDbContextAsync();
        ticketId = await db.Set<Ticket>().Where(t => t.Number == 1003).Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<TicketDetailState> LoadedAsync(int id)
    {
        var state = new TicketDetailState(tickets, app.Get<ReplyService>()) { TicketId = id };
        await state.ReloadAsync();
        return state;
    }

    private async Task<int> SaveSubjectAsync(string subject)
    {
        var original = (await tickets.GetAsync(ticketId))!.Edit;
        var edit = original.Clone();
        edit.Subject = subject;
        return ((SaveTicketResult.Saved)await tickets.SaveAsync(original, edit, "Ben")).Version;
    }

    [Fact]
    public async Task A_missing_ticket_is_not_found()
    {
        var state = await LoadedAsync(int.MaxValue);

        state.NotFound.Should().BeTrue();
        state.Details.Should().BeNull();
    }

    [Fact]
    public async Task A_field_change_loads_the_header_only_and_keeps_the_conversation_on_screen()
    {
        var state = await LoadedAsync(ticketId);
        var messages = state.Details!.Messages;
        var version = await SaveSubjectAsync("Changed elsewhere");

        await state.RefreshAsync(new TicketChange(ticketId, 0, TicketFields.Subject, version));

        (state.FullLoads, state.HeaderLoads).Should().Be((1, 1));
        state.Details!.Edit.Subject.Should().Be("Changed elsewhere");
        state.Details.Messages.Should().BeSameAs(messages);
    }

    [Fact]
    public async Task A_change_already_shown_or_outside_the_page_loads_nothing_and_a_new_message_loads_everything()
    {
        await SaveSubjectAsync("A version of its own");
        var state = await LoadedAsync(ticketId);
        var shown = state.Details!.Edit.Version;
        shown.Should().BeGreaterThan(0);

        state.NeedsNothing(new TicketChange(ticketId, 0, TicketFields.Subject, shown)).Should().BeTrue();
        state.NeedsNothing(new TicketChange(ticketId, 0, TicketFields.TimeEntries, shown + 1)).Should().BeTrue();
        state.NeedsNothing(new TicketChange(ticketId, 0, TicketFields.Subject, shown + 1)).Should().BeFalse();

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var agentId = await db.Users.Where(u => u.Email == BlazorTicketsTestContext.AgentEmail).Select(u => u.Id).SingleAsync();
            await tickets.AddInternalNoteAsync(ticketId, "A note", agentId, "Anna");
        }
        var before = state.Details.Messages.Count;
        await state.RefreshAsync(new TicketChange(ticketId, 0, TicketFields.InternalMessages, shown));

        state.FullLoads.Should().Be(2);
        state.Details!.Messages.Should().HaveCount(before + 1);
    }

    [Fact]
    public async Task The_panel_s_own_save_and_its_change_event_load_the_header_once()
    {
        var state = await LoadedAsync(ticketId);
        var version = await SaveSubjectAsync("Saved in the panel");

        await state.SavedAsync(version);
        await state.RefreshAsync(new TicketChange(ticketId, 0, TicketFields.Subject | TicketFields.Updated, version));

        (state.FullLoads, state.HeaderLoads).Should().Be((1, 1));
        state.Details!.Edit.Subject.Should().Be("Saved in the panel");
    }
}

public sealed class TicketDetailStateSqliteTests() : TicketDetailStateTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class TicketDetailStatePostgresTests() : TicketDetailStateTests(DatabaseProvider.Postgres);
