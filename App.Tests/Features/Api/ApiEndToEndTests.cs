using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Tests.Features.Replies;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>
/// An integration as an ERP or a shop would build it, through the API only, with one step in the UI where people
/// work: a customer and a ticket, a reply the mail server receives, time logged, billed by the clerk on the desk, and
/// the quote read back.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait(TestCategories.Category, TestCategories.Browser)]
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class ApiEndToEndTests(BrowserFixture browser, AppFactory app) : IClassFixture<AppFactory>, IAsyncLifetime
{
    private TestSmtpServer smtp = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        smtp = await TestSmtpServer.StartAsync();
        _ = app.ServerAddress;
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        await app.Services.GetRequiredService<SmtpSettingsService>().PointAtAsync(tenantId, smtp);
    }

    public async Task DisposeAsync() => await smtp.DisposeAsync();

    [Fact]
    public async Task A_customer_and_a_ticket_a_reply_by_mail_logged_time_billed_on_the_desk_and_the_quote_read_back()
    {
        using var admin = await app.ApiClientAsync("admin@contoso.example", ApiScopes.CustomersWrite);
        using var agent = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TicketsRead, ApiScopes.TicketsWrite, ApiScopes.TimeWrite);
        using var clerk = await app.ApiClientAsync("bill@contoso.example", ApiScopes.QuotesRead);

        using var customerCreated = await admin.PostAsJsonAsync("/api/v1/customers", new
        {
            tenantId, name = "Jana Kowalski", company = "Kowalski Bikes", address = "Radweg 1, 10115 Berlin", emails = new[] { "jana@kowalski-bikes.example" },
        });
        customerCreated.StatusCode.Should().Be(HttpStatusCode.Created, await customerCreated.Content.ReadAsStringAsync());
        var customerId = (await customerCreated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        using var ticketCreated = await agent.PostAsJsonAsync("/api/v1/tickets", new
        {
            tenantId, customerId, subject = "Order 4711: e-bike display stays dark", text = "The display of the bike we bought last week stays dark.",
        });
        ticketCreated.StatusCode.Should().Be(HttpStatusCode.Created, await ticketCreated.Content.ReadAsStringAsync());
        var ticket = await ticketCreated.Content.ReadFromJsonAsync<JsonElement>();
        var ticketId = ticket.GetProperty("id").GetInt32();
        ticketCreated.Headers.Location!.ToString().Should().EndWith($"/api/v1/tickets/{ticketId}");

        using var consent = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{ticketId}")
        {
            Content = JsonContent.Create(new { timeTrackingAllowed = true }),
        };
        consent.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ticketCreated.Headers.ETag!.ToString()));
        using var consented = await agent.SendAsync(consent);
        consented.StatusCode.Should().Be(HttpStatusCode.OK, await consented.Content.ReadAsStringAsync());

        using var replied = await agent.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = "Please hold the power button for ten seconds." });
        replied.StatusCode.Should().Be(HttpStatusCode.Accepted, await replied.Content.ReadAsStringAsync());
        var mail = (await smtp.WaitForAsync(1)).Single();
        mail.To.Mailboxes.Single().Address.Should().Be("jana@kowalski-bikes.example");
        mail.TextBody.Should().Contain("Please hold the power button for ten seconds.");
        var delivery = await WaitForDeliveryAsync(agent, replied.Headers.Location!);
        delivery.Should().Be("Sent");

        var today = DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var logged = await agent.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new
        {
            date = today, start = "09:00", end = "10:30", note = "Remote diagnosis of the display", billable = true,
        });
        logged.StatusCode.Should().Be(HttpStatusCode.Created, await logged.Content.ReadAsStringAsync());

        var quoteNumber = await BillOnTheDeskAsync(customerId, ticketId);

        var quotes = await clerk.GetFromJsonAsync<JsonElement>($"/api/v1/quotes?customerId={customerId}");
        var listed = quotes.GetProperty("items").EnumerateArray().Should().ContainSingle().Subject;
        listed.GetProperty("number").GetString().Should().Be(quoteNumber);
        var quote = await clerk.GetFromJsonAsync<JsonElement>($"/api/v1/quotes/{listed.GetProperty("id").GetInt32()}");
        var line = quote.GetProperty("lines").EnumerateArray().Should().ContainSingle().Subject;
        line.GetProperty("ticketId").GetInt32().Should().Be(ticketId);
        line.GetProperty("hours").GetDecimal().Should().Be(1.5m);
        line.GetProperty("rate").GetDecimal().Should().Be(95.00m, "Anna's group Ticket-Support bills 95 an hour");
        line.GetProperty("amount").GetDecimal().Should().Be(142.50m);
        using var pdf = await clerk.GetAsync($"/api/v1/quotes/{listed.GetProperty("id").GetInt32()}/pdf");
        pdf.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
    }

    private static async Task<string?> WaitForDeliveryAsync(HttpClient client, Uri message)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? state = null;
        while (DateTime.UtcNow < deadline)
        {
            var read = await client.GetFromJsonAsync<JsonElement>(message);
            state = read.GetProperty("delivery").GetProperty("state").GetString();
            if (state is "Sent" or "Failed")
            {
                break;
            }
            await Task.Delay(200);
        }
        return state;
    }

    /// <summary>The billing clerk's part, as in the app: the unbilled filter, the ticket's row, "Bill time".</summary>
    private async Task<string> BillOnTheDeskAsync(int customerId, int ticketId)
    {
        var page = await browser.SignInAsync(app.ServerAddress, "bill@contoso.example", DemoDataSeeder.Password);
        try
        {
            await page.GotoAsync($"/tickets?customer={customerId}&unbilled=1");
            await BrowserFixture.WaitForCircuitAsync(page);
            var row = page.Locator("[data-testid=ticket-grid] tbody tr").Filter(new() { Has = page.Locator($"[data-testid=ticket-link][href='/tickets/{ticketId}']") });
            await row.Locator("input[type=checkbox]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=selection-count]")).ToContainTextAsync("1");
            await page.ClickAsync("[data-testid=bill-time]");
            await page.ClickAsync("[data-testid=bill-confirm]");
            var link = page.Locator("[data-testid=billed-quote-link]");
            await Assertions.Expect(link).ToHaveCountAsync(1);
            await link.ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/quotes/\\d+"));
            var quoteId = int.Parse(page.Url.Split('/').Last(), CultureInfo.InvariantCulture);
            await using var db = await app.DbFactory.CreateDbContextAsync();
            return await db.Set<BlazorTickets.Features.Billing.Quote>().Where(q => q.Id == quoteId).Select(q => q.Number).SingleAsync();
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
