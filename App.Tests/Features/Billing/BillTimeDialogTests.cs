using System.Globalization;
using System.Security.Claims;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Billing.Components;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Infrastructure;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>The Bill time dialog over the real services: preview first, skips with reasons, then the quotes.</summary>
public sealed class BillTimeDialogTests : IAsyncLifetime
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
    }

    public async Task DisposeAsync()
    {
        await context.DisposeAsync();
        await world.DisposeAsync();
    }

    [Fact]
    public async Task The_preview_lists_what_will_be_billed_and_what_is_skipped_in_german_and_nothing_is_billed_before_confirming()
    {
        var billable = await world.TicketAsync(world.CustomerA, subject: "Drucker offline");
        var noConsent = await world.TicketAsync(world.CustomerA, consent: false, subject: "Ohne Zustimmung");
        var timer = await world.TicketAsync(world.CustomerB, subject: "Timer läuft");
        var entry = await world.EntryAsync(billable, world.Anna, 90);
        await world.EntryAsync(billable, world.Anna, 15, billable: false);
        await world.EntryAsync(noConsent, world.Anna, 30);
        await world.EntryAsync(timer, world.Anna, 30);
        await world.TimerAsync(timer, world.Carla);

        var culture = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var provider = context.Render<MudDialogProvider>();
            var dialogs = context.Services.GetRequiredService<IDialogService>();
            await provider.InvokeAsync(() => dialogs.ShowAsync<BillTimeDialog>("Bill time",
                new DialogParameters<BillTimeDialog> { { d => d.TicketIds, new[] { billable, noConsent, timer } } }));

            provider.WaitForAssertion(() => provider.FindAll("[data-testid=preview-quote]").Should().ContainSingle());
            provider.Find("[data-testid=preview-customer]").TextContent.Should().Be("Alpha Customer");
            provider.Find("[data-testid=preview-line]").TextContent.Should().Contain("Drucker offline").And.Contain("142,50");
            provider.Find("[data-testid=preview-gross]").TextContent.Should().Contain("169,58 EUR"); // 142.50 + 19 % (27.08)
            provider.FindAll("[data-testid=skip-reason]").Select(r => r.TextContent).Should().BeEquivalentTo(
                "Keine Zustimmung zur Zeiterfassung",
                "Auf dem Ticket läuft ein Timer",
                "1 nicht abrechenbarer Eintrag wird nicht abgerechnet");
            (await world.LineOfAsync(entry)).Should().BeNull("the preview bills nothing");

            provider.Find("[data-testid=bill-confirm]").Click();

            provider.WaitForAssertion(() => provider.FindAll("[data-testid=billed-quote-link]").Should().ContainSingle());
            provider.Find("[data-testid=billed-quote-link]").TextContent.Should().Be("Q-2026-0001");
            provider.Find("[data-testid=billed-quote-gross]").TextContent.Should().Be("169,58 EUR");
            (await world.LineOfAsync(entry)).Should().NotBeNull();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = culture;
        }
    }

    [Fact]
    public async Task Confirming_after_a_colleague_billed_the_same_tickets_says_who_billed_them_on_which_quote_and_ends_the_selection()
    {
        var ticket = await world.TicketAsync(world.CustomerA, subject: "Both clerks");
        await world.EntryAsync(ticket, world.Anna, 60);
        var billedCalls = 0;
        var provider = context.Render<MudDialogProvider>();
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => dialogs.ShowAsync<BillTimeDialog>("Bill time", new DialogParameters<BillTimeDialog>
        {
            { d => d.TicketIds, new[] { ticket } },
            { d => d.Billed, EventCallback.Factory.Create(this, () => billedCalls++) },
        }));
        provider.WaitForAssertion(() => provider.FindAll("[data-testid=preview-quote]").Should().ContainSingle());

        var colleague = await world.Billing.BillAsync([ticket], world.Carla);
        provider.Find("[data-testid=bill-confirm]").Click();

        provider.WaitForAssertion(() => provider.Find("[data-testid=bill-already-billed]"));
        provider.Find("[data-testid=skip-reason]").TextContent.Should()
            .Be($"The time was already billed by carla on quote {colleague.Quotes.Single().Number}");
        provider.FindAll("[data-testid=billed-quote-link]").Should().BeEmpty();
        billedCalls.Should().Be(1, "the list drops its selection as soon as the run is over");
    }
}
