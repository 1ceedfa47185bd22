using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.Components;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tickets;

public sealed class InformationPanelTests : BunitContext, IAsyncLifetime
{
    private TestServices app = null!;
    private TicketService tickets = null!;
    private TicketDetails ticket = null!;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true);
        await this.SignInAsAgentAsync(app);
        tickets = new TicketService(app.DbFactory, app.Get<TimeProvider>());
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var id = await db.Tickets.Where(t => t.Number == 1003).Select(t => t.Id).SingleAsync();
        ticket = (await tickets.GetAsync(id))!;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await app.DisposeAsync();
    }

    private IRenderedComponent<InformationPanel> RenderPanel(TicketEdit edit) =>
        Render<InformationPanel>(p => p
            .Add(x => x.Ticket, edit)
            .Add(x => x.ChangedBy, "Anna Agent"));

    private static void Type(IRenderedComponent<InformationPanel> cut, string testId, string value) =>
        cut.Find(InputOf(testId)).Change(value);

    /// <summary>MudBlazor puts extra attributes on the input itself for some fields and on the wrapper for others.</summary>
    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    private async Task<string> SubjectInDatabase()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Subject).SingleAsync();
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
}
