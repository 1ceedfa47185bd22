using BlazorTickets.Features.Billing;

namespace BlazorTickets.Tests.Features.Billing;

/// <summary>What other systems need of the quote service: fetching new quotes in order, a guarded status change, the PDF file.</summary>
public sealed class NewQuotesTests : IAsyncLifetime
{
    private BillingWorld world = null!;

    public async Task InitializeAsync() => world = await BillingWorld.CreateAsync();

    public async Task DisposeAsync() => await world.DisposeAsync();

    private async Task<int> QuoteAsync(int customerId)
    {
        var ticket = await world.TicketAsync(customerId);
        await world.EntryAsync(ticket, world.Anna, 60);
        return (await world.Billing.BillAsync([ticket], world.Anna)).Quotes.Single().QuoteId;
    }

    [Fact]
    public async Task New_quotes_come_oldest_first_after_the_id_or_time_given_within_the_filter_and_the_limit()
    {
        var first = await QuoteAsync(world.CustomerA);
        world.Clock.Now = world.Clock.Now.AddHours(1);
        var second = await QuoteAsync(world.CustomerB);
        var third = await QuoteAsync(world.CustomerA);

        var afterFirst = await world.Quotes.ListNewAsync(new QuoteListFilter(), first, null, 10);
        var oneAtATime = await world.Quotes.ListNewAsync(new QuoteListFilter(), null, null, 1);
        var sinceTheHour = await world.Quotes.ListNewAsync(new QuoteListFilter(), null, world.Clock.Now.UtcDateTime.AddMinutes(-1), 10);
        var ofCustomerA = await world.Quotes.ListNewAsync(new QuoteListFilter { CustomerId = world.CustomerA }, first, null, 10);
        var none = await world.Quotes.ListNewAsync(new QuoteListFilter(), third, null, 10);

        afterFirst.Select(q => q.Id).Should().Equal(second, third);
        afterFirst[0].Should().Match<QuoteRow>(q => q.CustomerId == world.CustomerB && q.TenantId == world.TenantId);
        oneAtATime.Select(q => q.Id).Should().Equal(first);
        sinceTheHour.Select(q => q.Id).Should().Equal(second, third);
        ofCustomerA.Select(q => q.Id).Should().Equal(third);
        none.Should().BeEmpty();
    }

    [Fact]
    public async Task A_status_change_with_an_expected_status_only_happens_from_that_status()
    {
        var quote = await QuoteAsync(world.CustomerA);
        (await world.Quotes.SetStatusAsync(quote, QuoteStatus.Sent)).Should().BeOfType<QuoteStatusResult.Changed>();

        var stale = await world.Quotes.SetStatusAsync(quote, QuoteStatus.Cancelled, QuoteStatus.Draft);
        var current = await world.Quotes.SetStatusAsync(quote, QuoteStatus.Accepted, QuoteStatus.Sent);

        stale.Should().Be(new QuoteStatusResult.Refused(QuoteMessages.ChangedMeanwhile));
        current.Should().Be(new QuoteStatusResult.Changed(QuoteStatus.Accepted, 0));
        (await world.Quotes.GetAsync(quote))!.Status.Should().Be(QuoteStatus.Accepted);
    }

    [Fact]
    public async Task The_pdf_file_is_named_after_the_quote_and_missing_quotes_have_none()
    {
        var quote = await QuoteAsync(world.CustomerA);
        var number = (await world.Quotes.GetAsync(quote))!.Number;

        var pdf = await world.Quotes.PdfAsync(quote, key => key);
        var missing = await world.Quotes.PdfAsync(quote + 1000, key => key);

        pdf!.FileName.Should().Be(number + ".pdf");
        System.Text.Encoding.ASCII.GetString(pdf.Content, 0, 5).Should().Be("%PDF-");
        missing.Should().BeNull();
    }
}
