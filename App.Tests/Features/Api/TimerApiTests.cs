using System.Net;
using System.Net.Http.Json;
using BlazorTickets.Features.Api.Resources;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static BlazorTickets.Tests.Features.Api.ApiTenantHost;

namespace BlazorTickets.Tests.Features.Api;

/// <summary>
/// The caller's timer over HTTP. It goes through the timer service and registry the app bar and the ticket page
/// use, so every open screen sees it start and stop. Each test uses a user of its own: a user has one timer.
/// </summary>
public sealed class TimerApiTests(ApiTenantHost app) : IClassFixture<ApiTenantHost>
{
    private Task<int> HomeTicketAsync(bool timeTrackingAllowed, int skip = 0) => app.QueryAsync(db =>
        db.Set<Ticket>().Where(t => t.TenantId == app.Foreign.HomeTenantId && t.TimeTrackingAllowed == timeTrackingAllowed)
            .OrderBy(t => t.Number).Skip(skip).Select(t => t.Id).FirstAsync());

    private static Task<HttpResponseMessage> StartAsync(HttpClient client, int ticketId, TimerStartRequest? request = null) =>
        request is null
            ? client.PostAsync($"/api/v1/tickets/{ticketId}/timer/start", null)
            : client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/timer/start", request, ApiJson.Options);

    private static Task<HttpResponseMessage> StopAsync(HttpClient client, TimerStopRequest? request = null) =>
        request is null ? client.PostAsync("/api/v1/timer/stop", null) : client.PostAsJsonAsync("/api/v1/timer/stop", request, ApiJson.Options);

    [Fact]
    public async Task An_agent_starts_switches_and_stops_the_timer_and_the_screens_registry_follows()
    {
        var first = await HomeTicketAsync(timeTrackingAllowed: true, skip: 10);
        var second = await HomeTicketAsync(timeTrackingAllowed: true, skip: 11);
        var carlaId = await app.UserIdAsync(Carla);
        using var carla = await app.ApiClientAsync(Carla, ApiScopes.TimeRead, ApiScopes.TimeWrite);
        var registry = app.Services.GetRequiredService<RunningTimerRegistry>();
        await registry.EnsureLoadedAsync();
        var notices = 0;
        using var subscription = registry.Subscribe(() =>
        {
            Interlocked.Increment(ref notices);
            return Task.CompletedTask;
        });

        using var none = await carla.GetAsync("/api/v1/timer");
        var started = await (await StartAsync(carla, first)).ReadAsync<TimerStartResponse>(HttpStatusCode.Created);
        var runningOnScreen = registry.Of(carlaId);
        var read = await (await carla.GetAsync("/api/v1/timer")).ReadAsync<TimerResponse>(HttpStatusCode.OK);
        var again = await (await StartAsync(carla, first)).ReadAsync<TimerStartResponse>(HttpStatusCode.OK);
        var elsewhere = await (await StartAsync(carla, second)).ProblemDetailAsync(HttpStatusCode.Conflict);
        var stillFirst = registry.Of(carlaId);
        var switched = await (await StartAsync(carla, second, new TimerStartRequest(StopRunning: true))).ReadAsync<TimerStartResponse>(HttpStatusCode.Created);
        var switchedOnScreen = registry.Of(carlaId);
        var stopped = await (await StopAsync(carla)).ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);
        var stoppedOnScreen = registry.Of(carlaId);
        using var noneAgain = await carla.GetAsync("/api/v1/timer");
        var notRunning = await (await StopAsync(carla)).ProblemDetailAsync(HttpStatusCode.Conflict);

        none.StatusCode.Should().Be(HttpStatusCode.NoContent);
        started.Timer.TicketId.Should().Be(first);
        started.NotBillable.Should().BeFalse();
        started.StoppedEntry.Should().BeNull();
        runningOnScreen.Should().BeEquivalentTo(new { Id = started.Timer.Id, TicketId = first, UserId = carlaId });
        read.Should().BeEquivalentTo(started.Timer, o => o.Excluding(t => t.ElapsedSeconds));
        read.StartedAt.Kind.Should().Be(DateTimeKind.Utc);
        again.Timer.Id.Should().Be(started.Timer.Id);
        elsewhere.Should().Contain(Ticket.FormatNumber(started.Timer.TicketNumber)).And.Contain("stopRunning");
        stillFirst!.TicketId.Should().Be(first);
        switched.Timer.TicketId.Should().Be(second);
        switched.StoppedEntry.Should().BeEquivalentTo(new { TicketId = first, UserId = carlaId, Billable = true });
        switchedOnScreen!.TicketId.Should().Be(second);
        stopped.Should().BeEquivalentTo(new { TicketId = second, UserId = carlaId, Billable = true, Billed = false });
        stopped.Minutes.Should().BeGreaterThan(0);
        stoppedOnScreen.Should().BeNull();
        noneAgain.StatusCode.Should().Be(HttpStatusCode.NoContent);
        notRunning.Should().Be(TimeMessages.TimerNotRunning);
        var entries = await app.QueryAsync(db => db.Set<TimeEntry>().Where(e => e.Id == stopped.Id || e.Id == switched.StoppedEntry!.Id).ToListAsync());
        entries.Select(e => (e.TicketId, e.UserId)).Should().BeEquivalentTo([(first, carlaId), (second, carlaId)]);
        (await app.QueryAsync(db => db.Set<RunningTimer>().AnyAsync(r => r.UserId == carlaId))).Should().BeFalse();
        notices.Should().BeGreaterThanOrEqualTo(3, "each start and stop tells the open screens");
    }

    [Fact]
    public async Task Without_consent_the_timer_says_not_billable_and_records_not_billable_time()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: false, skip: 1);
        using var lena = await app.ApiClientAsync(Lena, ApiScopes.TimeWrite);

        var started = await (await StartAsync(lena, ticketId)).ReadAsync<TimerStartResponse>(HttpStatusCode.Created);
        var stopped = await (await StopAsync(lena)).ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);

        started.NotBillable.Should().BeTrue();
        started.Timer.TimeTrackingAllowed.Should().BeFalse();
        stopped.Billable.Should().BeFalse();
        (await app.QueryAsync(db => db.Set<TimeEntry>().SingleAsync(e => e.Id == stopped.Id))).Billable.Should().BeFalse();
    }

    [Fact]
    public async Task A_bad_correction_is_400_on_correctedMinutes_and_the_timer_keeps_running()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true, skip: 12);
        using var admin = await app.ApiClientAsync(Administrator, ApiScopes.TimeWrite);
        await (await StartAsync(admin, ticketId)).ReadAsync<TimerStartResponse>(HttpStatusCode.Created);

        var tooShort = await (await StopAsync(admin, new TimerStopRequest(CorrectedMinutes: 0))).FieldErrorsAsync("correctedMinutes");
        var tooLong = await (await StopAsync(admin, new TimerStopRequest(CorrectedMinutes: 300))).FieldErrorsAsync("correctedMinutes");
        var running = await app.RunningTimerAsync(Administrator);
        var corrected = await (await StopAsync(admin, new TimerStopRequest(CorrectedMinutes: 1))).ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);

        tooShort.Should().Equal(TimeMessages.CorrectionTooShort);
        tooLong.Should().Equal(TimeMessages.CorrectionLongerThanTimer);
        running!.TicketId.Should().Be(ticketId);
        corrected.Minutes.Should().BeGreaterThanOrEqualTo(1);
        (await app.RunningTimerAsync(Administrator)).Should().BeNull();
    }

    [Fact]
    public async Task Billing_limited_to_its_tenant_gets_404_starting_on_another_tenants_ticket_and_no_timer()
    {
        var ticketId = await HomeTicketAsync(timeTrackingAllowed: true, skip: 13);
        using var bill = await app.ApiClientAsync(Bill, ApiScopes.TimeWrite);

        await (await StartAsync(bill, app.Foreign.TicketId)).ProblemDetailAsync(HttpStatusCode.NotFound);
        var noTimer = await app.RunningTimerAsync(Bill);
        using var unknown = await StartAsync(bill, int.MaxValue);
        var started = await (await StartAsync(bill, ticketId)).ReadAsync<TimerStartResponse>(HttpStatusCode.Created);
        await (await StopAsync(bill)).ReadAsync<TimeEntryResponse>(HttpStatusCode.OK);

        noTimer.Should().BeNull();
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        started.Timer.TicketId.Should().Be(ticketId);
    }
}
