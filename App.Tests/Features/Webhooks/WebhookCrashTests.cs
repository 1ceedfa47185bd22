using System.Diagnostics;
using System.Text;
using BlazorTickets.Features.Webhooks;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Tests.Features.Webhooks;

/// <summary>
/// The built app in its own process, killed (SIGKILL) while its receiver is down and events wait in the database:
/// after a restart with the receiver up, every event arrives, once, in order per ticket.
/// </summary>
public sealed class WebhookCrashTests : IAsyncLifetime
{
    private readonly TempFolder data = new();
    private readonly WebhookReceiver receiver = new();
    private TestServices writer = null!;

    // The test writes through the app's own services on the same database, while the app process delivers.
    public async Task InitializeAsync() => writer = await TestServices.CreateAsync(seedDemoData: true, clock: TimeProvider.System, dataFolder: data.Path);

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await writer.DisposeAsync();
        data.Dispose();
    }

    [Fact]
    public async Task A_kill_between_commit_and_delivery_loses_no_event()
    {
        var (tenantId, tickets) = await writer.TicketsAsync(3);
        await writer.EndpointAsync(tenantId, receiver.Url);
        await writer.RenameAsync(tickets[0], "Before the app ran");

        var output = new StringBuilder();
        using (var first = StartApp(output))
        {
            for (var step = 1; step <= 3; step++)
            {
                foreach (var ticket in tickets)
                {
                    await writer.RenameAsync(ticket, $"Step {step}");
                }
            }
            await WaitForAsync(async () => (await writer.DbFactory.DeliveriesAsync()).Sum(d => d.Attempts) >= 3, first, output,
                "the app tries to deliver while the receiver is down");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        var beforeRestart = await writer.DbFactory.DeliveriesAsync();
        beforeRestart.Should().HaveCount(10).And.OnlyContain(d => d.State == WebhookDeliveryState.Pending, "nothing could be delivered");

        await receiver.StartAsync();
        using (var second = StartApp(output))
        {
            await WaitForAsync(async () => (await writer.DbFactory.DeliveriesAsync()).All(d => d.State == WebhookDeliveryState.Delivered), second, output,
                "the restarted app delivers what the killed one left");
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        var events = await writer.DbFactory.EventsAsync();
        receiver.Received.Select(r => r.EventId).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(events.Select(e => e.EventId));
        receiver.Received.Where(r => r.Json.GetProperty("data").GetProperty("ticket").GetProperty("id").GetInt32() == tickets[0])
            .Select(r => r.Json.GetProperty("data").GetProperty("ticket").GetProperty("subject").GetString())
            .Should().Equal("Before the app ran", "Step 1", "Step 2", "Step 3");
        foreach (var ticket in tickets.Skip(1))
        {
            receiver.Received.Where(r => r.Json.GetProperty("data").GetProperty("ticket").GetProperty("id").GetInt32() == ticket)
                .Select(r => r.Json.GetProperty("data").GetProperty("ticket").GetProperty("subject").GetString())
                .Should().Equal("Step 1", "Step 2", "Step 3");
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, Process app, StringBuilder output, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            if (app.HasExited || DateTime.UtcNow > until)
            {
                string log;
                lock (output)
                {
                    log = output.ToString();
                }
                Assert.Fail($"Expected that {what}; the app {(app.HasExited ? "exited" : "timed out")}. Its output:\n{log}");
            }
            await Task.Delay(100);
        }
    }

    private Process StartApp(StringBuilder output)
    {
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var dll = Path.Combine(Repository.Root, "App", "bin", Path.GetFileName(Path.GetDirectoryName(testBin)!), Path.GetFileName(testBin), "BlazorTickets.dll");
        File.Exists(dll).Should().BeTrue($"the app is built before its tests ({dll})");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = data.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["BlazorTickets__DataFolder"] = data.Path;
        start.Environment["BlazorTickets__SeedDemoData"] = "false";
        start.Environment["BlazorTickets__Webhooks__PollInterval"] = "00:00:00.200";
        start.Environment["BlazorTickets__Webhooks__FirstRetryDelay"] = "00:00:00.200";
        start.Environment["BlazorTickets__Webhooks__MaxRetryDelay"] = "00:00:00.500";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = new Process { StartInfo = start };
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
