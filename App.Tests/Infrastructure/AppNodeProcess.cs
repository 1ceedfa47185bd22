using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BlazorTickets.Data;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// The app's build output run as a process of its own (<c>dotnet BlazorTickets.dll</c>) on a free loopback port, with
/// a data folder of its own, against a shared test database: a node that a test can kill the way a machine dies.
/// </summary>
public sealed class AppNodeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly TempFolder folder;
    private readonly StringBuilder output = new();

    private AppNodeProcess(Process process, TempFolder folder, string address)
    {
        this.process = process;
        this.folder = folder;
        Address = address;
    }

    public string Address { get; }
    public int ProcessId => process.Id;
    public bool HasExited => process.HasExited;

    /// <summary>What the node wrote to stdout and stderr, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>The app's own build output, next to the test project's.</summary>
    public static string AppDll()
    {
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testBin);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        var dll = Path.Combine(Repository.Root, "App", "bin", configuration, framework, "BlazorTickets.dll");
        File.Exists(dll).Should().BeTrue($"the app is built before its tests ({dll})");
        return dll;
    }

    /// <summary>Starts a node and waits until /healthz answers.</summary>
    public static async Task<AppNodeProcess> StartAsync(TestDatabase database)
    {
        var folder = new TempFolder();
        var address = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", $"\"{AppDll()}\" --urls {address}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder.Path,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["BlazorTickets__DataFolder"] = folder.Path;
        start.Environment["BlazorTickets__SeedDemoData"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in database.Settings())
        {
            start.Environment[key.Replace(":", "__")] = value;
        }
        var node = new AppNodeProcess(Process.Start(start)!, folder, address);
        node.process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node.process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node.process.BeginOutputReadLine();
        node.process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The node exited with {process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await http.GetAsync(Address + "/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The node at {Address} was not healthy after {timeout.TotalSeconds} s:\n{Output}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Kills the process at once: no shutdown, no goodbye to the database or the mail server.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        folder.Dispose();
    }
}
