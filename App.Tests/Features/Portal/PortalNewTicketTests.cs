using System.Security.Claims;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Portal.Pages;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Portal;

public sealed class PortalNewTicketTests : BlazorTicketsTestContext, IClassFixture<SeededDatabaseFixture>
{
    private readonly TestServices app;
    private PortalCustomer max = null!;

    public PortalNewTicketTests(SeededDatabaseFixture fixture) : base(fixture.Services)
    {
        app = fixture.Services;
    }

    public override async Task InitializeAsync()
    {
        max = await PortalTestData.CustomerAsync(app.DbFactory, PortalTestData.MaxEmail);
        SignIn(max.Email, max.UserId, max.DisplayName, [Groups.Customer], null,
            new Claim(ClaimTypes.Email, max.Email),
            new Claim(AppClaimsPrincipalFactory.CustomerIdClaim, max.CustomerId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static string InputOf(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea";

    [Fact]
    public async Task Without_subject_and_text_both_fields_say_what_is_missing_and_nothing_is_created()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var count = await db.Set<Ticket>().CountAsync();
        var cut = Render<PortalNewTicket>();

        await cut.Find("[data-testid=create-ticket]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            cut.Markup.Should().Contain(PortalValidation.SubjectMissing).And.Contain(PortalValidation.TextMissing);
        }, TimeSpan.FromSeconds(30));
        (await db.Set<Ticket>().CountAsync()).Should().Be(count);
    }

    [Fact]
    public async Task A_new_ticket_is_created_for_the_customer_and_opened()
    {
        var cut = Render<PortalNewTicket>();

        cut.Find(InputOf("new-subject")).Change("Label printer prints blank labels");
        cut.Find(InputOf("new-text")).Change("Since this morning every label comes out blank.");
        await cut.Find("[data-testid=create-ticket]").ClickAsync(new());

        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => navigation.Uri.Should().MatchRegex(@"/portal/tickets/\d+$"), TimeSpan.FromSeconds(30));
        var id = int.Parse(navigation.Uri[(navigation.Uri.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>().Include(t => t.Messages).SingleAsync(t => t.Id == id);
        ticket.Subject.Should().Be("Label printer prints blank labels");
        ticket.CustomerId.Should().Be(max.CustomerId);
        ticket.Messages.Should().ContainSingle().Which.TextBody.Should().Be("Since this morning every label comes out blank.");
    }
}
