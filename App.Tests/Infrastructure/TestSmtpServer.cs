using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on a free loopback port (the SmtpServer library, in process). It records what it accepts as
/// MimeMessages, can be stopped and started again on the same port to play "SMTP down", and can require a sign-in.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    public const string User = "smtp-user";
    public const string Password = "smtp-pw";

    private readonly ConcurrentQueue<MimeMessage> received = new();
    private readonly bool requireAuthentication;
    private SmtpServer.SmtpServer? server;
    private Task? running;
    private CancellationTokenSource? stop;

    private TestSmtpServer(int port, bool requireAuthentication)
    {
        Port = port;
        this.requireAuthentication = requireAuthentication;
    }

    public string Host => "127.0.0.1";
    public int Port { get; }
    public bool IsRunning => server is not null;

    public IReadOnlyList<MimeMessage> Received => received.ToArray();

    /// <summary>Recipients the server refuses for good (550), as a real server does for an unknown mailbox.</summary>
    public ConcurrentDictionary<string, bool> RejectedRecipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Raised for every accepted message, after it is recorded.</summary>
    public event Action<MimeMessage>? MessageReceived;

    public static async Task<TestSmtpServer> StartAsync(bool requireAuthentication = false)
    {
        var smtp = new TestSmtpServer(FreePort(), requireAuthentication);
        await smtp.StartAsync();
        return smtp;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartAsync()
    {
        if (server is not null)
        {
            return;
        }
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(builder => builder
                .Endpoint(new IPEndPoint(IPAddress.Loopback, Port))
                .AllowUnsecureAuthentication(true)
                .AuthenticationRequired(requireAuthentication))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new RecordingStore(this));
        services.Add(new FixedUserAuthenticator());
        services.Add(new RejectingFilter(this));
        server = new SmtpServer.SmtpServer(options, services);
        stop = new CancellationTokenSource();
        running = server.StartAsync(stop.Token);
        // The listener binds asynchronously; wait until the port takes connections.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"The test SMTP server did not start listening on port {Port}.");
    }

    /// <summary>Stops listening; connections are refused until <see cref="StartAsync()"/>.</summary>
    public async Task StopAsync()
    {
        if (server is null)
        {
            return;
        }
        server.Shutdown();
        stop!.Cancel();
        try
        {
            await running!;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
        server = null;
        running = null;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived; generous, it returns as soon as they are there.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (received.Count < count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Expected {count} message(s), the SMTP server received {received.Count}.");
            }
            await Task.Delay(50);
        }
        return Received;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private sealed class RecordingStore(TestSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            owner.received.Enqueue(message);
            owner.MessageReceived?.Invoke(message);
            return SmtpResponse.Ok;
        }
    }

    private sealed class RejectingFilter(TestSmtpServer owner) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, SmtpServer.Mail.IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, SmtpServer.Mail.IMailbox to, SmtpServer.Mail.IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!owner.RejectedRecipients.ContainsKey($"{to.User}@{to.Host}"));
    }

    private sealed class FixedUserAuthenticator : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken) =>
            Task.FromResult(user == User && password == Password);
    }
}
