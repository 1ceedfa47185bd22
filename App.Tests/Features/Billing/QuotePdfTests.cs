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

    [Fact]
    public async Task Hours_rates_and_amounts_are_right_aligned_under_their_headers()
    {
        var long1 = await world.TicketAsync(world.CustomerA, subject: "Long job");
        var short1 = await world.TicketAsync(world.CustomerA, subject: "Short job");
        await world.EntryAsync(long1, world.Anna, 12 * 60 + 15); // 12.25 h, 1,163.75
        await world.EntryAsync(short1, world.Anna, 30);          // 0.50 h, 47.50
        var billed = await world.Billing.BillAsync([long1, short1], world.Anna);
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
        // Letters, not words: a number drawn too close to its neighbour would merge into one word.
        var letters = document.GetPage(1).Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        var drawn = string.Concat(letters.Select(l => l.Value));
        (double Left, double Right) Box(string text, bool once = true)
        {
            var at = drawn.IndexOf(text, StringComparison.Ordinal);
            at.Should().BeGreaterThanOrEqualTo(0, $"'{text}' is on the page");
            if (once)
            {
                drawn.IndexOf(text, at + 1, StringComparison.Ordinal).Should().Be(-1, $"'{text}' is on the page once");
            }
            return (letters[at].BoundingBox.Left, letters[at + text.Length - 1].BoundingBox.Right);
        }
        double RightOf(string text) => Box(text).Right;
        double LeftOf(string text) => Box(text).Left;

        LeftOf("12.25").Should().BeLessThan(LeftOf("0.50") - 3, "a longer number starts further left when right-aligned");
        RightOf("12.25").Should().BeApproximately(RightOf("0.50"), 0.5);
        RightOf("0.50").Should().BeApproximately(RightOf("Hours"), 0.5);
        RightOf("1,163.75").Should().BeApproximately(RightOf("47.50"), 0.5);
        RightOf("47.50").Should().BeApproximately(RightOf("Amount"), 0.5);
        Box("Ticket-Support", once: false).Right.Should().BeLessThan(LeftOf("12.25"), "the group name ends before the hours begin");
    }
}
