using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>
/// Optimistic concurrency and validation of <see cref="TicketService.SaveAsync"/> on a real database of each provider.
/// Each test works on its own demo ticket, so the tests can share one seeded database.
/// </summary>
public abstract class TicketConcurrencyTests(SeededDatabaseFixture fixture)
{
    private TestServices Services => fixture.Services;

    [Fact]
    public async Task The_second_of_two_edits_from_the_same_version_gets_a_conflict_with_the_first_edits_changes()
    {
        var original = await LoadAsync(1010);
        var carla = await UserIdAsync("carla@contoso.example");
        var ben = await UserIdAsync("ben@contoso.example");
        var newHandler = original.HandlerId == carla ? ben : carla;
        var newHandlerName = newHandler == carla ? "Carla Senior" : "Ben Berger";
        var originalHandlerName = await HandlerNameAsync(original.HandlerId);

        var first = original.Clone();
        first.Subject = "Printer on 2nd floor: driver rolled back";
        first.HandlerId = newHandler;
        var second = original.Clone();
        second.Status = OtherStatus(original.Status);
        second.CustomerNote = "We will call you tomorrow.";

        var firstResult = await SaveAsync(original, first, "Anna Agent");
        var secondResult = await SaveAsync(original, second, "Ben Berger");

        firstResult.Should().BeOfType<SaveTicketResult.Saved>().Which.Version.Should().Be(original.Version + 1);
        var conflict = secondResult.Should().BeOfType<SaveTicketResult.Conflict>().Subject;
        conflict.ChangedBy.Should().Be("Anna Agent");
        conflict.Changes.Should().BeEquivalentTo(
        [
            new FieldChange("Subject", Theirs: "Printer on 2nd floor: driver rolled back", Yours: original.Subject),
            new FieldChange("Ticket handler", Theirs: newHandlerName, Yours: originalHandlerName),
            new FieldChange("Status", Theirs: original.Status.DisplayName(), Yours: second.Status.DisplayName()),
            new FieldChange("Customer note", Theirs: original.CustomerNote, Yours: "We will call you tomorrow."),
        ], "the conflict shows what the other agent changed and what this agent's save would have lost");
        conflict.Current.Version.Should().Be(original.Version + 1);
        conflict.Current.Subject.Should().Be(first.Subject);
        conflict.Current.HandlerId.Should().Be(newHandler);
        conflict.Current.Status.Should().Be(original.Status);

        var stored = await LoadAsync(1010);
        stored.Subject.Should().Be(first.Subject);
        stored.Status.Should().Be(original.Status, "nothing of the conflicting edit may be written");
        stored.CustomerNote.Should().Be(original.CustomerNote);
        stored.Version.Should().Be(original.Version + 1);
        (await UpdatedByAsync(1010)).Should().Be("Anna Agent");
    }

    [Fact]
    public async Task A_conflict_lists_the_dropped_changes_and_leaves_out_fields_nobody_touched()
    {
        var original = await LoadAsync(1013);
        var first = original.Clone();
        first.InternalNote = "Anna: the customer called back.";
        var second = original.Clone();
        second.InternalNote = "Ben: waiting for the log files.";
        second.EstimatedEffortHours = 7.5m;

        (await SaveAsync(original, first, "Anna Agent")).Should().BeOfType<SaveTicketResult.Saved>();
        var conflict = (await SaveAsync(original, second, "Ben Berger")).Should().BeOfType<SaveTicketResult.Conflict>().Subject;

        conflict.Changes.Select(c => c.Field).Should().BeEquivalentTo(["Internal note", "Estimated effort"]);
        conflict.Changes.Should().ContainEquivalentOf(new FieldChange("Internal note", "Anna: the customer called back.", "Ben: waiting for the log files."));
        conflict.Changes.Single(c => c.Field == "Estimated effort").Yours.Should().Contain("7.5");
        var stored = await LoadAsync(1013);
        stored.InternalNote.Should().Be("Anna: the customer called back.");
        stored.EstimatedEffortHours.Should().Be(original.EstimatedEffortHours);
    }

    [Fact]
    public async Task The_same_value_saved_by_both_agents_is_no_conflict()
    {
        var original = await LoadAsync(1014);
        var first = original.Clone();
        first.CustomerNote = "Fixed with the new driver.";
        var second = original.Clone();
        second.CustomerNote = "Fixed with the new driver.";
        second.Subject = "Printer driver replaced";

        (await SaveAsync(original, first, "Anna Agent")).Should().BeOfType<SaveTicketResult.Saved>();
        (await SaveAsync(original, second, "Ben Berger")).Should().BeOfType<SaveTicketResult.Saved>();

        var stored = await LoadAsync(1014);
        stored.Subject.Should().Be("Printer driver replaced");
        stored.CustomerNote.Should().Be("Fixed with the new driver.");
    }

    [Fact]
    public async Task After_a_conflict_the_edit_saves_on_top_of_the_current_values()
    {
        var original = await LoadAsync(1011);
        var first = original.Clone();
        first.Subject = "Backup failed tonight (disk full)";
        var second = original.Clone();
        second.Status = OtherStatus(original.Status);
        await SaveAsync(original, first, "Anna Agent");
        var conflict = (SaveTicketResult.Conflict)await SaveAsync(original, second, "Ben Berger");

        // What the page does on "reload": the current values become the new original, the user's change goes on top.
        var retry = conflict.Current.Clone();
        retry.Status = second.Status;
        var result = await SaveAsync(conflict.Current, retry, "Ben Berger");

        result.Should().BeOfType<SaveTicketResult.Saved>().Which.Version.Should().Be(original.Version + 2);
        var stored = await LoadAsync(1011);
        stored.Subject.Should().Be("Backup failed tonight (disk full)");
        stored.Status.Should().Be(second.Status);
        (await UpdatedByAsync(1011)).Should().Be("Ben Berger");
    }

    [Fact]
    public async Task An_internal_note_added_in_between_does_not_cause_a_conflict()
    {
        var original = await LoadAsync(1012);
        var ticketId = original.Id;
        await using (var scope = Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<TicketService>()
                .AddInternalNoteAsync(ticketId, "Called the customer, they will send a screenshot.", await UserIdAsync("ben@contoso.example"), "Ben Berger");
        }
        (await LoadAsync(1012)).Version.Should().BeGreaterThan(original.Version, "the note touched the ticket, so the plain version check would fail");

        var edit = original.Clone();
        edit.Status = OtherStatus(original.Status);
        var result = await SaveAsync(original, edit, "Anna Agent");

        result.Should().BeOfType<SaveTicketResult.Saved>();
        var stored = await LoadDetailsAsync(1012);
        stored.Edit.Status.Should().Be(edit.Status);
        stored.Messages.Should().Contain(m => m.Direction == MessageDirection.InternalNote && m.TextBody == "Called the customer, they will send a screenshot.");
    }

    [Fact]
    public async Task A_processing_end_before_the_start_is_invalid_and_nothing_is_written()
    {
        await ShouldBeRejectedAsync(1020, edit =>
        {
            edit.ProcessingStart = new DateTime(2026, 3, 10, 14, 0, 0);
            edit.ProcessingEnd = new DateTime(2026, 3, 10, 9, 0, 0);
        }, nameof(TicketEdit.ProcessingEnd));
    }

    [Fact]
    public async Task A_negative_estimated_effort_is_invalid_and_nothing_is_written()
    {
        await ShouldBeRejectedAsync(1021, edit => edit.EstimatedEffortHours = -1.5m, nameof(TicketEdit.EstimatedEffortHours));
    }

    [Fact]
    public async Task A_handler_outside_ticket_support_is_invalid_and_nothing_is_written()
    {
        var billingClerk = await UserIdAsync("bill@contoso.example");

        await ShouldBeRejectedAsync(1022, edit => edit.HandlerId = billingClerk, nameof(TicketEdit.HandlerId));
    }

    [Fact]
    public async Task A_customer_of_another_tenant_is_invalid_and_nothing_is_written()
    {
        int otherTenantsCustomer;
        await using (var db = await Services.DbFactory.CreateDbContextAsync())
        {
            var tenant = new Tenant { Name = "Other tenant (validation test)" };
            var customer = new Customer { Name = "Olga Other", Tenant = tenant, CustomerNumber = "O-1" };
            db.Set<Customer>().Add(customer);
            await db.SaveChangesAsync();
            otherTenantsCustomer = customer.Id;
        }

        await ShouldBeRejectedAsync(1023, edit => edit.CustomerId = otherTenantsCustomer, nameof(TicketEdit.CustomerId));
    }

    [Fact]
    public async Task Several_broken_rules_are_all_reported_at_once()
    {
        var billingClerk = await UserIdAsync("bill@contoso.example");

        await ShouldBeRejectedAsync(1024, edit =>
        {
            edit.Subject = "   ";
            edit.EstimatedEffortHours = -3;
            edit.HandlerId = billingClerk;
        }, nameof(TicketEdit.Subject), nameof(TicketEdit.EstimatedEffortHours), nameof(TicketEdit.HandlerId));
    }

    private async Task ShouldBeRejectedAsync(int number, Action<TicketEdit> breakRule, params string[] expectedKeys)
    {
        var original = await LoadAsync(number);
        var edit = original.Clone();
        edit.InternalNote = "This change must not be stored.";
        breakRule(edit);

        var result = await SaveAsync(original, edit, "Anna Agent");

        result.Should().BeOfType<SaveTicketResult.Invalid>()
            .Which.Errors.Keys.Should().BeEquivalentTo(expectedKeys);
        var stored = await LoadAsync(number);
        stored.Version.Should().Be(original.Version);
        TicketValidation.Differences(original, stored).Select(f => f.Label).Should().BeEmpty();
    }

    private async Task<SaveTicketResult> SaveAsync(TicketEdit original, TicketEdit edited, string changedBy)
    {
        await using var scope = Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<TicketService>().SaveAsync(original, edited, changedBy);
    }

    private async Task<TicketEdit> LoadAsync(int number) => (await LoadDetailsAsync(number)).Edit;

    private async Task<TicketDetails> LoadDetailsAsync(int number)
    {
        int id;
        await using (var db = await Services.DbFactory.CreateDbContextAsync())
        {
            id = await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.Id).SingleAsync();
        }
        await using var scope = Services.CreateScope();
        var details = await scope.ServiceProvider.GetRequiredService<TicketService>().GetAsync(id);
        return details ?? throw new InvalidOperationException($"Ticket {number} vanished.");
    }

    private async Task<string?> UpdatedByAsync(int number)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Number == number).Select(t => t.UpdatedBy).SingleAsync();
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }

    private async Task<string> HandlerNameAsync(string? userId)
    {
        if (userId is null)
        {
            return "—";
        }
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).SingleAsync();
    }

    private static TicketStatus OtherStatus(TicketStatus status) =>
        status == TicketStatus.Closed ? TicketStatus.Open : TicketStatus.Closed;
}

public sealed class TicketConcurrencySqliteTests(SeededDatabaseFixture fixture)
    : TicketConcurrencyTests(fixture), IClassFixture<SeededDatabaseFixture>;

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class TicketConcurrencyPostgresTests(PostgresSeededDatabaseFixture fixture)
    : TicketConcurrencyTests(fixture), IClassFixture<PostgresSeededDatabaseFixture>;
