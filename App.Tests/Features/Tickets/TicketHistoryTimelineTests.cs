using System.Globalization;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Tickets.History;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>The history beside the conversation: live, filtered by kind, in German, and without internal entries for customers.</summary>
public sealed class TicketHistoryTimelineTests : BlazorTicketsTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private TestServices app = null!;
    private int ticketId;

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        await SignInAsAgentAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        ticketId = await db.Set<Ticket>().Where(t => t.Messages.Any()).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
    }

    private async Task SaveAsync(Action<TicketEdit> change)
    {
        await using var scope = app.CreateScope();
        var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();
        var original = (await tickets.GetAsync(ticketId))!.Edit;
        var edited = original.Clone();
        change(edited);
        (await tickets.SaveAsync(original, edited, "Ben Berger")).Should().BeOfType<SaveTicketResult.Saved>();
    }

    private IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> RenderTimeline(bool customerView = false, bool first = true) =>
        Render(builder =>
        {
            if (first)
            {
                builder.OpenComponent<MudPopoverProvider>(0);
                builder.CloseComponent();
            }
            builder.OpenComponent<TicketHistoryTimeline>(1);
            builder.AddAttribute(2, nameof(TicketHistoryTimeline.TicketId), ticketId);
            builder.AddAttribute(3, nameof(TicketHistoryTimeline.CustomerView), customerView);
            builder.CloseComponent();
        });

    [Fact]
    public async Task A_change_saved_elsewhere_appears_at_the_top_without_reloading_what_is_shown()
    {
        await SaveAsync(edit => edit.CustomerNote = "First note");
        var cut = RenderTimeline();
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=history-entry]").Should().NotBeEmpty(), Patience);
        var before = cut.FindAll("[data-testid=history-entry]").Count;
        var firstEntry = cut.FindAll("[data-testid=history-entry]")[0];

        await SaveAsync(edit => edit.Status = edit.Status == TicketStatus.Closed ? TicketStatus.Open : TicketStatus.Closed);

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=history-entry]").Should().HaveCount(before + 1), Patience);
        var newest = cut.FindAll("[data-testid=history-entry]")[0];
        newest.GetAttribute("data-kind").Should().Be(nameof(HistoryKind.Status));
        newest.TextContent.Should().Contain("Status:").And.Contain("Ben Berger");
        cut.FindAll("[data-testid=history-entry]")[1].TextContent.Should().Be(firstEntry.TextContent, "the entries shown before stay as they were");
    }

    [Fact]
    public async Task The_customer_sees_no_internal_entries_and_the_agent_reads_the_history_in_german()
    {
        await SaveAsync(edit =>
        {
            edit.InternalNote = "Secret: customer is difficult";
            edit.CustomerNote = "We are on it.";
        });
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
        try
        {
            var agentView = RenderTimeline();
            agentView.WaitForAssertion(() => agentView.Markup.Should().Contain("Secret: customer is difficult"), Patience);
            agentView.Find("h2").TextContent.Should().Be("Verlauf");
            agentView.Markup.Should().Contain("Interne Notiz:").And.Contain("Kundennotiz:");

            var customerView = RenderTimeline(customerView: true, first: false);
            customerView.WaitForAssertion(() => customerView.Markup.Should().Contain("We are on it."), Patience);
            customerView.Markup.Should().NotContain("Secret: customer is difficult").And.NotContain("Interne Notiz");
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }

    [Fact]
    public void Every_kind_of_entry_is_in_exactly_one_filter_besides_everything()
    {
        foreach (var kind in Enum.GetValues<HistoryKind>())
        {
            Enum.GetValues<HistoryFilter>().Where(f => f != HistoryFilter.All && f.Matches(kind)).Should().ContainSingle(kind.ToString());
            HistoryFilter.All.Matches(kind).Should().BeTrue();
        }
    }
}
