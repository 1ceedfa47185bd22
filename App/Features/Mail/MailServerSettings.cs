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
