using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BlazorTickets.Bench;

/// <summary>
/// A minimal Blazor Server client: what blazor.web.js does to open a circuit for a prerendered page, without a browser.
/// It fetches the page, connects to /_blazor with the blazorpack protocol (MessagePack under that name), starts the
/// circuit, adds the page's root component, acknowledges every render batch and answers JS interop calls with null.
/// Each received batch is handed to <see cref="BatchReceived"/> with its arrival time.
/// </summary>
public sealed partial class BlazorCircuitClient : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly string pageUrl;

    public event Action<DateTimeOffset, ReadOnlyMemory<byte>>? BatchReceived;

    public int Batches { get; private set; }
    public long Bytes { get; private set; }
    public List<string> Errors { get; } = [];
    public bool Closed { get; private set; }

    private BlazorCircuitClient(HubConnection connection, string pageUrl)
    {
        this.connection = connection;
        this.pageUrl = pageUrl;
    }

    public static async Task<BlazorCircuitClient> OpenAsync(string baseUrl, string path, CookieContainer cookies, CancellationToken ct)
    {
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        var html = await http.GetStringAsync(path, ct);

        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(baseUrl), "_blazor"), o =>
            {
                o.Cookies = cookies;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Critical));
        // blazor.web.js speaks MessagePack under the name "blazorpack"; the last registered protocol is the one used.
        builder.Services.AddSingleton<IHubProtocol, BlazorPackHubProtocol>();
        // The prerendered page is read once to start the circuit and not kept: the client's memory counts in the bench.
        var client = new BlazorCircuitClient(builder.Build(), new Uri(new Uri(baseUrl), path).ToString());
        await client.StartAsync(baseUrl, html, ct);
        return client;
    }

    private async Task StartAsync(string baseUrl, string html, CancellationToken ct)
    {
        connection.On<long, byte[]>("JS.RenderBatch", async (batchId, data) =>
        {
            var arrived = DateTimeOffset.UtcNow;
            Batches++;
            Bytes += data.Length;
            BatchReceived?.Invoke(arrived, data);
            await connection.SendAsync("OnRenderCompleted", batchId, null);
        });
        connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], async (args, _) =>
        {
            var asyncHandle = (long)args[0]!;
            if (asyncHandle != 0)
            {
                await connection.SendAsync("EndInvokeJSFromDotNet", asyncHandle, true, $"[{asyncHandle},true,null]");
            }
        }, new object());
        connection.On<string>("JS.Error", error => Errors.Add(error));
        foreach (var name in new[] { "JS.AttachComponent", "JS.EndUpdateRootComponents", "JS.EndLocationChanging", "JS.EndInvokeDotNet", "JS.SavePersistedState" })
        {
            connection.On(name, [], (_, _) => Task.CompletedTask, new object());
        }
        connection.Closed += _ =>
        {
            Closed = true;
            return Task.CompletedTask;
        };

        await connection.StartAsync(ct);
        var state = ServerState().Match(html) is { Success: true } m ? m.Groups["state"].Value : "";
        var circuitId = await connection.InvokeAsync<string?>("StartCircuit", baseUrl.TrimEnd('/') + "/", pageUrl, "[]", state, ct);
        if (circuitId is null)
        {
            throw new InvalidOperationException("The server refused to start a circuit.");
        }
        var markers = Markers().Matches(html)
            .Select(match => JsonDocument.Parse(match.Groups["json"].Value).RootElement)
            .Where(marker => marker.TryGetProperty("type", out var type) && type.GetString() == "server" && marker.TryGetProperty("descriptor", out _))
            .ToList();
        if (markers.Count == 0)
        {
            throw new InvalidOperationException("The page has no interactive server component markers.");
        }
        var operations = markers.Select((marker, i) => new { type = "add", ssrComponentId = i + 1, marker }).ToList();
        var batch = JsonSerializer.Serialize(new { batchId = 1, operations });
        await connection.SendAsync("UpdateRootComponents", batch, state, ct);
    }

    [GeneratedRegex(@"<!--Blazor:(?<json>\{.*?\})-->", RegexOptions.Singleline)]
    private static partial Regex Markers();

    [GeneratedRegex(@"<!--Blazor-Server-Component-State:(?<state>[a-zA-Z0-9+/=]+)-->")]
    private static partial Regex ServerState();

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}

/// <summary>The SignalR MessagePack protocol under the name blazor.web.js gives it.</summary>
public sealed class BlazorPackHubProtocol : IHubProtocol
{
    private readonly MessagePackHubProtocol inner = new();

    public string Name => "blazorpack";
    public int Version => inner.Version;
    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message) =>
        inner.TryParseMessage(ref input, binder, out message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
}
