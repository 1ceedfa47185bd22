using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BlazorTickets.Tests.Features.Webhooks;

public sealed record ReceivedWebhook(string Body, string? Signature, string? EventType, string? Delivery)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public string EventId => Json.GetProperty("id").GetString()!;
}

/// <summary>
/// A webhook receiver on a loopback port chosen up front, so that it can be down (nothing listens) and come up later
/// on the same address, as a real receiver's outage does.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private WebApplication? app;

    public int Port { get; } = FreePort();
    public string Url => $"http://127.0.0.1:{Port}/hooks";
    public IReadOnlyList<ReceivedWebhook> Received => received.ToList();
    public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            received.Enqueue(new ReceivedWebhook(body, request.Headers["BlazorTickets-Signature"], request.Headers["BlazorTickets-Event"], request.Headers["BlazorTickets-Delivery"]));
            return Results.StatusCode((int)Answer);
        });
        await app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
