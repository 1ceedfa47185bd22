using System.Globalization;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.Components;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tickets;

public sealed class InformationPanelTests : BlazorTicketsTestContext
{
    private TestServices app = null!;
    private TicketService tickets = null!;
    private TicketDetails ticket = null!;

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        await SignInAsAgentAsync();
        tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var id = await db.Set<Ticket>().Where(t => t.Number == 1003).Select(t => t.Id).SingleAsync();
        ticket = (await tickets.GetAsync(id))!;
    }

    private IRenderedComponent<InformationPanel> RenderPanel(TicketEdit edit) =>
        Render<InformationPanel>(p => p
            .Add(x => x.Ticket, edit)
            .Add(x => x.ChangedBy, "Anna Agent"));

    /// <summary>The text fields take every keystroke (input events); the others take the value when it is committed.</summary>
    private static readonly string[] ImmediateFields = ["field-subject", "field-customer-note", "field-internal-note"];

    private static void Type(IRenderedComponent<InformationPanel> cut, string testId, string value)
    {
        var input = cut.Find(InputOf(testId));
        if (ImmediateFields.Contains(testId))
        {
            input.Input(value);
        }
        else
        {
            input.Change(value);
        }
    }

    /// <summary>MudBlazor puts extra attributes on the input itself for some fields and on the wrapper for others.</summary>
    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    private async Task<string> SubjectInDatabase()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().Where(t => t.Id == ticket.Id).Select(t => t.Subject).SingleAsync();
    }

    [Fact]
    public void Shows_the_ticket_fields()
    {
        var cut = RenderPanel(ticket.Edit);

        cut.WaitForAssertion(() =>
            cut.Find(InputOf("field-subject")).GetAttribute("value").Should().Be(ticket.Edit.Subject));
    }

    [Fact]
    public async Task Saves_an_edit_and_confirms_it()
    {
        var cut = RenderPanel(ticket.Edit);

        Type(cut, "field-subject", "Printer on 3rd floor offline");
        Type(cut, "field-customer-note", "A technician comes on Monday.");
        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() => cut.Find("[data-testid=saved-message]").TextContent.Should().Be("Saved."));
        var saved = (await tickets.GetAsync(ticket.Id))!.Edit;
        saved.Subject.Should().Be("Printer on 3rd floor offline");
        saved.CustomerNote.Should().Be("A technician comes on Monday.");
        saved.Version.Should().Be(ticket.Edit.Version + 1);
    }

    [Fact]
    public async Task Refuses_negative_effort_with_a_clear_message_and_saves_nothing()
    {
        var cut = RenderPanel(ticket.Edit);

        Type(cut, "field-subject", "Edited but invalid");
        Type(cut, "field-effort", "-2");
        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            cut.Markup.Should().Contain("The estimated effort must be 0 or more hours.");
            cut.Find("[data-testid=validation-summary]");
        });
        (await SubjectInDatabase()).Should().Be(ticket.Edit.Subject);
    }

    [Fact]
    public async Task Refuses_a_processing_end_before_the_start()
    {
        var edit = ticket.Edit.Clone();
        edit.ProcessingStart = new DateTime(2026, 3, 20, 14, 0, 0);
        edit.ProcessingEnd = new DateTime(2026, 3, 20, 9, 0, 0);
        var cut = RenderPanel(edit);

        Type(cut, "field-subject", "Edited but invalid");
        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() => cut.Markup.Should().Contain("The processing end must be after the processing start."));
        (await SubjectInDatabase()).Should().Be(ticket.Edit.Subject);
    }

    [Fact]
    public async Task Refuses_a_handler_outside_group_ticket_support()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var billingClerk = await db.Users.Where(u => u.Email == "bill@contoso.example").Select(u => u.Id).SingleAsync();
        var edit = ticket.Edit.Clone();
        edit.HandlerId = billingClerk;
        var cut = RenderPanel(edit);

        Type(cut, "field-subject", "Edited but invalid");
        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() => cut.Markup.Should().Contain("The ticket handler must be a member of group Ticket-Support."));
        (await SubjectInDatabase()).Should().Be(ticket.Edit.Subject);
    }

    [Fact]
    public async Task Shows_the_other_agents_change_on_a_conflict_and_reloads_it()
    {
        var cut = RenderPanel(ticket.Edit);
        var theirs = ticket.Edit.Clone();
        theirs.Subject = "Subject saved by Ben";
        theirs.Status = TicketStatus.Closed;
        (await tickets.SaveAsync(ticket.Edit, theirs, "Ben Berger")).Should().BeOfType<SaveTicketResult.Saved>();

        Type(cut, "field-subject", "Subject typed by Anna");
        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            var message = cut.Find("[data-testid=conflict-message]");
            message.TextContent.Should().Contain("Ben Berger saved this ticket");
            var rows = cut.FindAll("[data-testid=conflict-change]").Select(r => r.TextContent).ToList();
            rows.Should().Contain(r => r.Contains("Subject") && r.Contains("Subject saved by Ben") && r.Contains("Subject typed by Anna"));
            rows.Should().Contain(r => r.Contains("Status") && r.Contains("Closed"));
        });
        (await SubjectInDatabase()).Should().Be("Subject saved by Ben");

        await cut.Find("[data-testid=conflict-reload]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            cut.FindAll("[data-testid=conflict-message]").Should().BeEmpty();
            cut.Find(InputOf("field-subject")).GetAttribute("value").Should().Be("Subject saved by Ben");
        });
    }

    /// <summary>The text around one field: its label, value, helper and error text.</summary>
    private static string FieldText(IRenderedComponent<InformationPanel> cut, string testId) =>
        cut.Find(InputOf(testId)).Closest(".mud-input-control")!.TextContent;

    private static bool FieldMarkedAsError(IRenderedComponent<InformationPanel> cut, string testId) =>
        cut.Find(InputOf(testId)).Closest(".mud-input-control")!.QuerySelector(".mud-input-error") is not null;

    private static string? ValueOf(IRenderedComponent<InformationPanel> cut, string testId)
    {
        var input = cut.Find(InputOf(testId));
        return input.GetAttribute("value") ?? input.TextContent;
    }

    private async Task<TicketEdit> StoredAsync() => (await tickets.GetAsync(ticket.Id))!.Edit;

    [Fact]
    public async Task Saves_a_processing_start_and_end_picked_in_the_browsers_date_time_field()
    {
        var cut = RenderPanel(ticket.Edit);

        // What a datetime-local input sends, whatever the page's language.
        Type(cut, "field-processing-start", "2026-03-20T09:15");
        Type(cut, "field-processing-end", "2026-03-20T17:45");
        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() => cut.Find("[data-testid=saved-message]"));
        var stored = await StoredAsync();
        stored.ProcessingStart.Should().Be(new DateTime(2026, 3, 20, 9, 15, 0));
        stored.ProcessingEnd.Should().Be(new DateTime(2026, 3, 20, 17, 45, 0));

        var reloaded = RenderPanel(stored);
        reloaded.WaitForAssertion(() =>
        {
            ValueOf(reloaded, "field-processing-start").Should().Be("2026-03-20T09:15");
            ValueOf(reloaded, "field-processing-end").Should().Be("2026-03-20T17:45");
        });
    }

    [Fact]
    public async Task An_unreadable_processing_start_blocks_the_save_with_a_german_message_on_that_field()
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
        try
        {
            var cut = RenderPanel(ticket.Edit);

            Type(cut, "field-subject", "Edited with a broken date");
            Type(cut, "field-processing-start", "2026-02-31T25:99");
            await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

            cut.WaitForAssertion(() =>
            {
                FieldText(cut, "field-processing-start").Should().Contain("Geben Sie ein gültiges Datum mit Uhrzeit ein.");
                FieldMarkedAsError(cut, "field-processing-start").Should().BeTrue();
                cut.FindAll("[data-testid=saved-message]").Should().BeEmpty();
                cut.Markup.Should().NotContain("Not a valid date time");
            });
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
        (await SubjectInDatabase()).Should().Be(ticket.Edit.Subject);
    }

    [Fact]
    public async Task A_negative_effort_marks_the_effort_field_itself()
    {
        var cut = RenderPanel(ticket.Edit);

        Type(cut, "field-effort", "-3");
        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            cut.Find("[data-testid=validation-summary]");
            FieldMarkedAsError(cut, "field-effort").Should().BeTrue();
            FieldText(cut, "field-effort").Should().Contain("The estimated effort must be 0 or more hours.");
        });
        (await StoredAsync()).EstimatedEffortHours.Should().Be(ticket.Edit.EstimatedEffortHours);
    }

    [Fact]
    public async Task Text_being_typed_survives_another_agents_save_and_the_save_then_shows_the_conflict()
    {
        var cut = RenderPanel(ticket.Edit);
        // Typing with the cursor still in the field: input events only, no change event yet.
        cut.Find(InputOf("field-internal-note")).Input("Ben: the customer wants a callback.");

        var annas = ticket.Edit.Clone();
        annas.InternalNote = "Anna: sent the new driver.";
        annas.CustomerNote = "A new driver is on its way.";
        (await tickets.SaveAsync(ticket.Edit, annas, "Anna Agent")).Should().BeOfType<SaveTicketResult.Saved>();
        // What the ticket page does on the change event: hand the panel the newly loaded ticket.
        var afterAnna = await StoredAsync();
        cut.Render(p => p.Add(x => x.Ticket, afterAnna));

        cut.WaitForAssertion(() =>
        {
            ValueOf(cut, "field-internal-note").Should().Be("Ben: the customer wants a callback.");
            ValueOf(cut, "field-customer-note").Should().Be("A new driver is on its way.", "a field Ben has not touched follows the other save");
        });

        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            cut.Find("[data-testid=conflict-message]").TextContent.Should().Contain("Anna Agent saved this ticket");
            cut.FindAll("[data-testid=saved-message]").Should().BeEmpty();
            var rows = cut.FindAll("[data-testid=conflict-change]").Select(r => r.TextContent).ToList();
            rows.Should().ContainSingle().Which.Should()
                .Contain("Internal note").And.Contain("Anna: sent the new driver.").And.Contain("Ben: the customer wants a callback.");
        });
        (await StoredAsync()).InternalNote.Should().Be("Anna: sent the new driver.");
    }

    [Fact]
    public async Task A_live_update_of_fields_not_being_edited_does_not_stand_in_the_way_of_the_save()
    {
        var cut = RenderPanel(ticket.Edit);
        cut.Find(InputOf("field-internal-note")).Input("Ben: checked the logs.");

        var annas = ticket.Edit.Clone();
        annas.CustomerNote = "We are on it.";
        (await tickets.SaveAsync(ticket.Edit, annas, "Anna Agent")).Should().BeOfType<SaveTicketResult.Saved>();
        var afterAnna = await StoredAsync();
        cut.Render(p => p.Add(x => x.Ticket, afterAnna));

        await cut.Find("[data-testid=save-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() => cut.Find("[data-testid=saved-message]"));
        var stored = await StoredAsync();
        stored.InternalNote.Should().Be("Ben: checked the logs.");
        stored.CustomerNote.Should().Be("We are on it.");
    }
}
