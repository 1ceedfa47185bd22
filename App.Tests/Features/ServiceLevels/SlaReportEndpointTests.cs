using System.Net;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.ServiceLevels.Reports;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.ServiceLevels;

/// <summary>The report's CSV over HTTP with the real sign-in, on the demo data plus stages written in January 2020.</summary>
public sealed class SlaReportEndpointTests(SlaReportEndpointTests.Host host) : IClassFixture<SlaReportEndpointTests.Host>
{
    public sealed class Host : AppFactory, IAsyncLifetime
    {
        public async Task InitializeAsync()
        {
            await using var db = await DbFactory.CreateDbContextAsync();
            // A closed ticket: the service levels' worker recomputes only open tickets and new history, so it leaves these stages be.
            var ticket = await db.Set<Ticket>().Where(t => t.Status == TicketStatus.Closed).OrderBy(t => t.Id).FirstAsync();
            var day = new DateTime(2020, 1, 6, 8, 0, 0, DateTimeKind.Utc);
            db.AddRange(
                new TicketSlaStage { TicketId = ticket.Id, Target = SlaTarget.FirstResponse, StartedAt = day, DueAt = day.AddHours(4), CompletedAt = day.AddHours(1) },
                new TicketSlaStage { TicketId = ticket.Id, Target = SlaTarget.Resolution, StartedAt = day, DueAt = day.AddHours(8), CompletedAt = day.AddDays(2) });
            await db.SaveChangesAsync();
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    [Fact]
    public async Task A_team_lead_downloads_the_period_as_csv_an_agent_does_not()
    {
        using var lena = await host.SignedInClientAsync("lena@contoso.example", DemoDataSeeder.Password);
        using var anna = await host.SignedInClientAsync("anna@contoso.example", DemoDataSeeder.Password);

        using var csv = await lena.GetAsync("/reports/sla.csv?from=2020-01-01&to=2020-01-31");
        using var annaCsv = await anna.GetAsync("/reports/sla.csv?from=2020-01-01&to=2020-01-31");

        csv.StatusCode.Should().Be(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        csv.Content.Headers.ContentDisposition!.FileName.Should().Contain("sla-2020-01-01-2020-01-31.csv");
        var lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        lines[0].Should().Be(SlaReportService.CsvHeader);
        lines.Should().Contain("total,All,all,2,1,1,0,50.0");
        lines.Should().Contain("total,All,FirstResponse,1,1,0,0,100.0");
        lines.Should().Contain("total,All,Resolution,1,0,1,0,0.0");
        lines.Should().Contain("total,All,NextResponse,0,0,0,0,");
        lines.Should().Contain(l => l.StartsWith("tenant,") && l.EndsWith(",all,2,1,1,0,50.0"));
        annaCsv.StatusCode.Should().NotBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("from=2020-02-01&to=2020-01-01", "The start date must not be after the end date.")]
    [InlineData("from=2020-01-01&to=2021-01-02", "Choose a period of at most 366 days.")]
    [InlineData("from=01.01.2020&to=2020-01-31", "Enter the dates as yyyy-MM-dd.")]
    public async Task Bad_dates_get_a_400_that_says_what_is_wrong(string query, string message)
    {
        using var lena = await host.SignedInClientAsync("lena@contoso.example", DemoDataSeeder.Password);

        using var response = await lena.GetAsync("/reports/sla.csv?" + query);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Be(message);
    }
}
