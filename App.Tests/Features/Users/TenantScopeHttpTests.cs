using System.Net;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Demo;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.Users;

/// <summary>Over HTTP, with the real sign-in cookie: staff limited to the demo tenant get nothing of another tenant.</summary>
public sealed class TenantScopeHttpTests(TenantScopeHttpTests.Host host) : IClassFixture<TenantScopeHttpTests.Host>
{
    public sealed class Host : AppFactory, IAsyncLifetime
    {
        public ForeignTenant Foreign { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Foreign = await ForeignTenant.SeedAsync(Services);
            await Foreign.LimitToHomeTenantAsync(Services, "anna@contoso.example");
            await Foreign.LimitToHomeTenantAsync(Services, "bill@contoso.example");
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    private ForeignTenant Foreign => host.Foreign;

    [Fact]
    public async Task An_agent_of_tenant_A_gets_neither_the_ticket_page_nor_the_attachments_of_a_tenant_B_ticket()
    {
        using var admin = await host.SignedInClientAsync("admin@contoso.example", DemoDataSeeder.Password);
        using var anna = await host.SignedInClientAsync("anna@contoso.example", DemoDataSeeder.Password);

        var adminPage = await admin.GetStringAsync($"/tickets/{Foreign.TicketId}");
        using var adminFile = await admin.GetAsync($"/attachments/{Foreign.AttachmentId}");
        using var annaPage = await anna.GetAsync($"/tickets/{Foreign.TicketId}");
        using var annaFile = await anna.GetAsync($"/attachments/{Foreign.AttachmentId}");
        using var adminImage = await admin.GetAsync($"/attachments/{Foreign.ImageId}/inline");
        using var annaImage = await anna.GetAsync($"/attachments/{Foreign.ImageId}/inline");
        var annaList = await anna.GetStringAsync("/tickets?q=Fabrikam");

        adminPage.Should().Contain(ForeignTenant.Subject);
        adminFile.StatusCode.Should().Be(HttpStatusCode.OK);
        var annaHtml = await annaPage.Content.ReadAsStringAsync();
        annaHtml.Should().NotContain(ForeignTenant.Subject).And.NotContain("payroll.csv");
        annaPage.StatusCode.Should().Be(HttpStatusCode.NotFound);
        annaFile.StatusCode.Should().Be(HttpStatusCode.NotFound);
        adminImage.StatusCode.Should().Be(HttpStatusCode.OK);
        annaImage.StatusCode.Should().Be(HttpStatusCode.NotFound);
        annaList.Should().NotContain(ForeignTenant.Subject);
    }

    [Fact]
    public async Task A_clerk_of_tenant_A_gets_neither_pdf_nor_print_nor_csv_line_of_a_tenant_B_quote()
    {
        using var admin = await host.SignedInClientAsync("admin@contoso.example", DemoDataSeeder.Password);
        using var bill = await host.SignedInClientAsync("bill@contoso.example", DemoDataSeeder.Password);

        using var adminPdf = await admin.GetAsync($"/quotes/{Foreign.QuoteId}/pdf");
        var adminCsv = await admin.GetStringAsync("/quotes.csv");
        using var billPdf = await bill.GetAsync($"/quotes/{Foreign.QuoteId}/pdf");
        using var billCsv = await bill.GetAsync("/quotes.csv");
        using var billCsvOfTenant = await bill.GetAsync($"/quotes.csv?tenant={Foreign.TenantId}");
        var billPrint = await bill.GetStringAsync($"/quotes/{Foreign.QuoteId}/print");
        var billDetail = await bill.GetStringAsync($"/quotes/{Foreign.QuoteId}");

        adminPdf.StatusCode.Should().Be(HttpStatusCode.OK);
        adminCsv.Should().Contain(Foreign.QuoteNumber + ",");
        billPdf.StatusCode.Should().Be(HttpStatusCode.NotFound);
        billCsv.StatusCode.Should().Be(HttpStatusCode.OK);
        (await billCsv.Content.ReadAsStringAsync()).Should().NotContain(Foreign.QuoteNumber);
        var tenantLines = (await billCsvOfTenant.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        tenantLines.Should().ContainSingle("only the header is left");
        billPrint.Should().NotContain(Foreign.QuoteNumber);
        billDetail.Should().NotContain(Foreign.QuoteNumber).And.NotContain("Fiona Foreign");
    }
}
