using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BlazorTickets.Features.Health;
using BlazorTickets.Features.Mail;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace BlazorTickets.Tests.Features.Health;

public sealed class HealthEndpointTests(AppFactory app) : IClassFixture<AppFactory>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> ProbeAsync()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(HealthServiceCollectionExtensions.Path);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task A_running_node_answers_200_without_sign_in_and_a_failing_mailbox_does_not_take_it_out()
    {
        var (status, body) = await ProbeAsync();
        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Healthy");
        body.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString().Should().Be("Healthy");

        await using (var db = await app.DbFactory.CreateDbContextAsync())
        {
            var tenantId = await db.Set<BlazorTickets.Features.Tenants.Tenant>().Select(t => t.Id).FirstAsync();
            db.Set<Mailbox>().RemoveRange(db.Set<Mailbox>().Where(m => m.TenantId == tenantId));
            db.Add(new Mailbox
            {
                TenantId = tenantId, Host = "imap.example", UserName = "support", LastRunAt = DateTime.UtcNow, LastRunError = "Authentication failed: secret-host-detail",
            });
            await db.SaveChangesAsync();
        }

        (status, body) = await ProbeAsync();

        status.Should().Be(HttpStatusCode.OK, "one broken mailbox must not take the node out of the load balancer");
        body.GetProperty("status").GetString().Should().Be("Degraded");
        var mailbox = body.GetProperty("checks").GetProperty("mailboxes").GetProperty("mailboxes").EnumerateArray().Should().ContainSingle().Subject;
        mailbox.GetProperty("state").GetString().Should().Be("Failing");
        body.GetRawText().Should().NotContain("secret-host-detail", "the probe is anonymous; the error shows on the mailbox page");
    }

    [Fact]
    public async Task A_stopped_scheduler_answers_503_until_it_runs_again()
    {
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.Standby();
        try
        {
            var (status, body) = await ProbeAsync();

            status.Should().Be(HttpStatusCode.ServiceUnavailable);
            body.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString().Should().Be("Unhealthy");
        }
        finally
        {
            await scheduler.Start();
        }
        (await ProbeAsync()).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_database_that_does_not_answer_gives_503()
    {
        var file = Path.Combine(app.DataFolder, "blazortickets.db");
        _ = app.Services;
        SqliteConnection.ClearAllPools();
        File.Move(file, file + ".away");
        try
        {
            var (status, body) = await ProbeAsync();

            status.Should().Be(HttpStatusCode.ServiceUnavailable);
            body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString().Should().Be("Unhealthy");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
            File.Move(file + ".away", file);
        }
    }
}
