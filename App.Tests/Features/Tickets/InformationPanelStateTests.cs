using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.Components;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>The information panel's edit rules without rendering it, on the demo data in a real SQLite file.</summary>
public sealed class InformationPanelStateTests : IAsyncLifetime
{
    private TestServices app = null!;
    private TicketService tickets = null!;
    private int ticketId;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true);
        tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
        await using var db = await app.DbFactory.CreateDbContextAsync();
        ticketId = await db.Set<Ticket>().Where(t => t.Number == 1003).Select(t => t.Id).SingleAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<TicketEdit> LoadedAsync() => (await tickets.GetAsync(ticketId))!.Edit;

    private async Task<InformationPanelState> OpenedAsync()
    {
        var state = new InformationPanelState(tickets);
        state.Follow(await LoadedAsync());
        return state;
    }

    private static Func<int, Task> Ignore => _ => Task.CompletedTask;

    [Fact]
    public async Task A_save_writes_the_edit_reports_its_version_and_leaves_nothing_dirty()
    {
        var state = await OpenedAsync();
        var before = state.Original.Version;
        state.Edit.Subject = "Printer on 3rd floor offline";
        state.IsDirty.Should().BeTrue();
        int? reported = null;

        await state.SaveAsync("Anna Agent", version => { reported = version; return Task.CompletedTask; });

        reported.Should().NotBeNull().And.NotBe(before);
        state.SavedMessage.Should().BeTrue();
        state.IsDirty.Should().BeFalse();
        (await LoadedAsync()).Subject.Should().Be("Printer on 3rd floor offline");
    }

    [Fact]
    public async Task A_save_elsewhere_replaces_an_unedited_form_and_keeps_what_the_agent_typed_in_an_edited_one()
    {
        var state = await OpenedAsync();
        var other = await OpenedAsync();
        other.Edit.CustomerNote = "Changed by a colleague";
        await other.SaveAsync("Ben", Ignore);

        state.Follow(await LoadedAsync());
        state.Edit.CustomerNote.Should().Be("Changed by a colleague");
        state.ChangedElsewhere.Should().BeFalse();

        state.Edit.InternalNote = "Mine";
        other.Edit.InternalNote = "Theirs";
        other.Edit.Subject = "Their subject";
        await other.SaveAsync("Ben", Ignore);
        state.Follow(await LoadedAsync());

        state.Edit.InternalNote.Should().Be("Mine");
        state.Edit.Subject.Should().Be("Their subject", "the agent did not touch the subject");
        state.ChangedElsewhere.Should().BeTrue();
    }

    [Fact]
    public async Task Saving_over_a_colleague_s_save_of_the_same_field_is_a_conflict_that_reloads_the_saved_ticket()
    {
        var state = await OpenedAsync();
        var other = await OpenedAsync();
        other.Edit.Subject = "Theirs";
        await other.SaveAsync("Ben", Ignore);

        state.Edit.Subject = "Mine";
        await state.SaveAsync("Anna Agent", Ignore);

        state.Conflict.Should().NotBeNull();
        state.Conflict!.Changes.Should().Contain(c => c.Theirs == "Theirs" && c.Yours == "Mine");
        state.ReloadAfterConflict();
        state.Conflict.Should().BeNull();
        state.Edit.Subject.Should().Be("Theirs");
        state.IsDirty.Should().BeFalse();
    }

    [Fact]
    public async Task Unreadable_date_text_blocks_the_save_until_it_is_fixed_and_survives_a_save_elsewhere()
    {
        var state = await OpenedAsync();
        state.SetProcessingStart("not a date");
        await state.SaveAsync("Anna Agent", Ignore);
        state.Errors.English(nameof(TicketEdit.ProcessingStart)).Should().Be("Enter a valid date and time.");

        var other = await OpenedAsync();
        other.Edit.CustomerNote = "Meanwhile";
        await other.SaveAsync("Ben", Ignore);
        state.Follow(await LoadedAsync());
        state.ProcessingStartText.Should().Be("not a date");

        state.Edited();
        state.Errors.Should().BeEmpty();
        state.SetProcessingStart("2026-03-20T08:30");
        await state.SaveAsync("Anna Agent", Ignore);

        state.Errors.Should().BeEmpty();
        (await LoadedAsync()).ProcessingStart.Should().Be(new DateTime(2026, 3, 20, 8, 30, 0));
    }

    [Fact]
    public async Task Discard_returns_to_the_ticket_as_loaded_and_a_customer_of_another_tenant_is_flagged()
    {
        var state = await OpenedAsync();
        state.SetHandler(null);
        state.SetWatchers(["someone"]);
        state.SetCustomer(null);
        state.SetAssignedCustomers([]);
        state.IsDirty.Should().BeTrue();

        state.Discard();

        state.IsDirty.Should().BeFalse();
        state.OfAnotherTenant(new CustomerOption(1, "Other", "", state.Edit.TenantId + 1)).Should().BeTrue();
        state.OfAnotherTenant(new CustomerOption(1, "Same", "", state.Edit.TenantId)).Should().BeFalse();
    }
}
