using BlazorTickets.Features.Admin.History.Pages;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Admin;

public sealed class HistoryPageTests : IAsyncLifetime
{
    private AdminTestHost host = null!;

    public async Task InitializeAsync() => host = await AdminTestHost.StartAsync(seedDemoData: true);

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_admin_sees_status_changes_of_every_ticket_filtered_from_the_address_and_can_export_them()
    {
        int ticketId, number;
        await using (var db = host.CreateDbContext())
        {
            (ticketId, number) = await db.Set<Ticket>().OrderBy(t => t.Id).Select(t => ValueTuple.Create(t.Id, t.Number)).FirstAsync();
        }
        await using (var scope = host.App.CreateScope())
        {
            var tickets = scope.ServiceProvider.GetRequiredService<TicketService>();
            var original = (await tickets.GetAsync(ticketId))!.Edit;
            var edited = original.Clone();
            edited.Status = original.Status == TicketStatus.Closed ? TicketStatus.Open : TicketStatus.Closed;
            (await tickets.SaveAsync(original, edited, "Anna Agent")).Should().BeOfType<SaveTicketResult.Saved>();
        }

        await using var context = new BlazorTicketsTestContext(host.App);
        await context.SignInAsUserAsync("admin@contoso.example", Groups.Admins);
        context.Services.GetRequiredService<NavigationManager>().NavigateTo("/admin/history?kind=Status");
        var page = context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<HistoryPage>(1);
            builder.CloseComponent();
        });

        page.WaitForAssertion(() => page.FindAll("[data-testid=history-row]").Should().NotBeEmpty(), TimeSpan.FromSeconds(10));
        var rows = page.FindAll("[data-testid=history-row]");
        rows.Should().OnlyContain(r => r.TextContent.Contains("Status:"), "the address asked for status changes only");
        rows[0].TextContent.Should().Contain($"#{number}").And.Contain("Anna Agent");
        page.Find("[data-testid=history-csv]").GetAttribute("href").Should().Be("/admin/history.csv?kind=Status");
    }
}
