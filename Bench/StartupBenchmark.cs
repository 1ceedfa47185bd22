using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BlazorTickets.Tests.Infrastructure;

namespace BlazorTickets.Bench;

/// <summary>
/// From process start to the first served sign-in page, on an existing database: the app's own Release build runs
/// as a separate process (as in production), several times over a copy of the same data folder.
/// </summary>
public static class StartupBenchmark
{
    private const int Runs = 5;

    public static async Task RunAsync(string[] args)
    {
        // A data folder to start on (holding blazortickets.db), or a ticket count for the desk benchmark's cached database.
        var sourceFolder = args.Length > 0 && Directory.Exists(args[0])
            ? args[0]
            : DeskQueryBenchmark.CacheFolderOf(args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1_000_000);
        var source = Path.Combine(sourceFolder, "blazortickets.db");
        if (!File.Exists(source))
        {
            throw new InvalidOperationException($"{source} is missing: run the desk benchmark for that many tickets first.");
        }
        Console.WriteLine($"database: {source} ({new FileInfo(source).Length / 1024 / 1024:N0} MB)");
        using var folder = new TempFolder("blazortickets-startup");
        // The app may migrate its data folder; a copy keeps the source as it was.
        foreach (var suffix in new[] { "", "-wal" }.Where(suffix => File.Exists(source + suffix)))
        {
            var copy = Path.Combine(folder.Path, "blazortickets.db" + suffix);
            File.Copy(source + suffix, copy);
            // Written to disk before the first start: gigabytes still being written back would slow the first starts.
            using var written = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite);
            written.Flush(flushToDisk: true);
        }

        // How a server runs the app (a ReadyToRun publish), and the plain Release build for comparison.
        var results = new List<(string Case, List<double> Timings)>
        {
            ("published (ReadyToRun), start to sign-in page", await TimeStartsAsync(await PublishReadyToRunAsync(), folder.Path)),
            ("Release build, start to sign-in page", await TimeStartsAsync(AppBuild(), folder.Path)),
        };
        Console.WriteLine($"{"case",-50} {"p50 ms",8} {"max ms",8}");
        foreach (var (name, timings) in results)
        {
            Console.WriteLine($"{name,-50} {timings[timings.Count / 2],8:N0} {timings[^1],8:N0}");
        }
    }

    private static async Task<List<double>> TimeStartsAsync(string appDll, string dataFolder)
    {
        Console.WriteLine($"app: {appDll}");
        var timings = new List<double>();
        // The first start may apply migrations the cached database lacks; it is reported but not counted.
        for (var run = 0; run <= Runs; run++)
        {
            var elapsed = await StartUntilSignInPageAsync(appDll, dataFolder);
            Console.WriteLine($"  run {run}{(run == 0 ? " (warm-up)" : "")}: {elapsed:N0} ms");
            if (run > 0)
            {
                timings.Add(elapsed);
            }
        }
        timings.Sort();
        return timings;
    }

    private static async Task<string> PublishReadyToRunAsync()
    {
        var output = Path.Combine(Repository.AppFolder, "bin", "Release", "startup-publish");
        var publish = new ProcessStartInfo("dotnet", ["publish", Repository.AppFolder, "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(publish)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed:\n{await log}\n{await errors}");
        }
        return Path.Combine(output, "BlazorTickets.dll");
    }

    private static string AppBuild()
    {
        var dll = Path.Combine(Repository.AppFolder, "bin", "Release", "net10.0", "BlazorTickets.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: run the benchmark with -c Release, which builds the app.");
        }
        return dll;
    }

    private static async Task<double> StartUntilSignInPageAsync(string appDll, string dataFolder)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [appDll])
        {
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["BlazorTickets__DataFolder"] = dataFolder;
        start.Environment["BlazorTickets__SeedDemoData"] = "false";

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (clock.Elapsed < TimeSpan.FromMinutes(2))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The app exited with {process.ExitCode}:\n{output}");
                }
                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{port}/account/login");
                    if (response.StatusCode == HttpStatusCode.OK
                        && (await response.Content.ReadAsStringAsync()).Contains("<form", StringComparison.OrdinalIgnoreCase))
                    {
                        return clock.Elapsed.TotalMilliseconds;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                await Task.Delay(10);
            }
            throw new TimeoutException($"No sign-in page within two minutes:\n{output}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
