using System.Globalization;
using BlazorTickets.Features.Billing;
using UglyToad.PdfPig;

namespace BlazorTickets.Tests.Features.Billing;

public sealed class QuotePdfTests : IAsyncLifetime
{
    private BillingWorld world = null!;

    public async Task InitializeAsync() => world = await BillingWorld.CreateAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    [Fact]
    public async Task The_pdf_opens_and_shows_tenant_customer_address_lines_and_totals()
    {
        var printer = await world.TicketAsync(world.CustomerA, subject: "Printer offline");
        var vpn = await world.TicketAsync(world.CustomerA, subject: "VPN drops every hour");
        await world.EntryAsync(printer, world.Anna, 90);
        await world.EntryAsync(printer, world.Carla, 30);
        await world.EntryAsync(vpn, world.Anna, 45);
        var billed = await world.Billing.BillAsync([printer, vpn], world.Anna);
        var quote = (await world.Quotes.GetAsync(billed.Quotes.Single().QuoteId))!;

        byte[] pdf;
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-US");
        try
        {
            pdf = QuotePdf.Render(quote, key => key);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }

        using var document = PdfDocument.Open(pdf);
        var text = string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        text.Should().Contain("Quote Q-2026-0001");
        text.Should().Contain("Billing Test Ltd");
        text.Should().Contain("Alpha GmbH").And.Contain("Hauptstraße 1").And.Contain("10115 Berlin");
        text.Should().Contain("#5001 Printer offline").And.Contain("#5002 VPN drops every hour");
        // 1.50 h × 95 = 142.50; 0.50 h × 120 = 60.00; 0.75 h × 95 = 71.25; net 273.75, VAT 19 % 52.01, gross 325.76
        text.Should().Contain("142.50").And.Contain("60.00").And.Contain("71.25");
        text.Should().Contain("Net 273.75 EUR").And.Contain("VAT 19 % 52.01 EUR").And.Contain("Gross 325.76 EUR");
        quote.Gross.Should().Be(325.76m);
    }

    [Fact]
    public async Task A_quote_with_many_lines_runs_over_several_pages_and_keeps_every_line()
    {
        var tickets = new List<int>();
        for (var i = 0; i < 80; i++)
        {
            var ticket = await world.TicketAsync(world.CustomerB, subject: $"Task {i:00}");
            await world.EntryAsync(ticket, world.Anna, 60);
            tickets.Add(ticket);
        }
        var billed = await world.Billing.BillAsync(tickets, world.Anna);
        var quote = (await world.Quotes.GetAsync(billed.Quotes.Single().QuoteId))!;

        using var document = PdfDocument.Open(QuotePdf.Render(quote, key => key));

        document.NumberOfPages.Should().BeGreaterThan(1);
        var text = string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        for (var i = 0; i < 80; i++)
        {
            text.Should().Contain($"Task {i:00}");
        }
    }
}
