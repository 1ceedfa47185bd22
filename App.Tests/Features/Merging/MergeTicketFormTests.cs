using BlazorTickets.Features.Desk;
using BlazorTickets.Features.Merging;
using BlazorTickets.Features.Merging.Components;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Merging;

public sealed class MergeTicketFormTests : BlazorTicketsTestContext
{
    private TestServices app = null!;

    public override async Task InitializeAsync()
    {
        app = await UseNewAppAsync(seedDemoData: true);
        await SignInAsAgentAsync();
    }

    private async Task<(int Id, int Number, int Version)> TicketAsync(int skip)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<Ticket>().OrderBy(t => t.Id).Skip(skip).Select(t => ValueTuple.Create(t.Id, t.Number, t.Version)).FirstAsync();
    }

    [Fact]
    public async Task Opening_a_merged_ticket_leads_to_the_ticket_it_went_into()
    {
        var source = await TicketAsync(0);
        var target = await TicketAsync(1);
        await using (var scope = app.CreateScope())
        {
            (await scope.ServiceProvider.GetRequiredService<TicketMergeService>().MergeAsync(target.Id, [source.Id], "Anna Agent"))
                .Should().BeOfType<MergeResult.Merged>();
        }

        Render<TicketDetail>(p => p.Add(x => x.Id, source.Id));

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.Uri.Should().EndWith($"/tickets/{target.Id}");
    }

    [Fact]
    public async Task A_number_that_is_no_ticket_is_told_at_the_field_and_nothing_is_merged()
    {
        var ticket = await TicketAsync(2);
        var cut = Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MergeTicketForm>(1);
            builder.AddAttribute(2, nameof(MergeTicketForm.TicketId), ticket.Id);
            builder.AddAttribute(3, nameof(MergeTicketForm.TicketTag), Ticket.FormatNumber(ticket.Number));
            builder.AddAttribute(4, nameof(MergeTicketForm.Version), ticket.Version);
            builder.AddAttribute(5, nameof(MergeTicketForm.UserName), "Anna Agent");
            builder.CloseComponent();
        });
        cut.Find(".mud-expand-panel-header").Click();

        cut.Find("input[data-testid=merge-target]").Change("twelve");
        cut.Find("[data-testid=merge-submit]").Click();
        cut.WaitForAssertion(() => cut.Markup.Should().Contain("Enter the number of the ticket to merge into"));

        cut.Find("input[data-testid=merge-target]").Change("#987654");
        cut.Find("[data-testid=merge-submit]").Click();
        cut.WaitForAssertion(() => cut.Markup.Should().Contain("#987654 does not exist or is not yours to change"));

        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<Ticket>().SingleAsync(t => t.Id == ticket.Id)).MergedIntoTicketId.Should().BeNull();
    }

    [Fact]
    public async Task Every_message_of_a_ticket_with_several_offers_to_be_split_off()
    {
        int ticketId, messages;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            ticketId = await db.Set<Ticket>().Where(t => t.Messages.Count(m => m.Direction != MessageDirection.InternalNote) > 1).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
            messages = await db.Set<TicketMessage>().CountAsync(m => m.TicketId == ticketId);
        }

        var cut = Render<TicketDetail>(p => p.Add(x => x.Id, ticketId));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=message]").Should().HaveCount(messages), TimeSpan.FromSeconds(10));
        cut.FindAll("[data-testid=message-actions]").Should().HaveCount(messages);
    }
}
