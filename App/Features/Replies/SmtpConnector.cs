using BlazorTickets.Features.Mail;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using BlazorTickets.Features.Localization;

namespace BlazorTickets.Features.Replies;

/// <summary>An SMTP server's settings with the password (or OAuth2 access token) unprotected, for this process only.</summary>
public sealed record SmtpEndpoint(string Host, int Port, MailEncryption Encryption, string UserName, string Password, MailAuthMethod Auth = MailAuthMethod.Password)
{
    public static SmtpEndpoint Of(MailboxEndpoint mailbox) =>
        new(mailbox.Host, mailbox.Port, mailbox.Encryption, mailbox.UserName, mailbox.Password, mailbox.Auth);

    public override string ToString() => $"{UserName}@{Host}:{Port}";
}

/// <summary>A send that failed; <see cref="IsPermanent"/> when the server refused for good (a 5xx reply), so retrying cannot help.</summary>
public sealed class SmtpDeliveryException(string message, bool isPermanent, Exception? inner = null) : Exception(message, inner)
{
    public bool IsPermanent { get; } = isPermanent;
}

/// <summary>Talks SMTP with MailKit and turns failures into messages an agent or admin can act on.</summary>
public sealed class SmtpConnector(MailboxConnector mailboxes)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Protect(string password) => mailboxes.Protect(password);

    public SmtpEndpoint EndpointOf(SmtpSettings settings) => new(
        settings.Host, settings.Port, settings.Encryption, settings.UserName,
        settings.ProtectedPassword is null ? "" : mailboxes.Unprotect(settings.ProtectedPassword));

    private static async Task<SmtpClient> ConnectAsync(SmtpEndpoint endpoint, CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Encryption.ToSocketOptions(), ct);
            if (endpoint.Auth == MailAuthMethod.OAuth2)
            {
                await client.AuthenticateAsync(new SaslMechanismOAuth2(endpoint.UserName, endpoint.Password), ct);
            }
            else if (!string.IsNullOrEmpty(endpoint.UserName))
            {
                await client.AuthenticateAsync(endpoint.UserName, endpoint.Password, ct);
            }
            return client;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            client.Dispose();
            throw new SmtpDeliveryException(Explain(ex, endpoint), IsPermanent(ex), ex);
        }
    }

    /// <summary>Sends the stored MIME as it is; returns the server's acceptance reply.</summary>
    public async Task<string> SendAsync(SmtpEndpoint endpoint, byte[] rawMime, CancellationToken ct)
    {
        using var stream = new MemoryStream(rawMime, writable: false);
        var message = await MimeMessage.LoadAsync(stream, ct);
        using var client = await ConnectAsync(endpoint, ct);
        string response;
        try
        {
            response = await client.SendAsync(message, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw new SmtpDeliveryException(Explain(ex, endpoint), IsPermanent(ex), ex);
        }
        try
        {
            await client.DisconnectAsync(true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The server has accepted the mail; a failing QUIT must not make it look unsent and send it twice.
        }
        return response;
    }

    /// <summary>Connects and signs in, then reports what the server offers.</summary>
    public async Task<string> TestAsync(SmtpEndpoint endpoint, CancellationToken ct)
    {
        using var client = await ConnectAsync(endpoint, ct);
        try
        {
            await client.NoOpAsync(ct);
            var secure = client.IsSecure ? Text.Of("encrypted") : Text.Of("not encrypted");
            var auth = string.IsNullOrEmpty(endpoint.UserName) ? Text.Of("without signing in") : Text.Of("as {0}", endpoint.UserName);
            return client.Capabilities.HasFlag(SmtpCapabilities.Size) && client.MaxSize > 0
                ? Text.Of("Connected to {0}:{1} {2}; the connection is {3}. It accepts mails up to {4:0.#} MB.", endpoint.Host, endpoint.Port, auth, secure, client.MaxSize / 1048576.0)
                : Text.Of("Connected to {0}:{1} {2}; the connection is {3}.", endpoint.Host, endpoint.Port, auth, secure);
        }
        finally
        {
            await client.DisconnectAsync(true, CancellationToken.None);
        }
    }

    private static bool IsPermanent(Exception ex) => ex switch
    {
        SmtpCommandException command => (int)command.StatusCode >= 500,
        MailKit.Security.AuthenticationException => false,
        _ => false,
    };

    public static string Explain(Exception ex, SmtpEndpoint endpoint) => ex switch
    {
        SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted } command =>
            Text.Of("The server refused the recipient {0}: {1} {2}", command.Mailbox, (int)command.StatusCode, command.Message),
        SmtpCommandException { ErrorCode: SmtpErrorCode.SenderNotAccepted } command =>
            Text.Of("The server refused the sender {0}: {1} {2}", command.Mailbox, (int)command.StatusCode, command.Message),
        SmtpCommandException command => Text.Of("The server refused the mail: {0} {1}", (int)command.StatusCode, command.Message),
        _ => MailServerSettings.ExplainConnectionFailure(ex, endpoint.Host, endpoint.Port, endpoint.UserName, endpoint.Encryption, Timeout) ?? ex switch
        {
            NotSupportedException when !string.IsNullOrEmpty(endpoint.UserName) => Text.Of("{0}:{1} does not offer signing in (AUTH). Leave the user empty or turn on encryption.", endpoint.Host, endpoint.Port),
            SmtpProtocolException or ServiceNotConnectedException or IOException => Text.Of("The connection to {0}:{1} broke off: {2}", endpoint.Host, endpoint.Port, ex.Message),
            _ => Text.Of("Could not send through {0}:{1}: {2}", endpoint.Host, endpoint.Port, ex.Message),
        },
    };
}
