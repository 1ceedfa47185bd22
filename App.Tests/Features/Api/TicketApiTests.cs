using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>/api/v1/tickets against the real app with the demo desk.</summary>
public sealed class TicketApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    private Task<TicketApiWorld> WorldAsync() => TicketApiWorld.OfAsync(app);

    [Theory]
    [InlineData("admin@contoso.example")]
    [InlineData("anna@contoso.example")]
    [InlineData("lena@contoso.example")]
    [InlineData("bill@contoso.example")]
    public async Task Every_staff_role_lists_tickets_newest_change_first_as_the_desk_does(string email)
    {
        await WorldAsync();
        using var client = await app.ApiClientAsync(email, ApiScopes.TicketsRead);

        using var response = await client.GetAsync("/api/v1/tickets?limit=5");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var page = await TicketApiWorld.JsonOf(response);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Should().HaveCount(5);
        page.GetProperty("nextCursor").GetString().Should().NotBeNullOrEmpty();
        var updated = items.Select(i => i.GetProperty("updatedAt").GetDateTime()).ToList();
        updated.Should().BeInDescendingOrder();
        items[0].GetProperty("updatedAt").GetString().Should().EndWith("Z");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var first = await db.Set<Ticket>().SingleAsync(t => t.Id == items[0].GetProperty("id").GetInt32());
        items[0].GetProperty("subject").GetString().Should().Be(first.Subject);
        items[0].GetProperty("status").GetString().Should().Be(first.Status.ToString());
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401_and_without_the_scope_403()
    {
        var world = await WorldAsync();
        using var anonymous = app.ApiClient(null);
        (await anonymous.GetAsync("/api/v1/tickets")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync($"/api/v1/tickets/{world.ContosoAttachmentTicketId}")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var timeOnly = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TimeRead);
        (await timeOnly.GetAsync("/api/v1/tickets")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await timeOnly.GetAsync($"/api/v1/tickets/{world.ContosoAttachmentTicketId}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var readOnly = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TicketsRead);
        (await readOnly.PostAsJsonAsync("/api/v1/tickets", new { tenantId = world.ContosoId, subject = "x", customerId = 1, text = "x" }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var patch = Patch(world.ContosoAttachmentTicketId, new { subject = "Changed without the scope" }, "\"1\"");
        (await readOnly.SendAsync(patch)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await readOnly.PostAsJsonAsync($"/api/v1/tickets/{world.ContosoAttachmentTicketId}/assign", new { handlerId = (string?)null }))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Cursor_pages_walk_the_whole_filtered_list_once_in_the_chosen_order()
    {
        await WorldAsync();
        using var client = await app.ApiClientAsync("admin@contoso.example", ApiScopes.TicketsRead);
        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var response = await client.GetAsync("/api/v1/tickets?status=open,inProgress&sort=number&dir=asc&limit=7" + (cursor is null ? "" : "&cursor=" + cursor));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var page = await TicketApiWorld.JsonOf(response);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 100);

        await using var db = await app.DbFactory.CreateDbContextAsync();
        var expected = await db.Set<Ticket>()
            .Where(t => t.Status == TicketStatus.Open || t.Status == TicketStatus.InProgress)
            .OrderBy(t => t.Number).Select(t => t.Id).ToListAsync();
        expected.Count.Should().BeGreaterThan(7, "the demo desk must need more than one page here");
        seen.Should().Equal(expected);
    }

    [Fact]
    public async Task Handler_me_lists_only_the_callers_tickets_and_a_search_finds_by_text()
    {
        await WorldAsync();
        var annaId = await TicketApiWorld.UserIdAsync(app, "anna@contoso.example");
        using var client = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TicketsRead);

        using var mine = await client.GetAsync("/api/v1/tickets?handler=me&limit=200");
        var ids = (await TicketApiWorld.JsonOf(mine)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var expected = await db.Set<Ticket>().Where(t => t.HandlerId == annaId).Select(t => t.Id).ToListAsync();
        expected.Should().NotBeEmpty();
        ids.Should().BeEquivalentTo(expected);

        var some = await db.Set<Ticket>().Where(t => t.TenantId != 0).OrderBy(t => t.Number).Select(t => new { t.Id, t.Number }).FirstAsync();
        using var byNumber = await client.GetAsync("/api/v1/tickets?q=%23" + some.Number);
        (await TicketApiWorld.JsonOf(byNumber)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).Should().Equal(some.Id);
    }

    [Fact]
    public async Task Bad_filters_sort_limit_or_cursor_are_400_with_the_field()
    {
        await WorldAsync();
        using var client = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TicketsRead);

        await ShouldBeInvalidAsync(await client.GetAsync("/api/v1/tickets?status=sleeping"), "status");
        await ShouldBeInvalidAsync(await client.GetAsync("/api/v1/tickets?sort=mood"), "sort");
        await ShouldBeInvalidAsync(await client.GetAsync("/api/v1/tickets?limit=201"), "limit");
        await ShouldBeInvalidAsync(await client.GetAsync("/api/v1/tickets?cursor=garbage"), "cursor");

        using var first = await client.GetAsync("/api/v1/tickets?sort=number&limit=2");
        var cursor = (await TicketApiWorld.JsonOf(first)).GetProperty("nextCursor").GetString();
        await ShouldBeInvalidAsync(await client.GetAsync("/api/v1/tickets?sort=subject&limit=2&cursor=" + cursor), "cursor");
    }

    [Fact]
    public async Task An_agent_limited_to_one_tenant_never_sees_another_tenants_ticket()
    {
        var world = await WorldAsync();
        using var tina = await app.ApiClientAsync(TicketApiWorld.LimitedAgent);
        using var admin = await app.ApiClientAsync("admin@contoso.example", ApiScopes.TicketsRead);

        using var hidden = await tina.GetAsync($"/api/v1/tickets/{world.OtherTicketId}");
        hidden.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await hidden.Content.ReadAsStringAsync()).Should().NotContain("Zyxwvut");
        (await admin.GetAsync($"/api/v1/tickets/{world.OtherTicketId}")).StatusCode.Should().Be(HttpStatusCode.OK);

        using var list = await tina.GetAsync("/api/v1/tickets?q=Zyxwvut");
        (await TicketApiWorld.JsonOf(list)).GetProperty("items").GetArrayLength().Should().Be(0);
        using var adminList = await admin.GetAsync("/api/v1/tickets?q=Zyxwvut");
        (await TicketApiWorld.JsonOf(adminList)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).Should().Equal(world.OtherTicketId);
        using var byTenant = await tina.GetAsync($"/api/v1/tickets?tenant={world.OtherTenantId}");
        (await TicketApiWorld.JsonOf(byTenant)).GetProperty("items").GetArrayLength().Should().Be(0);

        using var patch = Patch(world.OtherTicketId, new { subject = "Taken over" }, "\"1\"");
        (await tina.SendAsync(patch)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await tina.PostAsJsonAsync($"/api/v1/tickets/{world.OtherTicketId}/assign", new { handlerId = (string?)null }))
            .StatusCode.Should().Be(HttpStatusCode.NotFound);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<Ticket>().SingleAsync(t => t.Id == world.OtherTicketId)).Subject.Should().Be("Zyxwvut secret");

        var (customerId, _) = await OtherCustomerAsync(world);
        using var create = await tina.PostAsJsonAsync("/api/v1/tickets", new { tenantId = world.OtherTenantId, subject = "Sneaky", customerId, text = "Hi" });
        await ShouldBeInvalidAsync(create, "tenantId");
    }

    [Fact]
    public async Task A_ticket_comes_with_its_people_dates_and_its_version_as_ETag()
    {
        await WorldAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var ticket = await db.Set<Ticket>().Include(t => t.Watchers).Include(t => t.Tenant)
            .Where(t => t.HandlerId != null && t.CustomerId != null).OrderBy(t => t.Number).FirstAsync();
        using var client = await app.ApiClientAsync("bill@contoso.example", ApiScopes.TicketsRead);

        using var response = await client.GetAsync($"/api/v1/tickets/{ticket.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.ETag!.Tag.Should().Be($"\"{ticket.Version}\"");
        var body = await TicketApiWorld.JsonOf(response);
        body.GetProperty("id").GetInt32().Should().Be(ticket.Id);
        body.GetProperty("tag").GetString().Should().Be(ticket.Tag);
        body.GetProperty("subject").GetString().Should().Be(ticket.Subject);
        body.GetProperty("handlerId").GetString().Should().Be(ticket.HandlerId);
        body.GetProperty("customerId").GetInt32().Should().Be(ticket.CustomerId);
        body.GetProperty("tenantName").GetString().Should().Be(ticket.Tenant.Name);
        body.GetProperty("watcherIds").EnumerateArray().Select(w => w.GetString()).Should().BeEquivalentTo(ticket.Watchers.Select(w => w.UserId));
        body.GetProperty("timeTrackingAllowed").GetBoolean().Should().Be(ticket.TimeTrackingAllowed);
        body.GetProperty("version").GetInt32().Should().Be(ticket.Version);
        body.GetProperty("createdAt").GetString().Should().EndWith("Z");

        (await client.GetAsync("/api/v1/tickets/987654")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Creating_a_ticket_answers_201_with_location_and_etag_and_stores_the_customers_message()
    {
        var world = await WorldAsync();
        var annaId = await TicketApiWorld.UserIdAsync(app, "anna@contoso.example");
        int customerId;
        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            customerId = await db.Set<BlazorTickets.Features.Customers.CustomerEmail>().Where(e => e.Address == "sofia@rossi-design.example").Select(e => e.CustomerId).SingleAsync();
        }
        using var client = await app.ApiClientAsync("anna@contoso.example", ApiScopes.TicketsWrite);

        using var response = await client.PostAsJsonAsync("/api/v1/tickets", new
        {
            tenantId = world.ContosoId,
            subject = "Web form: logo upload fails",
            customerId,
            handlerId = annaId,
            text = "The upload button does nothing.",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await TicketApiWorld.JsonOf(response);
        var id = body.GetProperty("id").GetInt32();
        response.Headers.Location!.ToString().Should().Be($"/api/v1/tickets/{id}");
        response.Headers.ETag!.Tag.Should().Be($"\"{body.GetProperty("version").GetInt32()}\"");
        body.GetProperty("status").GetString().Should().Be("New");
        body.GetProperty("handlerId").GetString().Should().Be(annaId);
        await using var check = await app.DbFactory.CreateDbContextAsync();
        var stored = await check.Set<Ticket>().Include(t => t.Messages).SingleAsync(t => t.Id == id);
        stored.Subject.Should().Be("Web form: logo upload fails");
        stored.UpdatedBy.Should().Be("Anna Agent");
        stored.Messages.Should().ContainSingle(m => m.Direction == MessageDirection.Inbound && m.TextBody == "The upload button does nothing." && m.From.Contains("sofia@rossi-design.example"));

        using var invalid = await client.PostAsJsonAsync("/api/v1/tickets", new { tenantId = world.ContosoId, subject = "", text = "" });
        var problem = await ShouldBeInvalidAsync(invalid, "subject", "customerId", "text");
        problem.GetProperty("errors").GetProperty("subject")[0].GetString().Should().Be("The subject must not be empty.");
    }

    [Fact]
    public async Task Patch_needs_if_match_refuses_a_stale_version_and_changes_only_the_fields_sent()
    {
        var world = await WorldAsync();
        var ticket = await TicketAsync(1);
        using var client = await app.ApiClientAsync("lena@contoso.example", ApiScopes.TicketsRead, ApiScopes.TicketsWrite);

        using (var withoutIfMatch = Patch(ticket.Id, new { subject = "No precondition" }, null))
        {
            using var response = await client.SendAsync(withoutIfMatch);
            response.StatusCode.Should().Be((HttpStatusCode)428);
        }
        using (var stale = Patch(ticket.Id, new { subject = "Stale change" }, $"\"{ticket.Version - 1}\""))
        {
            using var response = await client.SendAsync(stale);
            response.StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
            (await TicketApiWorld.JsonOf(response)).GetProperty("detail").GetString().Should().Contain($"\"{ticket.Version}\"");
        }
        (await TicketAsync(1)).Should().BeEquivalentTo(ticket, o => o.Excluding(t => t.Messages), "a refused change writes nothing");

        using (var change = Patch(ticket.Id, new { subject = "Printer: toner replaced", estimatedEffortHours = 1.5m, expectedDate = "2027-01-15" }, $"\"{ticket.Version}\""))
        {
            using var response = await client.SendAsync(change);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var body = await TicketApiWorld.JsonOf(response);
            body.GetProperty("subject").GetString().Should().Be("Printer: toner replaced");
            body.GetProperty("expectedDate").GetString().Should().Be("2027-01-15");
            body.GetProperty("version").GetInt32().Should().Be(ticket.Version + 1);
            response.Headers.ETag!.Tag.Should().Be($"\"{ticket.Version + 1}\"");
        }
        var saved = await TicketAsync(1);
        saved.Subject.Should().Be("Printer: toner replaced");
        saved.EstimatedEffortHours.Should().Be(1.5m);
        saved.ExpectedDate.Should().Be(new DateOnly(2027, 1, 15));
        saved.Status.Should().Be(ticket.Status, "a field not sent stays");
        saved.HandlerId.Should().Be(ticket.HandlerId);
        saved.CustomerNote.Should().Be(ticket.CustomerNote);
        saved.UpdatedBy.Should().Be("Lena Lead");

        using (var again = Patch(ticket.Id, new { status = "Closed" }, $"\"{ticket.Version}\""))
        {
            (await client.SendAsync(again)).StatusCode.Should().Be(HttpStatusCode.PreconditionFailed, "the version read before the change is stale now");
        }
        (await TicketAsync(1)).Status.Should().Be(ticket.Status);
    }

    [Fact]
    public async Task Patch_with_an_invalid_value_is_400_with_the_field_and_nothing_is_written()
    {
        await WorldAsync();
        var ticket = await TicketAsync(2);
        using var client = await app.ApiClientAsync("anna@contoso.example");

        using (var negative = Patch(ticket.Id, new { estimatedEffortHours = -2, subject = "Should not be written" }, $"\"{ticket.Version}\""))
        {
            var problem = await ShouldBeInvalidAsync(await client.SendAsync(negative), "estimatedEffortHours");
            problem.GetProperty("errors").GetProperty("estimatedEffortHours")[0].GetString().Should().Be("The estimated effort must be 0 or more hours.");
        }
        using (var unknown = Patch(ticket.Id, new { number = 5 }, $"\"{ticket.Version}\""))
        {
            await ShouldBeInvalidAsync(await client.SendAsync(unknown), "number");
        }
        using (var wrongType = Patch(ticket.Id, new { status = "Sleeping" }, $"\"{ticket.Version}\""))
        {
            await ShouldBeInvalidAsync(await client.SendAsync(wrongType), "status");
        }
        var billId = await TicketApiWorld.UserIdAsync(app, "bill@contoso.example");
        using (var notSupport = Patch(ticket.Id, new { handlerId = billId }, $"\"{ticket.Version}\""))
        {
            await ShouldBeInvalidAsync(await client.SendAsync(notSupport), "handlerId");
        }
        (await TicketAsync(2)).Should().BeEquivalentTo(ticket, o => o.Excluding(t => t.Messages));
    }

    [Fact]
    public async Task Assign_sets_handler_and_watchers_with_the_same_if_match_rules()
    {
        await WorldAsync();
        var ticket = await TicketAsync(3);
        var ben = await TicketApiWorld.UserIdAsync(app, "ben@contoso.example");
        var carla = await TicketApiWorld.UserIdAsync(app, "carla@contoso.example");
        using var client = await app.ApiClientAsync("anna@contoso.example");

        (await client.PostAsJsonAsync($"/api/v1/tickets/{ticket.Id}/assign", new { handlerId = ben })).StatusCode.Should().Be((HttpStatusCode)428);
        using (var stale = Post($"/api/v1/tickets/{ticket.Id}/assign", new { handlerId = ben }, $"\"{ticket.Version + 5}\""))
        {
            (await client.SendAsync(stale)).StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);
        }
        (await TicketAsync(3)).HandlerId.Should().Be(ticket.HandlerId);

        using (var assign = Post($"/api/v1/tickets/{ticket.Id}/assign", new { handlerId = ben, watcherIds = new[] { carla } }, $"\"{ticket.Version}\""))
        {
            using var response = await client.SendAsync(assign);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var body = await TicketApiWorld.JsonOf(response);
            body.GetProperty("handlerId").GetString().Should().Be(ben);
            body.GetProperty("handlerName").GetString().Should().Be("Ben Berger");
        }
        var saved = await TicketAsync(3);
        saved.HandlerId.Should().Be(ben);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<TicketWatcher>().Where(w => w.TicketId == ticket.Id).Select(w => w.UserId).ToListAsync()).Should().Equal(carla);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_ticket_message_and_attachment_operation()
    {
        using var client = app.ApiClient(null);

        using var response = await client.GetAsync("/api/v1/openapi.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = await TicketApiWorld.JsonOf(response);
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("operationId", out _)))
            .Select(o => o.Value.GetProperty("operationId").GetString())
            .ToList();
        operations.Should().Contain(["listTickets", "getTicket", "createTicket", "updateTicket", "assignTicket",
            "listMessages", "getMessage", "addNote", "sendReply", "downloadAttachment", "uploadAttachment"]);
    }

    /// <summary>The n-th Contoso ticket by number that no other test of this class changes.</summary>
    private async Task<Ticket> TicketAsync(int nth)
    {
        var world = await WorldAsync();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var id = await db.Set<Ticket>().Where(t => t.TenantId == world.ContosoId && t.MergedIntoTicketId == null)
            .OrderByDescending(t => t.Number).Skip(nth).Select(t => t.Id).FirstAsync();
        return await db.Set<Ticket>().AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<(int CustomerId, string Name)> OtherCustomerAsync(TicketApiWorld world)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var c = await db.Set<BlazorTickets.Features.Customers.Customer>().Where(c => c.TenantId == world.OtherTenantId).Select(c => new { c.Id, c.Name }).FirstAsync();
        return (c.Id, c.Name);
    }

    internal static HttpRequestMessage Patch(int ticketId, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{ticketId}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    internal static HttpRequestMessage Post(string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    internal static async Task<JsonElement> ShouldBeInvalidAsync(HttpResponseMessage response, params string[] fields)
    {
        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            var problem = await TicketApiWorld.JsonOf(response);
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().Contain(fields);
            return problem;
        }
    }
}
