using System.Net.Sockets;
using MailKit.Security;

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
        System.Security.Authentication.AuthenticationException => $"The TLS handshake with {host}:{port} failed: {ex.Message} Check the encryption setting and the server's certificate.",
        SslHandshakeException => $"The TLS handshake with {host}:{port} failed. Check the encryption setting (SSL/TLS or STARTTLS) and the server's certificate.",
        MailKit.Security.AuthenticationException => $"The server refused the user name or password for {userName}.",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => $"The host \"{host}\" was not found.",
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"{host}:{port} refused the connection. Is the port right and the server running?",
        SocketException socket => $"{host}:{port} is unreachable: {socket.Message}",
        TimeoutException or OperationCanceledException => $"{host}:{port} did not answer within {timeout.TotalSeconds:0} seconds.",
        NotSupportedException when encryption == MailEncryption.StartTls => $"{host}:{port} does not offer STARTTLS.",
        _ => null,
    };

    /// <summary>Adds the errors of host, port and encryption under those field names; the missing-host text names the server kind.</summary>
    public static void ValidateServer(Dictionary<string, string> errors, string? host, int port, MailEncryption encryption, string hostMissing)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            errors["Host"] = hostMissing;
        }
        else if (Uri.CheckHostName(host.Trim()) == UriHostNameType.Unknown)
        {
            errors["Host"] = "This is not a valid host name or IP address.";
        }
        if (port is < 1 or > 65535)
        {
            errors["Port"] = "The port must be between 1 and 65535.";
        }
        if (!Enum.IsDefined(encryption))
        {
            errors["Encryption"] = "Choose none, SSL/TLS or STARTTLS.";
        }
    }
}
