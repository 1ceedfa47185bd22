using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using BlazorTickets.Features.Localization;

namespace BlazorTickets.Features.Mail;

/// <summary>A mailbox's connection settings with the password unprotected, for this process only.</summary>
public sealed record MailboxEndpoint(string Host, int Port, MailEncryption Encryption, string UserName, string Password, string Folder)
{
    public override string ToString() => $"{UserName}@{Host}:{Port}/{Folder}";
}

public sealed class MailboxConnectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Opens authenticated IMAP connections and turns their failures into messages an admin can act on.</summary>
public sealed class MailboxConnector(IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector protector = dataProtection.CreateProtector("BlazorTickets.Mail.Password.v1");

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Protect(string password) => protector.Protect(password);

    public string Unprotect(string protectedPassword) => protector.Unprotect(protectedPassword);

    public MailboxEndpoint EndpointOf(MailboxSettings settings) => new(
        settings.Host, settings.Port, settings.Encryption, settings.UserName,
        settings.ProtectedPassword is null ? "" : Unprotect(settings.ProtectedPassword), settings.Folder);

    public async Task<ImapClient> ConnectAsync(MailboxEndpoint endpoint, CancellationToken ct)
    {
        var client = new ImapClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Encryption.ToSocketOptions(), ct);
            await client.AuthenticateAsync(endpoint.UserName, endpoint.Password, ct);
            return client;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            client.Dispose();
            throw new MailboxConnectionException(Explain(ex, endpoint), ex);
        }
    }

    public async Task<IMailFolder> OpenFolderAsync(ImapClient client, string folderName, FolderAccess access, CancellationToken ct)
    {
        IMailFolder folder;
        try
        {
            folder = folderName.Equals("INBOX", StringComparison.OrdinalIgnoreCase)
                ? client.Inbox
                : await client.GetFolderAsync(folderName, ct);
        }
        catch (FolderNotFoundException ex)
        {
            throw new MailboxConnectionException(Text.Of("The folder \"{0}\" does not exist in this mailbox.", folderName), ex);
        }
        await folder.OpenAsync(access, ct);
        return folder;
    }

    /// <summary>Connects, signs in and opens the folder, then reports what it found.</summary>
    public async Task<string> TestAsync(MailboxEndpoint endpoint, CancellationToken ct)
    {
        using var client = await ConnectAsync(endpoint, ct);
        try
        {
            var folder = await OpenFolderAsync(client, endpoint.Folder, FolderAccess.ReadOnly, ct);
            var idle = client.Capabilities.HasFlag(ImapCapabilities.Idle) ? Text.Of("supports IDLE push") : Text.Of("does not support IDLE; the schedule fetches");
            return Text.Of("Connected to {0}:{1} as {2}. Folder \"{3}\" has {4} message(s). The server {5}.", endpoint.Host, endpoint.Port, endpoint.UserName, folder.FullName, folder.Count, idle);
        }
        finally
        {
            await client.DisconnectAsync(true, CancellationToken.None);
        }
    }

    public static string Explain(Exception ex, MailboxEndpoint endpoint) =>
        MailServerSettings.ExplainConnectionFailure(ex, endpoint.Host, endpoint.Port, endpoint.UserName, endpoint.Encryption, Timeout)
        ?? (ex is ImapProtocolException
            ? Text.Of("{0}:{1} does not speak IMAP as expected: {2}", endpoint.Host, endpoint.Port, ex.Message)
            : Text.Of("Could not connect to {0}:{1}: {2}", endpoint.Host, endpoint.Port, ex.Message));
}
