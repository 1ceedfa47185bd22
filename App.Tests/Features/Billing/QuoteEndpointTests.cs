using System.Net;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>PDF and CSV over HTTP, on the demo data, for the billing clerk and not for an agent.</summary>
public sealed class QuoteEndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<BillResult> BillSomeDemoTicketsAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var ids = await db.Set<Ticket>().Where(t => t.TimeTrackingAllowed && db.Set<TimeEntry>().Any(e => e.TicketId == t.Id && e.Billable && e.QuoteLineId == null))
            .OrderBy(t => t.Number).Select(t => t.Id).Take(4).ToListAsync();
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BillingService>().BillAsync(ids, null);
    }

    [Fact]
    public async Task The_billing_clerk_downloads_the_pdf_and_a_csv_of_the_filtered_list_an_agent_gets_neither()
    {
        var billed = await BillSomeDemoTicketsAsync();
        var quote = billed.Quotes.First();
        using var bill = await app.SignedInClientAsync("bill@contoso.example", DemoDataSeeder.Password);
        using var anna = await app.SignedInClientAsync("anna@contoso.example", DemoDataSeeder.Password);

        using var pdf = await bill.GetAsync($"/quotes/{quote.QuoteId}/pdf");
        using var csv = await bill.GetAsync($"/quotes.csv?customer={quote.CustomerId}&status=Draft");
        var print = await bill.GetStringAsync($"/quotes/{quote.QuoteId}/print");
        using var annaPdf = await anna.GetAsync($"/quotes/{quote.QuoteId}/pdf");
        using var annaCsv = await anna.GetAsync("/quotes.csv");

        pdf.StatusCode.Should().Be(HttpStatusCode.OK);
        pdf.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            string.Join(" ", document.GetPage(1).GetWords().Select(w => w.Text)).Should().Contain(quote.Number);
        }
        csv.StatusCode.Should().Be(HttpStatusCode.OK);
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].TrimEnd('\r').Should().Be(QuoteCsv.Header);
        lines.Skip(1).Should().ContainSingle(l => l.StartsWith(quote.Number + ","))
            .Which.Should().Contain(quote.Gross.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        lines.Skip(1).Should().OnlyContain(l => l.Contains(",Draft,"));
        print.Should().Contain($"data-testid=\"print-number\">Quote {quote.Number}").And.Contain("data-testid=\"print-line\"");
        print.Should().Contain(quote.Gross.ToString("N2", System.Globalization.CultureInfo.GetCultureInfo("en")) + " EUR");
        annaPdf.StatusCode.Should().NotBe(HttpStatusCode.OK);
        annaCsv.StatusCode.Should().NotBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("bill@contoso.example", true)]
    [InlineData("admin@contoso.example", true)]
    [InlineData("anna@contoso.example", false)]
    [InlineData("lena@contoso.example", false)]
    public async Task Only_billing_staff_and_admins_open_the_quote_list(string email, bool allowed)
    {
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);

        using var response = await client.GetAsync("/quotes");

        if (allowed)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().Contain("data-testid=\"quote-filters\"");
        }
        else
        {
            response.StatusCode.Should().NotBe(HttpStatusCode.OK);
        }
    }

    [Theory]
    [InlineData("bill@contoso.example", true)]
    [InlineData("anna@contoso.example", false)]
    public async Task The_ticket_list_offers_bill_time_to_billing_staff_only(string email, bool offered)
    {
        using var client = await app.SignedInClientAsync(email, DemoDataSeeder.Password);

        var html = await client.GetStringAsync("/tickets?unbilled=1");

        html.Contains("data-testid=\"bill-time\"").Should().Be(offered);
        html.Should().Contain("data-testid=\"filter-unbilled\"");
    }

    [Fact]
    public void Csv_fields_are_quoted_and_cannot_start_a_formula()
    {
        var row = new QuoteRow(1, "Q-2026-0001", QuoteStatus.Sent, new DateTime(2026, 3, 16), "=HYPERLINK(\"x\")", "Contoso, Inc.", "EUR", 10m, 1.9m, 11.9m, 1, 1, 1);

        QuoteCsv.Line(row).Should().Be("Q-2026-0001,2026-03-16,\"'=HYPERLINK(\"\"x\"\")\",\"Contoso, Inc.\",Sent,EUR,10.00,1.90,11.90,1");
    }
}
