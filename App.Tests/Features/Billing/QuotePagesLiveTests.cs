using System.Security.Claims;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Billing.Pages;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>Quote pages follow other clerks' work live: new quotes from a bill run and status changes.</summary>
public sealed class QuotePagesLiveTests : IAsyncLifetime
{
    private BillingWorld world = null!;
    private BlazorTicketsTestContext context = null!;

    public async Task InitializeAsync()
    {
        world = await BillingWorld.CreateAsync();
        context = new BlazorTicketsTestContext(world.App);
        var authorization = context.AddAuthorization();
        authorization.SetAuthorized("bill@billing.example");
        authorization.SetRoles(Groups.Billing);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, world.Anna));
        context.Render<MudPopoverProvider>();
    }

    public async Task DisposeAsync()
    {
        await context.DisposeAsync();
        await world.DisposeAsync();
    }

    private async Task<BilledQuote> BillOneTicketAsync(string subject)
    {
        var ticket = await world.TicketAsync(world.CustomerA, subject: subject);
        await world.EntryAsync(ticket, world.Anna, 60);
        return (await world.Billing.BillAsync([ticket], world.Anna)).Quotes.Single();
    }

    [Fact]
    public async Task A_status_change_by_another_clerk_shows_on_the_open_quote()
    {
        var quote = await BillOneTicketAsync("Server room");
        var page = context.Render<QuoteDetail>(p => p.Add(q => q.Id, quote.QuoteId));
        page.WaitForAssertion(() => page.Find("[data-testid=quote-status]").GetAttribute("data-status").Should().Be("Draft"));

        (await world.Quotes.SetStatusAsync(quote.QuoteId, QuoteStatus.Sent)).Should().BeOfType<QuoteStatusResult.Changed>();

        page.WaitForAssertion(() => page.Find("[data-testid=quote-status]").GetAttribute("data-status").Should().Be("Sent"));
        world.QuoteNotifier.SubscriberCount.Should().Be(1);
        page.Instance.Dispose();
        world.QuoteNotifier.SubscriberCount.Should().Be(0, "a closed page unsubscribes");
    }

    [Fact]
    public async Task Confirming_to_cancel_a_draft_that_another_clerk_sent_meanwhile_cancels_nothing()
    {
        var quote = await BillOneTicketAsync("Laptop repair");
        var dialogs = context.Render<MudDialogProvider>();
        var page = context.Render<QuoteDetail>(p => p.Add(q => q.Id, quote.QuoteId));
        page.WaitForAssertion(() => page.Find("[data-testid=quote-status]").GetAttribute("data-status").Should().Be("Draft"));

        // The click's handler waits for the answer to the question, so it ends only after the dialog's button.
        var cancelling = page.Find("[data-testid=quote-to-cancelled]").ClickAsync(new());
        dialogs.WaitForAssertion(() => dialogs.Markup.Should().Contain("Cancel this draft?"));
        (await world.Quotes.SetStatusAsync(quote.QuoteId, QuoteStatus.Sent)).Should().BeOfType<QuoteStatusResult.Changed>();
        page.WaitForAssertion(() => page.Find("[data-testid=quote-status]").GetAttribute("data-status").Should().Be("Sent"));
        await dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel quote").ClickAsync(new());
        await cancelling;

        page.WaitForAssertion(() => page.Find("[data-testid=quote-status]").GetAttribute("data-status").Should().Be("Sent"));
        (await world.Quotes.GetAsync(quote.QuoteId))!.Status.Should().Be(QuoteStatus.Sent, "the clerk agreed to cancel a draft, not a sent quote");
    }

    [Fact]
    public async Task A_quote_billed_by_another_clerk_appears_in_the_open_list()
    {
        var first = await BillOneTicketAsync("Printer");
        var list = context.Render<QuoteList>();
        list.WaitForAssertion(() => list.Markup.Should().Contain(first.Number));

        var second = await BillOneTicketAsync("Scanner");

        list.WaitForAssertion(() => list.Markup.Should().Contain(second.Number));
    }
}
