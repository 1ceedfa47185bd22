using BlazorTickets.Shared;
using System.Net.Sockets;
using MailKit.Security;
using BlazorTickets.Features.Localization;

namespace BlazorTickets.Features.Mail;

/// <summary>What the IMAP and the SMTP settings have in common: server address, port and encryption.</summary>
public static class MailServerSettings
{
    public static SecureSocketOptions ToSocketOptions(this MailEncryption encryption) => encryption switch
    {
        MailEncryption.SslTls => SecureSocketOptions.SslOnConnect,
        MailEncryption.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    /// <summary>
    /// What an admin can act on when reaching a mail server failed in a way every protocol shares (TLS, sign-in,
    /// name lookup, refused or silent port, missing STARTTLS); null for a failure only the protocol can explain.
    /// </summary>
    public static string? ExplainConnectionFailure(Exception ex, string host, int port, string userName, MailEncryption encryption, TimeSpan timeout) => ex switch
    {
        System.Security.Authentication.AuthenticationException => Text.Of("The TLS handshake with {0}:{1} failed: {2} Check the encryption setting and the server's certificate.", host, port, ex.Message),
        SslHandshakeException => Text.Of("The TLS handshake with {0}:{1} failed. Check the encryption setting (SSL/TLS or STARTTLS) and the server's certificate.", host, port),
        MailKit.Security.AuthenticationException => Text.Of("The server refused the user name or password for {0}.", userName),
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => Text.Of("The host \"{0}\" was not found.", host),
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => Text.Of("{0}:{1} refused the connection. Is the port right and the server running?", host, port),
        SocketException socket => Text.Of("{0}:{1} is unreachable: {2}", host, port, socket.Message),
        TimeoutException or OperationCanceledException => Text.Of("{0}:{1} did not answer within {2:0} seconds.", host, port, timeout.TotalSeconds),
        NotSupportedException when encryption == MailEncryption.StartTls => Text.Of("{0}:{1} does not offer STARTTLS.", host, port),
        _ => null,
    };

    /// <summary>Adds the errors of host, port and encryption under those field names; the missing-host text names the server kind.</summary>
    public static void ValidateServer(FieldErrors errors, string? host, int port, MailEncryption encryption, string hostMissing)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            errors.Add("Host", hostMissing);
        }
        else if (Uri.CheckHostName(host.Trim()) == UriHostNameType.Unknown)
        {
            errors.Add("Host", "This is not a valid host name or IP address.");
        }
        if (port is < 1 or > 65535)
        {
            errors.Add("Port", "The port must be between 1 and 65535.");
        }
        if (!Enum.IsDefined(encryption))
        {
            errors.Add("Encryption", "Choose none, SSL/TLS or STARTTLS.");
        }
    }
}
