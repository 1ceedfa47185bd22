using System.Net;
using System.Net.Http.Json;
using BlazorTickets.Features.Api.Resources;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static BlazorTickets.Tests.Features.Api.ApiTenantHost;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>The time entry endpoints over HTTP with real tokens: the ticket page's rules, roles, scopes and tenants.</summary>
public sealed class TimeEntryApiTests(ApiTenantHost app) : IClassFixture<ApiTenantHost>
{
    private static string Today => DateTime.Now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private Task<int> HomeTicketAsync(bool timeTrackingAllowed, int skip = 0) => app.QueryAsync(db =>
        db.Set<Ticket>().Where(t => t.TenantId == app.Foreign.HomeTenantId && t.TimeTrackingAllowed == timeTrackingAllowed)
            .OrderBy(t => t.Number).Skip(skip).Select(t => t.Id).FirstAsync());

    private Task<TimeEntry?> EntryInDbAsync(int id) => app.QueryAsync(db => db.Set<TimeEntry>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id));

    private Task<int> ForeignBilledEntryAsync() => app.QueryAsync(db =>
        db.Set<TimeEntry>().Where(e => e.Ticket.TenantId == app.Foreign.TenantId && e.QuoteLineId != null).Select(e => e.Id).SingleAsync());

    private async Task<TimeEntryResponse> CreateAsync(string email, int ticketId, TimeEntryRequest request)
    {
        using var client = await app.ApiClientAsync(email, ApiScopes.TimeWrite);
        using var response = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", request, ApiJson.Options);
        return await response.ReadAsync<TimeEntryResponse>(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(Administrator)]
    [InlineData(Anna)]
    [InlineData(Carla)]
    [InlineData(Lena)]
    [InlineData(Bill)]
    public async Task Every_staff_role_reads_a_tickets_time_with_its_totals(string email)
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true);
        await CreateAsync(Ben, ticketId, new TimeEntryRequest(Duration: "0:45", Note: "Read by " + email));
        var stored = await app.QueryAsync(db => db.Set<TimeEntry>().Where(e => e.TicketId == ticketId).Select(e => new { e.Id, e.Minutes }).ToListAsync());
        using var client = await app.ApiClientAsync(email, ApiScopes.TimeRead);

        var time = await (await client.GetAsync($"/api/v1/tickets/{ticketId}/time-entries")).ReadAsync<TicketTimeResponse>(HttpStatusCode.OK);

        time.TicketId.Should().Be(ticketId);
        time.TimeTrackingAllowed.Should().BeTrue();
        time.Entries.Select(e => e.Id).Should().BeEquivalentTo(stored.Select(e => e.Id));
        time.Totals.AllMinutes.Should().Be(stored.Sum(e => e.Minutes));
        time.Entries.Should().Contain(e => e.Note == "Read by " + email && e.Minutes == 45 && !e.HasTimes && e.Start.Kind == DateTimeKind.Utc);
    }

    [Fact]
    public async Task An_agent_records_time_with_start_and_end_as_themselves_and_reads_it_back()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true, skip: 1);
        var benId = await app.UserIdAsync(Ben);

        var created = await CreateAsync(Ben, ticketId, new TimeEntryRequest(Date: Today, Start: "08:15", End: "09:45", Note: "Analysis"));

        created.Should().BeEquivalentTo(new { TicketId = ticketId, UserId = benId, Minutes = 90, Note = "Analysis", Billable = true, Billed = false, HasTimes = true });
        (created.End - created.Start).Should().Be(TimeSpan.FromMinutes(90));
        var stored = await EntryInDbAsync(created.Id);
        stored!.UserId.Should().Be(benId);
        stored.Minutes.Should().Be(90);
        using var client = await app.ApiClientAsync(Ben, ApiScopes.TimeRead);
        var read = await (await client.GetAsync($"/api/v1/time-entries/{created.Id}")).ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);
        read.Should().BeEquivalentTo(created);
    }

    [Fact]
    public async Task Bad_input_gets_400_with_the_forms_message_on_its_field_and_writes_nothing()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true, skip: 2);
        using var client = await app.ApiClientAsync(Ben, ApiScopes.TimeWrite);
        var before = await app.QueryAsync(db => db.Set<TimeEntry>().CountAsync(e => e.TicketId == ticketId));

        using var reversed = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new TimeEntryRequest(Start: "10:00", End: "09:00"), ApiJson.Options);
        using var future = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new TimeEntryRequest(Date: "2999-01-01", Duration: "1:00"), ApiJson.Options);
        using var both = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new TimeEntryRequest(Start: "09:00", End: "10:00", Duration: "1:00"), ApiJson.Options);
        using var nonsense = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new TimeEntryRequest(Duration: "soon"), ApiJson.Options);

        (await reversed.FieldErrorsAsync("end")).Should().Equal(TimeMessages.EndBeforeStart);
        (await future.FieldErrorsAsync("date")).Should().Equal(TimeMessages.DateInFuture);
        (await both.FieldErrorsAsync("duration")).Should().Equal(TimeEntryApi.TimesOrDuration);
        (await nonsense.FieldErrorsAsync("duration")).Should().Equal(TimeMessages.DurationRequired);
        (await app.QueryAsync(db => db.Set<TimeEntry>().CountAsync(e => e.TicketId == ticketId))).Should().Be(before);
    }

    [Fact]
    public async Task Without_the_customers_consent_time_is_not_billable_and_asking_for_billable_is_refused()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: false);
        using var client = await app.ApiClientAsync(Ben, ApiScopes.TimeWrite);

        using var refused = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/time-entries", new TimeEntryRequest(Duration: "0:30", Billable: true), ApiJson.Options);
        var byDefault = await CreateAsync(Ben, ticketId, new TimeEntryRequest(Duration: "0:30"));
        using var patched = await client.PatchJsonAsync($"/api/v1/time-entries/{byDefault.Id}", new TimeEntryRequest(Billable: true));

        (await refused.FieldErrorsAsync("billable")).Should().Equal(TimeMessages.NotBillableWithoutConsent);
        (await patched.FieldErrorsAsync("billable")).Should().Equal(TimeMessages.NotBillableWithoutConsent);
        byDefault.Billable.Should().BeFalse();
        (await EntryInDbAsync(byDefault.Id))!.Billable.Should().BeFalse();
    }

    [Fact]
    public async Task An_agent_changes_their_own_entry_not_another_agents_a_team_lead_changes_anyones()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true, skip: 3);
        var entry = await CreateAsync(Ben, ticketId, new TimeEntryRequest(Duration: "1:00", Note: "First"));
        using var ben = await app.ApiClientAsync(Ben, ApiScopes.TimeWrite);
        using var carla = await app.ApiClientAsync(Carla, ApiScopes.TimeWrite);
        using var lena = await app.ApiClientAsync(Lena, ApiScopes.TimeWrite);

        var own = await (await ben.PatchJsonAsync($"/api/v1/time-entries/{entry.Id}", new TimeEntryRequest(Duration: "1:30", Note: "Longer")))
            .ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);
        var othersDetail = await (await carla.PatchJsonAsync($"/api/v1/time-entries/{entry.Id}", new TimeEntryRequest(Note: "Carla was here")))
            .ProblemDetailAsync(HttpStatusCode.Forbidden);
        var othersDelete = await (await carla.DeleteAsync($"/api/v1/time-entries/{entry.Id}")).ProblemDetailAsync(HttpStatusCode.Forbidden);
        var lead = await (await lena.PatchJsonAsync($"/api/v1/time-entries/{entry.Id}", new TimeEntryRequest(Start: "09:00", End: "09:20")))
            .ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);

        own.Should().BeEquivalentTo(new { Minutes = 90, Note = "Longer", HasTimes = false });
        othersDetail.Should().Be(TimeMessages.EntryNotYours);
        othersDelete.Should().Be(TimeMessages.EntryNotYours);
        lead.Should().BeEquivalentTo(new { Minutes = 20, Note = "Longer", HasTimes = true, UserId = entry.UserId });
        var stored = await EntryInDbAsync(entry.Id);
        stored!.Minutes.Should().Be(20);
        stored.Note.Should().Be("Longer");
    }

    [Fact]
    public async Task A_billed_entry_is_locked_409_for_change_and_delete_even_for_a_team_lead()
    {
        var billedId = await ForeignBilledEntryAsync();
        var before = await EntryInDbAsync(billedId);
        using var lena = await app.ApiClientAsync(Lena, ApiScopes.TimeWrite, ApiScopes.TimeRead);

        var read = await (await lena.GetAsync($"/api/v1/time-entries/{billedId}")).ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);
        var patch = await (await lena.PatchJsonAsync($"/api/v1/time-entries/{billedId}", new TimeEntryRequest(Note: "Rewritten"))).ProblemDetailAsync(HttpStatusCode.Conflict);
        var delete = await (await lena.DeleteAsync($"/api/v1/time-entries/{billedId}")).ProblemDetailAsync(HttpStatusCode.Conflict);

        read.Billed.Should().BeTrue();
        read.QuoteLineId.Should().NotBeNull();
        patch.Should().Be(TimeMessages.EntryBilled);
        delete.Should().Be(TimeMessages.EntryBilled);
        (await EntryInDbAsync(billedId)).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task An_agent_deletes_their_own_entry_and_it_is_gone()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true, skip: 4);
        var entry = await CreateAsync(Anna, ticketId, new TimeEntryRequest(Duration: "0:10"));
        using var anna = await app.ApiClientAsync(Anna, ApiScopes.TimeWrite);

        using var deleted = await anna.DeleteAsync($"/api/v1/time-entries/{entry.Id}");
        using var again = await anna.DeleteAsync($"/api/v1/time-entries/{entry.Id}");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await EntryInDbAsync(entry.Id)).Should().BeNull();
        await again.ProblemDetailAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_tenants_ticket_and_entries_are_404_for_an_agent_limited_to_hers_and_visible_to_an_admin()
    {
        var foreign = app.Foreign;
        var before = await EntryInDbAsync(foreign.EntryId);
        var annaId = await app.UserIdAsync(Anna);
        using var anna = await app.ApiClientAsync(Anna);
        using var admin = await app.ApiClientAsync(Administrator);

        using var list = await anna.GetAsync($"/api/v1/tickets/{foreign.TicketId}/time-entries");
        using var get = await anna.GetAsync($"/api/v1/time-entries/{foreign.EntryId}");
        using var post = await anna.PostAsJsonAsync($"/api/v1/tickets/{foreign.TicketId}/time-entries", new TimeEntryRequest(Duration: "1:00"), ApiJson.Options);
        using var patch = await anna.PatchJsonAsync($"/api/v1/time-entries/{foreign.EntryId}", new TimeEntryRequest(Note: "x"));
        using var delete = await anna.DeleteAsync($"/api/v1/time-entries/{foreign.EntryId}");
        var annasSearch = await (await anna.GetAsync($"/api/v1/time-entries?userId={annaId}&limit=200")).ReadAsync<TimeEntryPage>(HttpStatusCode.OK);
        var adminsSearch = await (await admin.GetAsync($"/api/v1/time-entries?userId={annaId}&limit=200")).ReadAsync<TimeEntryPage>(HttpStatusCode.OK);
        var adminGet = await (await admin.GetAsync($"/api/v1/time-entries/{foreign.EntryId}")).ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);

        foreach (var response in new[] { list, get, post, patch, delete })
        {
            (await response.ProblemDetailAsync(HttpStatusCode.NotFound)).Should().NotBeEmpty();
        }
        annasSearch.Items.Should().NotContain(e => e.Id == foreign.EntryId).And.OnlyContain(e => e.UserId == annaId);
        adminsSearch.Items.Should().Contain(e => e.Id == foreign.EntryId);
        adminGet.TicketId.Should().Be(foreign.TicketId);
        (await EntryInDbAsync(foreign.EntryId)).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task The_search_filters_by_user_ticket_period_and_billing_and_pages_with_a_cursor()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true, skip: 5);
        var created = new List<int>();
        foreach (var start in new[] { "07:00", "08:00", "09:00", "10:00", "11:00" })
        {
            created.Add((await CreateAsync(Carla, ticketId, new TimeEntryRequest(Date: Today, Start: start, End: start[..2] + ":30"))).Id);
        }
        var carlaId = await app.UserIdAsync(Carla);
        var expected = await app.QueryAsync(db => db.Set<TimeEntry>()
            .Where(e => e.UserId == carlaId && e.TicketId == ticketId && e.QuoteLineId == null)
            .OrderByDescending(e => e.Start).ThenByDescending(e => e.Id).Select(e => e.Id).ToListAsync());
        using var client = await app.ApiClientAsync(Bill, ApiScopes.TimeRead);

        var seen = new List<int>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/time-entries?userId={carlaId}&ticketId={ticketId}&unbilled=true&limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await client.GetAsync(url)).ReadAsync<TimeEntryPage>(HttpStatusCode.OK);
            page.Items.Should().HaveCountLessThanOrEqualTo(2);
            seen.AddRange(page.Items.Select(e => e.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);
        var entries = await (await client.GetAsync($"/api/v1/time-entries?ticketId={ticketId}&limit=200")).ReadAsync<TimeEntryPage>(HttpStatusCode.OK);
        var first = entries.Items.Single(e => e.Id == created[0]);
        var period = await (await client.GetAsync(
                $"/api/v1/time-entries?userId={carlaId}&ticketId={ticketId}&from={first.Start.AddMinutes(30):O}&to={first.Start.AddHours(2).AddMinutes(30):O}"))
            .ReadAsync<TimeEntryPage>(HttpStatusCode.OK);
        var billed = await (await client.GetAsync($"/api/v1/time-entries?userId={carlaId}&ticketId={ticketId}&unbilled=false")).ReadAsync<TimeEntryPage>(HttpStatusCode.OK);
        using var badCursor = await client.GetAsync("/api/v1/time-entries?cursor=not-a-cursor");

        seen.Should().Equal(expected);
        expected.Should().Contain(created);
        period.Items.Select(e => e.Id).Should().BeEquivalentTo([created[1], created[2]]);
        billed.Items.Should().BeEmpty();
        (await badCursor.FieldErrorsAsync("cursor")).Should().ContainSingle();
    }

    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "GET", "/api/v1/tickets/{ticket}/time-entries", ApiScopes.TimeRead },
        { "GET", "/api/v1/time-entries", ApiScopes.TimeRead },
        { "GET", "/api/v1/time-entries/{entry}", ApiScopes.TimeRead },
        { "POST", "/api/v1/tickets/{ticket}/time-entries", ApiScopes.TimeWrite },
        { "PATCH", "/api/v1/time-entries/{entry}", ApiScopes.TimeWrite },
        { "DELETE", "/api/v1/time-entries/{entry}", ApiScopes.TimeWrite },
        { "GET", "/api/v1/timer", ApiScopes.TimeRead },
        { "POST", "/api/v1/tickets/{ticket}/timer/start", ApiScopes.TimeWrite },
        { "POST", "/api/v1/timer/stop", ApiScopes.TimeWrite },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_the_scope_it_is_403_without_a_token_401_and_nothing_changes(string method, string template, string scope)
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true, skip: 6);
        var entry = await CreateAsync(Ben, ticketId, new TimeEntryRequest(Duration: "0:05", Note: "Untouched"));
        var url = template.Replace("{ticket}", ticketId.ToString()).Replace("{entry}", entry.Id.ToString());
        var otherScopes = ApiScopes.All.Where(s => s != scope).ToArray();
        using var wrongScope = await app.ApiClientAsync(Ben, otherScopes);
        using var noToken = app.ApiClient(null);
        object? body = method is "POST" or "PATCH" ? new TimeEntryRequest(Duration: "2:00", Note: "Changed") : null;
        var countBefore = await app.QueryAsync(db => db.Set<TimeEntry>().CountAsync());

        (await (await wrongScope.SendAsync(new HttpMethod(method), url, body)).ProblemDetailAsync(HttpStatusCode.Forbidden)).Should().NotBeEmpty();
        (await (await noToken.SendAsync(new HttpMethod(method), url, body)).ProblemDetailAsync(HttpStatusCode.Unauthorized)).Should().NotBeEmpty();

        (await EntryInDbAsync(entry.Id))!.Note.Should().Be("Untouched");
        (await app.QueryAsync(db => db.Set<TimeEntry>().CountAsync())).Should().Be(countBefore);
        (await app.RunningTimerAsync(Ben)).Should().BeNull();
    }
}
