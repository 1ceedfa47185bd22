using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace BlazorTickets.Tests.Features.Hosting;

/// <summary>
/// The app as an operator starts it: the built BlazorTickets.dll in its own process, over the real appsettings.json,
/// told where to listen only by the standard ASP.NET Core variables.
/// </summary>
public sealed class ListenAddressTests
{
    [Fact]
    public async Task ASPNETCORE_URLS_decides_where_the_app_listens()
    {
        var port = FreePort();
        await using var app = await RunningApp.StartAsync(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });

        var status = await app.WaitForLoginPageAsync(port);

        status.Should().Be(HttpStatusCode.OK, $"the app must listen on the port ASPNETCORE_URLS names; its output:\n{app.Output}");
    }

    [Fact]
    public async Task ASPNETCORE_HTTP_PORTS_decides_where_the_app_listens()
    {
        var port = FreePort();
        await using var app = await RunningApp.StartAsync(new() { ["ASPNETCORE_HTTP_PORTS"] = port.ToString() });

        var status = await app.WaitForLoginPageAsync(port);

        status.Should().Be(HttpStatusCode.OK, $"the app must listen on the port ASPNETCORE_HTTP_PORTS names; its output:\n{app.Output}");
    }

    [Fact]
    public void Without_any_address_setting_the_app_falls_back_to_localhost_5000()
    {
        var none = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var withPorts = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["http_ports"] = "8080" }).Build();
        var withKestrel = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:8081" }).Build();

        HostingDefaults.FallbackUrl(none).Should().Be("http://localhost:5000");
        HostingDefaults.FallbackUrl(withPorts).Should().BeNull();
        HostingDefaults.FallbackUrl(withKestrel).Should().BeNull();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RunningApp : IAsyncDisposable
    {
        private readonly Process process;
        private readonly TempFolder data;
        private readonly StringBuilder output = new();

        private RunningApp(Process process, TempFolder data)
        {
            this.process = process;
            this.data = data;
        }

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

        public static Task<RunningApp> StartAsync(Dictionary<string, string> environment)
        {
            var appFolder = AppProjectFolder();
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            // App.Tests/bin/<Configuration>/<tfm> → App/bin/<Configuration>/<tfm>
            var dll = Path.Combine(appFolder, "bin", testOutput.Parent!.Name, testOutput.Name, "BlazorTickets.dll");
            File.Exists(dll).Should().BeTrue($"the app must be built at {dll}");

            var data = new TempFolder();
            var start = new ProcessStartInfo("dotnet", [dll])
            {
                // The content root: the real appsettings.json, as `dotnet run` or a deployment has it.
                WorkingDirectory = appFolder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(key);
            }
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["BlazorTickets__DataFolder"] = data.Path;
            start.Environment["BlazorTickets__SeedDemoData"] = "false";
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
            var process = new Process { StartInfo = start };
            var app = new RunningApp(process, data);
            process.OutputDataReceived += (_, e) => app.Append(e.Data);
            process.ErrorDataReceived += (_, e) => app.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return Task.FromResult(app);
        }

        public async Task<HttpStatusCode?> WaitForLoginPageAsync(int port)
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    using var response = await client.GetAsync($"http://127.0.0.1:{port}/account/login");
                    return response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(250);
                }
            }
            return null;
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

        private static string AppProjectFolder()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "App", "App.csproj")))
                {
                    return Path.Combine(folder.FullName, "App");
                }
            }
            throw new InvalidOperationException("App/App.csproj not found above " + AppContext.BaseDirectory);
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
            data.Dispose();
        }
    }
}
