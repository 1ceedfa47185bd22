using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using BlazorTickets.Features.Localization;

namespace BlazorTickets.Features.Mail;

/// <summary>
/// A mailbox's connection settings with the secret unprotected, for this process only: the password, or with OAuth2
/// a current access token.
/// </summary>
public sealed record MailboxEndpoint(string Host, int Port, MailEncryption Encryption, string UserName, string Password, string Folder, MailAuthMethod Auth = MailAuthMethod.Password)
{
    public override string ToString() => $"{UserName}@{Host}:{Port}/{Folder}";
}

public sealed class MailboxConnectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Hands out a current OAuth2 access token of a mailbox, renewing it with the stored refresh token when due.</summary>
public interface IMailboxAccessTokens
{
    /// <exception cref="MailboxConnectionException">The mailbox must be connected again (the refresh was refused).</exception>
    Task<string> GetAccessTokenAsync(int mailboxId, CancellationToken ct);
}

/// <summary>Opens authenticated IMAP connections and turns their failures into messages an admin can act on.</summary>
public sealed class MailboxConnector(IDataProtectionProvider dataProtection, IMailboxAccessTokens? accessTokens = null)
{
    /// <summary>Passwords, client secrets and OAuth2 tokens of the mailboxes share it.</summary>
    public const string ProtectorPurpose = "BlazorTickets.Mail.Password.v1";

    private readonly IDataProtector protector = dataProtection.CreateProtector(ProtectorPurpose);

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public string Protect(string password) => protector.Protect(password);

    public string Unprotect(string protectedPassword) => protector.Unprotect(protectedPassword);

    public async Task<MailboxEndpoint> EndpointOfAsync(Mailbox mailbox, CancellationToken ct)
    {
        var folder = mailbox.FolderList.FirstOrDefault() ?? "INBOX";
        if (mailbox.AuthMethod == MailAuthMethod.Password)
        {
            return new MailboxEndpoint(mailbox.Host, mailbox.Port, mailbox.Encryption, mailbox.UserName,
                mailbox.ProtectedPassword is null ? "" : Unprotect(mailbox.ProtectedPassword), folder);
        }
        if (accessTokens is null)
        {
            throw new MailboxConnectionException(Text.Of("OAuth2 sign-in is not available in this installation."));
        }
        var token = await accessTokens.GetAccessTokenAsync(mailbox.Id, ct);
        return new MailboxEndpoint(mailbox.Host, mailbox.Port, mailbox.Encryption, mailbox.UserName, token, folder, MailAuthMethod.OAuth2);
    }

    /// <summary>
    /// The mailbox's own SMTP sign-in for replies to its tickets: its SMTP user and password (each defaulting to the
    /// IMAP one), or with OAuth2 the same access token as for IMAP. Null when the mailbox has no SMTP server of its own.
    /// </summary>
    public async Task<MailboxEndpoint?> SmtpEndpointOfAsync(Mailbox mailbox, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(mailbox.SmtpHost))
        {
            return null;
        }
        var user = string.IsNullOrWhiteSpace(mailbox.SmtpUserName) ? mailbox.UserName : mailbox.SmtpUserName;
        if (mailbox.AuthMethod == MailAuthMethod.OAuth2)
        {
            var imap = await EndpointOfAsync(mailbox, ct);
            return new MailboxEndpoint(mailbox.SmtpHost, mailbox.SmtpPort, mailbox.SmtpEncryption, user, imap.Password, "", MailAuthMethod.OAuth2);
        }
        var password = mailbox.SmtpProtectedPassword ?? mailbox.ProtectedPassword;
        return new MailboxEndpoint(mailbox.SmtpHost, mailbox.SmtpPort, mailbox.SmtpEncryption, user, password is null ? "" : Unprotect(password), "");
    }

    public async Task<ImapClient> ConnectAsync(MailboxEndpoint endpoint, CancellationToken ct)
    {
        var client = new ImapClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Encryption.ToSocketOptions(), ct);
            if (endpoint.Auth == MailAuthMethod.OAuth2)
            {
                await client.AuthenticateAsync(new SaslMechanismOAuth2(endpoint.UserName, endpoint.Password), ct);
            }
            else
            {
                await client.AuthenticateAsync(endpoint.UserName, endpoint.Password, ct);
            }
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
    public async Task<string> TestAsync(MailboxEndpoint endpoint, CancellationToken ct, IReadOnlyList<string>? moreFolders = null)
    {
        using var client = await ConnectAsync(endpoint, ct);
        try
        {
            foreach (var other in moreFolders ?? [])
            {
                var opened = await OpenFolderAsync(client, other, FolderAccess.ReadOnly, ct);
                await opened.CloseAsync(false, ct);
            }
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
