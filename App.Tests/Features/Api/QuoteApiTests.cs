using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorTickets.Features.Api.Resources;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;
using static BlazorTickets.Tests.Features.Api.ApiWorld;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>/api/v1/quotes: what the quote pages give billing staff and admins, through the same QuoteService.</summary>
public sealed class QuoteApiTests(ApiWorld app) : IClassFixture<ApiWorld>
{
    [Theory]
    [InlineData(AdminUser, true)]
    [InlineData(BillingUser, true)]
    [InlineData(AgentUser, false)]
    [InlineData(TeamLeadUser, false)]
    public async Task Billing_staff_and_admins_read_change_and_download_quotes_agents_and_team_leads_are_refused(string email, bool allowed)
    {
        var quote = (await app.BillDemoTicketsAsync(1)).Quotes[0];
        using var client = await app.ApiClientAsync(email);

        using var list = await client.GetAsync($"/api/v1/quotes?customerId={quote.CustomerId}");
        using var one = await client.GetAsync($"/api/v1/quotes/{quote.QuoteId}");
        using var pdf = await client.GetAsync($"/api/v1/quotes/{quote.QuoteId}/pdf");
        using var send = await client.PostAsJsonAsync($"/api/v1/quotes/{quote.QuoteId}/status", new { status = "Sent" });

        if (allowed)
        {
            list.StatusCode.Should().Be(HttpStatusCode.OK);
            (await ReadAsync<QuoteListPage>(list)).Items.Should().Contain(q => q.Id == quote.QuoteId && q.Number == quote.Number);
            one.StatusCode.Should().Be(HttpStatusCode.OK);
            (await ReadAsync<QuoteResource>(one)).Number.Should().Be(quote.Number);
            pdf.StatusCode.Should().Be(HttpStatusCode.OK);
            send.StatusCode.Should().Be(HttpStatusCode.OK);
            (await ReadAsync<QuoteResource>(send)).Status.Should().Be(QuoteStatus.Sent);
            (await app.StatusInDatabaseAsync(quote.QuoteId)).Should().Be(QuoteStatus.Sent);
        }
        else
        {
            foreach (var response in new[] { list, one, pdf, send })
            {
                response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
                (await ProblemAsync(response)).GetProperty("status").GetInt32().Should().Be(403);
            }
            (await app.StatusInDatabaseAsync(quote.QuoteId)).Should().Be(QuoteStatus.Draft);
        }
    }

    [Fact]
    public async Task Without_a_token_every_quote_endpoint_answers_401()
    {
        var quote = (await app.BillDemoTicketsAsync(1)).Quotes[0];
        using var client = app.ApiClient(null);

        using var list = await client.GetAsync("/api/v1/quotes");
        using var one = await client.GetAsync($"/api/v1/quotes/{quote.QuoteId}");
        using var pdf = await client.GetAsync($"/api/v1/quotes/{quote.QuoteId}/pdf");
        using var send = await client.PostAsJsonAsync($"/api/v1/quotes/{quote.QuoteId}/status", new { status = "Sent" });

        foreach (var response in new[] { list, one, pdf, send })
        {
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await ProblemAsync(response)).GetProperty("status").GetInt32().Should().Be(401);
        }
        (await app.StatusInDatabaseAsync(quote.QuoteId)).Should().Be(QuoteStatus.Draft);
    }

    [Fact]
    public async Task Reading_needs_quotes_read_and_changing_the_status_needs_quotes_write()
    {
        var quote = (await app.BillDemoTicketsAsync(1)).Quotes[0];
        using var readOnly = await app.ApiClientAsync(BillingUser, ApiScopes.QuotesRead);
        using var writeOnly = await app.ApiClientAsync(BillingUser, ApiScopes.QuotesWrite);
        using var ticketsOnly = await app.ApiClientAsync(BillingUser, ApiScopes.TicketsRead, ApiScopes.TicketsWrite);

        (await readOnly.GetAsync($"/api/v1/quotes/{quote.QuoteId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await readOnly.GetAsync($"/api/v1/quotes/{quote.QuoteId}/pdf")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await readOnly.PostAsJsonAsync($"/api/v1/quotes/{quote.QuoteId}/status", new { status = "Sent" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.StatusInDatabaseAsync(quote.QuoteId)).Should().Be(QuoteStatus.Draft);
        foreach (var path in new[] { "/api/v1/quotes", $"/api/v1/quotes/{quote.QuoteId}", $"/api/v1/quotes/{quote.QuoteId}/pdf" })
        {
            (await writeOnly.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
            (await ticketsOnly.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
        }
        (await ticketsOnly.PostAsJsonAsync($"/api/v1/quotes/{quote.QuoteId}/status", new { status = "Sent" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await writeOnly.PostAsJsonAsync($"/api/v1/quotes/{quote.QuoteId}/status", new { status = "Sent" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.StatusInDatabaseAsync(quote.QuoteId)).Should().Be(QuoteStatus.Sent);
    }

    [Fact]
    public async Task The_list_filters_like_the_quote_list_and_pages_with_the_total_and_sums()
    {
        var billed = await app.BillDemoTicketsAsync(4);
        var quote = billed.Quotes[0];
        var toSend = billed.Quotes[1];
        await using (var scope = app.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<QuoteService>().SetStatusAsync(toSend.QuoteId, QuoteStatus.Sent)).Should().BeOfType<QuoteStatusResult.Changed>();
        }
        using var client = await app.ApiClientAsync(BillingUser, ApiScopes.QuotesRead);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");

        var drafts = await ReadAsync<QuoteListPage>(await client.GetAsync($"/api/v1/quotes?customerId={quote.CustomerId}&status=draft&from={today}&pageSize=1"));
        var sent = await ReadAsync<QuoteListPage>(await client.GetAsync($"/api/v1/quotes?customerId={toSend.CustomerId}&status=Sent"));
        var yesterday = await ReadAsync<QuoteListPage>(await client.GetAsync($"/api/v1/quotes?to={DateTime.UtcNow.AddDays(-2):yyyy-MM-dd}"));

        await using var db = await app.DbFactory.CreateDbContextAsync();
        var expectedDrafts = await db.Set<Quote>().Where(q => q.CustomerId == quote.CustomerId && q.Status == QuoteStatus.Draft).ToListAsync();
        drafts.Page.Should().Be(1);
        drafts.PageSize.Should().Be(1);
        drafts.TotalCount.Should().Be(expectedDrafts.Count);
        drafts.Items.Should().ContainSingle().Which.Should().Match<QuoteSummary>(q =>
            q.Id == expectedDrafts.Max(e => e.Id) && q.CustomerId == quote.CustomerId && q.Status == QuoteStatus.Draft && q.CreatedAt.Kind == DateTimeKind.Utc);
        drafts.Totals.Should().ContainSingle().Which.Should().Be(new QuoteTotals("EUR", expectedDrafts.Count,
            expectedDrafts.Sum(q => q.Net), expectedDrafts.Sum(q => q.Vat), expectedDrafts.Sum(q => q.Gross)));
        drafts.NextSinceId.Should().BeNull();
        sent.Items.Should().Contain(q => q.Id == toSend.QuoteId).And.OnlyContain(q => q.Status == QuoteStatus.Sent && q.CustomerId == toSend.CustomerId);
        sent.Items.Should().NotContain(q => q.Id == quote.QuoteId);
        yesterday.Items.Should().BeEmpty("every quote was made today");
        yesterday.TotalCount.Should().Be(0);
    }

    [Fact]
    public async Task An_erp_fetches_new_quotes_after_the_last_id_it_got_oldest_first_and_none_twice()
    {
        await app.BillDemoTicketsAsync(1);
        using var client = await app.ApiClientAsync(BillingUser, ApiScopes.QuotesRead);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var seen = await ReadAsync<QuoteListPage>(await client.GetAsync("/api/v1/quotes?pageSize=1"));
        var lastSeen = seen.Items.Single().Id;

        var billed = await app.BillDemoTicketsAsync(4);
        var newIds = billed.Quotes.Select(q => q.QuoteId).Order().ToList();
        newIds.Should().HaveCountGreaterThan(1, "the demo tickets belong to several customers");
        var fetched = new List<int>();
        var sinceId = lastSeen;
        for (var round = 0; round < 10; round++)
        {
            var batch = await ReadAsync<QuoteListPage>(await client.GetAsync($"/api/v1/quotes?sinceId={sinceId}&pageSize=1"));
            batch.TotalCount.Should().BeNull();
            batch.NextSinceId.Should().NotBeNull();
            if (batch.Items.Count == 0)
            {
                batch.NextSinceId.Should().Be(sinceId, "an empty answer keeps the client's place");
                break;
            }
            fetched.AddRange(batch.Items.Select(q => q.Id));
            sinceId = batch.NextSinceId!.Value;
        }
        var afterCreation = await ReadAsync<QuoteListPage>(await client.GetAsync(
            $"/api/v1/quotes?createdAfter={Uri.EscapeDataString(before.ToString("O"))}&pageSize=200"));
        var future = await ReadAsync<QuoteListPage>(await client.GetAsync(
            $"/api/v1/quotes?createdAfter={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}"));

        fetched.Should().Equal(newIds);
        afterCreation.Items.Select(q => q.Id).Should().Contain(newIds).And.BeInAscendingOrder();
        future.Items.Should().BeEmpty();
        future.NextSinceId.Should().BeNull();
    }

    [Fact]
    public async Task Bad_list_parameters_answer_400_with_the_field()
    {
        using var client = await app.ApiClientAsync(BillingUser, ApiScopes.QuotesRead);

        using var status = await client.GetAsync("/api/v1/quotes?status=Paid");
        using var size = await client.GetAsync("/api/v1/quotes?pageSize=500");
        using var page = await client.GetAsync("/api/v1/quotes?sinceId=1&page=2");

        status.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ProblemAsync(status)).GetProperty("errors").GetProperty("status")[0].GetString()
            .Should().Be("The status must be one of Draft, Sent, Accepted, Rejected, Cancelled.");
        size.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ProblemAsync(size)).GetProperty("errors").GetProperty("pageSize")[0].GetString().Should().Be("The page size must be between 1 and 200.");
        page.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ProblemAsync(page)).GetProperty("errors").GetProperty("page")[0].GetString().Should().Contain("sinceId");
    }

    [Fact]
    public async Task A_quote_comes_with_its_lines_totals_and_the_statuses_it_may_change_to()
    {
        var billed = (await app.BillDemoTicketsAsync(2)).Quotes[0];
        using var client = await app.ApiClientAsync(BillingUser, ApiScopes.QuotesRead);

        using var response = await client.GetAsync($"/api/v1/quotes/{billed.QuoteId}");
        using var missing = await client.GetAsync("/api/v1/quotes/999999");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var quote = await ReadAsync<QuoteResource>(response);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var lines = await db.Set<QuoteLine>().Where(l => l.QuoteId == billed.QuoteId)
            .Select(l => new { l.Id, l.TicketId, l.Ticket.Number, l.Hours, l.Rate, l.Amount, Entries = l.TimeEntries.Count }).ToListAsync();
        quote.Should().Match<QuoteResource>(q => q.Id == billed.QuoteId && q.Number == billed.Number && q.CustomerId == billed.CustomerId
            && q.CustomerName == billed.CustomerName && q.Gross == billed.Gross && q.Net == billed.Net && q.Status == QuoteStatus.Draft
            && q.TenantName == DemoDataSeeder.TenantName && q.Hours == q.Lines.Sum(l => l.Hours));
        quote.NextStatuses.Should().Equal(QuoteStatus.Sent, QuoteStatus.Cancelled);
        quote.Lines.Select(l => (l.Id, l.TicketId, l.TicketNumber, l.Hours, l.Rate, l.Amount, l.TimeEntryCount))
            .Should().BeEquivalentTo(lines.Select(l => (l.Id, l.TicketId, l.Number, l.Hours, l.Rate, l.Amount, l.Entries)));
        quote.Lines.Sum(l => l.Amount).Should().Be(quote.Net);
        quote.CreatedAt.Kind.Should().Be(DateTimeKind.Utc);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"status\":\"Draft\"", "enums travel as names");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ProblemAsync(missing)).GetProperty("detail").GetString().Should().Contain("quote");
    }

    [Fact]
    public async Task The_pdf_is_the_quote_pages_pdf()
    {
        var billed = (await app.BillDemoTicketsAsync(1)).Quotes[0];
        using var client = await app.ApiClientAsync(AdminUser, ApiScopes.QuotesRead);

        using var response = await client.GetAsync($"/api/v1/quotes/{billed.QuoteId}/pdf");
        using var missing = await client.GetAsync("/api/v1/quotes/999999/pdf");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        response.Content.Headers.ContentDisposition!.FileName.Should().Contain(billed.Number + ".pdf");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        System.Text.Encoding.ASCII.GetString(bytes, 0, 5).Should().Be("%PDF-");
        using (var document = PdfDocument.Open(bytes))
        {
            var words = string.Join(" ", document.GetPage(1).GetWords().Select(w => w.Text));
            words.Should().Contain(billed.Number).And.Contain(billed.CustomerName.Split(' ')[0]);
        }
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ProblemAsync(missing)).GetProperty("status").GetInt32().Should().Be(404);
    }

    [Fact]
    public async Task Status_changes_follow_the_quote_pages_rules_and_a_refused_one_says_why()
    {
        var quotes = (await app.BillDemoTicketsAsync(4)).Quotes;
        quotes.Should().HaveCountGreaterThan(1);
        var (sent, draft) = (quotes[0], quotes[1]);
        using var client = await app.ApiClientAsync(BillingUser, ApiScopes.QuotesRead, ApiScopes.QuotesWrite);

        using var accepted = await client.PostAsJsonAsync($"/api/v1/quotes/{draft.QuoteId}/status", new { status = "Accepted" });
        using var send = await client.PostAsJsonAsync($"/api/v1/quotes/{sent.QuoteId}/status", new { status = "sent" });
        using var sendAgain = await client.PostAsJsonAsync($"/api/v1/quotes/{sent.QuoteId}/status", new { status = "Sent" });
        using var unknown = await client.PostAsJsonAsync($"/api/v1/quotes/{sent.QuoteId}/status", new { status = "Paid" });
        using var none = await client.PostAsJsonAsync($"/api/v1/quotes/{sent.QuoteId}/status", new { });
        using var number = await client.PostAsJsonAsync($"/api/v1/quotes/{sent.QuoteId}/status", new { status = "2" });
        using var missing = await client.PostAsJsonAsync("/api/v1/quotes/999999/status", new { status = "Sent" });

        accepted.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var refusal = await ProblemAsync(accepted);
        refusal.GetProperty("detail").GetString().Should().Be(QuoteMessages.NotAllowed);
        refusal.GetProperty("currentStatus").GetString().Should().Be("Draft");
        refusal.GetProperty("allowedStatuses").EnumerateArray().Select(s => s.GetString()).Should().Equal("Sent", "Cancelled");
        (await app.StatusInDatabaseAsync(draft.QuoteId)).Should().Be(QuoteStatus.Draft);

        send.StatusCode.Should().Be(HttpStatusCode.OK);
        var afterSend = await ReadAsync<QuoteResource>(send);
        afterSend.Status.Should().Be(QuoteStatus.Sent);
        afterSend.NextStatuses.Should().Equal(QuoteStatus.Accepted, QuoteStatus.Rejected, QuoteStatus.Cancelled);
        (await app.StatusInDatabaseAsync(sent.QuoteId)).Should().Be(QuoteStatus.Sent);

        sendAgain.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ProblemAsync(sendAgain)).GetProperty("currentStatus").GetString().Should().Be("Sent");
        foreach (var bad in new[] { unknown, number })
        {
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await ProblemAsync(bad)).GetProperty("errors").GetProperty("status")[0].GetString().Should().StartWith("The status must be one of Draft, Sent");
        }
        none.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ProblemAsync(none)).GetProperty("errors").GetProperty("status")[0].GetString().Should().Be("Name the status the quote should change to.");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await app.StatusInDatabaseAsync(sent.QuoteId)).Should().Be(QuoteStatus.Sent);
    }

    [Fact]
    public async Task A_change_decided_on_a_stale_status_is_refused_and_cancelling_a_draft_releases_its_time()
    {
        var quotes = (await app.BillDemoTicketsAsync(4)).Quotes;
        var (sentMeanwhile, draft) = (quotes[0], quotes[1]);
        using var client = await app.ApiClientAsync(BillingUser, ApiScopes.QuotesWrite);
        // Another clerk sends the quote after our client read it as a draft.
        (await client.PostAsJsonAsync($"/api/v1/quotes/{sentMeanwhile.QuoteId}/status", new { status = "Sent" })).StatusCode.Should().Be(HttpStatusCode.OK);

        using var staleCancel = await client.PostAsJsonAsync($"/api/v1/quotes/{sentMeanwhile.QuoteId}/status", new { status = "Cancelled", expectedStatus = "Draft" });
        using var badExpected = await client.PostAsJsonAsync($"/api/v1/quotes/{draft.QuoteId}/status", new { status = "Cancelled", expectedStatus = "Open" });
        using var cancel = await client.PostAsJsonAsync($"/api/v1/quotes/{draft.QuoteId}/status", new { status = "Cancelled", expectedStatus = "Draft" });

        staleCancel.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var stale = await ProblemAsync(staleCancel);
        stale.GetProperty("detail").GetString().Should().Be(QuoteMessages.ChangedMeanwhile);
        stale.GetProperty("currentStatus").GetString().Should().Be("Sent");
        (await app.StatusInDatabaseAsync(sentMeanwhile.QuoteId)).Should().Be(QuoteStatus.Sent);
        badExpected.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ProblemAsync(badExpected)).GetProperty("errors").TryGetProperty("expectedStatus", out _).Should().BeTrue();
        cancel.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadAsync<QuoteResource>(cancel)).Lines.Should().OnlyContain(l => l.TimeEntryCount == 0, "the draft's time is unbilled again");
        (await app.StatusInDatabaseAsync(draft.QuoteId)).Should().Be(QuoteStatus.Cancelled);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var lineIds = await db.Set<QuoteLine>().Where(l => l.QuoteId == draft.QuoteId).Select(l => (int?)l.Id).ToListAsync();
        lineIds.Should().NotBeEmpty();
        (await db.Set<TimeEntry>().CountAsync(e => lineIds.Contains(e.QuoteLineId))).Should().Be(0);
    }

    [Fact]
    public async Task A_clerk_limited_to_one_tenant_gets_404_for_another_tenants_quote_and_does_not_list_it()
    {
        var foreign = await app.ForeignAsync();
        await app.BillDemoTicketsAsync(1);
        using var home = await app.ApiClientAsync(HomeClerk);
        using var admin = await app.ApiClientAsync(AdminUser);

        using var one = await home.GetAsync($"/api/v1/quotes/{foreign.QuoteId}");
        using var pdf = await home.GetAsync($"/api/v1/quotes/{foreign.QuoteId}/pdf");
        using var send = await home.PostAsJsonAsync($"/api/v1/quotes/{foreign.QuoteId}/status", new { status = "Sent" });
        var listed = await ReadAsync<QuoteListPage>(await home.GetAsync("/api/v1/quotes?pageSize=200"));
        var byTenant = await ReadAsync<QuoteListPage>(await home.GetAsync($"/api/v1/quotes?tenantId={foreign.TenantId}"));
        var fetched = await ReadAsync<QuoteListPage>(await home.GetAsync($"/api/v1/quotes?sinceId={foreign.QuoteId - 1}&pageSize=200"));
        var adminSees = await ReadAsync<QuoteResource>(await admin.GetAsync($"/api/v1/quotes/{foreign.QuoteId}"));

        foreach (var response in new[] { one, pdf, send })
        {
            response.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await ProblemAsync(response)).GetProperty("status").GetInt32().Should().Be(404);
        }
        (await app.StatusInDatabaseAsync(foreign.QuoteId)).Should().Be(QuoteStatus.Draft);
        listed.Items.Should().NotBeEmpty().And.OnlyContain(q => q.TenantId == foreign.HomeTenantId);
        byTenant.Items.Should().BeEmpty();
        byTenant.TotalCount.Should().Be(0);
        fetched.Items.Should().NotContain(q => q.Id == foreign.QuoteId);
        adminSees.Number.Should().Be(foreign.QuoteNumber);
        adminSees.TenantId.Should().Be(foreign.TenantId);
    }
}
