using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// A real Dovecot IMAP server (Debian package dovecot-imapd) on a free loopback port, with a private config, mail
/// folder, sockets and log in a temp folder, so parallel test classes each run their own instance without clashing.
/// Plain IMAP without TLS; every user's password is <see cref="PasswordOf"/> (user name + "-pw"). Optionally it also
/// accepts OAuth2 access tokens (XOAUTH2, OAUTHBEARER) and runs Dovecot's SMTP submission service, which relays to
/// another SMTP server: see DovecotServer.OAuth.cs (not linked into Bench, which has neither OpenIddict nor SmtpServer).
/// Tests must run as root: Dovecot's master needs it to switch its login and mail processes to other users.
/// Dispose it to stop the server, kill whatever of this instance is left and delete the folder.
/// </summary>
public sealed partial class DovecotServer : IAsyncDisposable
{
    public const string DovecotPath = "/usr/sbin/dovecot";
    public const string DoveadmPath = "/usr/bin/doveadm";
    public const string SubmissionPath = "/usr/lib/dovecot/submission";
    public const string Inbox = "INBOX";

    /// <summary>Bounds every wait (start, stop, kick); the waits end as soon as the server is ready.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempFolder folder;
    private readonly StringBuilder masterErrors = new();
    private readonly OAuthIntrospection? oauth;
    private readonly SmtpRelay? submissionRelay;
    private readonly int? submissionPort;
    private Process? master;

    private DovecotServer(TempFolder folder, int port, OAuthIntrospection? oauth, SmtpRelay? submissionRelay)
    {
        this.folder = folder;
        Port = port;
        this.oauth = oauth;
        this.submissionRelay = submissionRelay;
        if (submissionRelay is not null)
        {
            var other = FreeLoopbackPort();
            submissionPort = other != port ? other : FreeLoopbackPort();
        }
    }

    public string Host => "127.0.0.1";
    public int Port { get; }

    /// <summary>Dovecot's SMTP submission service (plain SMTP, AUTH with the same passdbs as IMAP).</summary>
    public int SubmissionPort => submissionPort
        ?? throw new InvalidOperationException("This Dovecot runs no submission service: start it with a submissionRelay.");

    /// <summary>The private dovecot.conf; pass it to <c>doveadm -c</c> for anything the helpers here do not cover.</summary>
    public string ConfigPath => folder.Combine("dovecot.conf");

    /// <summary>Dovecot's own log (logins, disconnects, errors); worth reading when a test fails.</summary>
    public string LogPath => folder.Combine("dovecot.log");

    private string BaseDirectory => folder.Combine("run");
    private string MailDirectory => folder.Combine("mail");
    private string PasswordFile => folder.Combine("passwd");
    private string OAuthConfigPath => folder.Combine("dovecot-oauth2.conf.ext");

    public static string PasswordOf(string user) => user + "-pw";

    /// <summary>Credentials for <c>ImapClient.AuthenticateAsync</c>.</summary>
    public static NetworkCredential CredentialsOf(string user) => new(user, PasswordOf(user));

    /// <summary>
    /// Starts a server with the given users (each with password <see cref="PasswordOf"/>) and returns once it
    /// answers on <see cref="Port"/>. A user's mailbox is created on first use.
    /// </summary>
    public static Task<DovecotServer> StartAsync(params string[] users) => StartCoreAsync(users, oauth: null, submissionRelay: null);

    /// <summary>Where the oauth2 passdb asks about a token, and as which confidential client.</summary>
    private sealed record OAuthIntrospection(Uri Endpoint, string ClientId, string ClientSecret);

    private sealed record SmtpRelay(string Host, int Port);

    private static async Task<DovecotServer> StartCoreAsync(IReadOnlyList<string> users, OAuthIntrospection? oauth, SmtpRelay? submissionRelay)
    {
        if (submissionRelay is not null && !File.Exists(SubmissionPath))
        {
            throw new InvalidOperationException(
                $"Dovecot's submission service is not installed: {SubmissionPath} is missing. " +
                "Install it with `apt-get install -y dovecot-submissiond` (./test.sh does this when it is missing).");
        }
        EnsureInstalled(DovecotPath);
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException(
                "The Dovecot test server needs root: its master switches the login and mail processes to the users dovenull and dovecot.");
        }

        // The free port is found before Dovecot binds it, so another process may take it in between; try again then.
        for (var attempt = 1; ; attempt++)
        {
            var server = new DovecotServer(new TempFolder("dovecot"), FreeLoopbackPort(), oauth, submissionRelay);
            try
            {
                await server.StartProcessAsync(users);
                return server;
            }
            catch (PortTakenException) when (attempt < 3)
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Throws a message that says what to install when Dovecot is missing.</summary>
    internal static void EnsureInstalled(string dovecotPath)
    {
        if (!File.Exists(dovecotPath))
        {
            throw new InvalidOperationException(
                $"Dovecot is not installed: {dovecotPath} is missing. The IMAP tests need a real server; " +
                "install it with `apt-get install -y dovecot-imapd` (./test.sh does this when it is missing).");
        }
    }

    /// <summary>Adds a user while the server runs; Dovecot re-reads the password file on the next login.</summary>
    public void AddUser(string user) => File.AppendAllText(PasswordFile, $"{user}:{{PLAIN}}{PasswordOf(user)}\n");

    /// <summary>A connected, authenticated MailKit client for <paramref name="user"/>; dispose it when done.</summary>
    public async Task<ImapClient> ConnectAsync(string user, CancellationToken ct = default)
    {
        var client = new ImapClient();
        try
        {
            await client.ConnectAsync(Host, Port, SecureSocketOptions.None, ct);
            await client.AuthenticateAsync(CredentialsOf(user), ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A connected MailKit client signed in with an OAuth2 access token (XOAUTH2); dispose it when done.</summary>
    public async Task<ImapClient> ConnectWithTokenAsync(string user, string accessToken, CancellationToken ct = default)
    {
        var client = new ImapClient();
        try
        {
            await client.ConnectAsync(Host, Port, SecureSocketOptions.None, ct);
            await client.AuthenticateAsync(new SaslMechanismOAuth2(user, accessToken), ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Delivers a message with MailKit's IMAP APPEND, as a mail server or another client would; returns its UID.</summary>
    public async Task<UniqueId> AppendAsync(string user, MimeMessage message, string folderName = Inbox, MessageFlags flags = MessageFlags.None)
    {
        using var client = await ConnectAsync(user);
        var mailbox = await client.GetFolderAsync(folderName);
        var uid = await mailbox.AppendAsync(new AppendRequest(message, flags));
        await client.DisconnectAsync(true);
        return uid ?? throw new InvalidOperationException("Dovecot did not report the UID of the appended message (no UIDPLUS).");
    }

    /// <summary>
    /// Delivers these exact bytes with IMAP APPEND; for malformed or hostile messages that MimeKit would change or
    /// refuse to parse (MailKit can only append a parsed MimeMessage). Dovecot serves them back with CRLF line ends.
    /// </summary>
    public async Task<UniqueId> AppendAsync(string user, byte[] rawMessage, string folderName = Inbox, MessageFlags flags = MessageFlags.None)
    {
        var uids = await AppendManyAsync(user, [rawMessage], folderName, flags);
        return uids[0];
    }

    /// <summary>
    /// Delivers many messages over one authenticated connection (MULTIAPPEND, in chunks); fast enough for thousands.
    /// Returns the UIDs in the order of <paramref name="messages"/>.
    /// </summary>
    public async Task<IReadOnlyList<UniqueId>> AppendManyAsync(
        string user, IEnumerable<MimeMessage> messages, string folderName = Inbox, MessageFlags flags = MessageFlags.None)
    {
        using var client = await ConnectAsync(user);
        var mailbox = await client.GetFolderAsync(folderName);
        var uids = new List<UniqueId>();
        foreach (var chunk in messages.Chunk(200))
        {
            var appended = await mailbox.AppendAsync(chunk.Select(m => (IAppendRequest)new AppendRequest(m, flags)).ToList());
            if (appended.Count != chunk.Length)
            {
                throw new InvalidOperationException($"Dovecot reported {appended.Count} UIDs for {chunk.Length} appended messages.");
            }
            uids.AddRange(appended);
        }
        await client.DisconnectAsync(true);
        return uids;
    }

    /// <summary>
    /// Delivers many raw messages byte for byte over one authenticated connection, in MULTIAPPEND chunks. When
    /// Dovecot refuses a chunk, its messages go again one by one, so the error names the message it refused.
    /// Returns the UIDs in the order of <paramref name="rawMessages"/>.
    /// </summary>
    public async Task<IReadOnlyList<UniqueId>> AppendManyAsync(
        string user, IEnumerable<byte[]> rawMessages, string folderName = Inbox, MessageFlags flags = MessageFlags.None)
    {
        await using var connection = await RawImapConnection.OpenAsync(Host, Port);
        await connection.CommandAsync($"LOGIN {Quote(user)} {Quote(PasswordOf(user))}");
        var uids = new List<UniqueId>();
        var position = 0;
        foreach (var chunk in rawMessages.Chunk(200))
        {
            try
            {
                uids.AddRange(await AppendRawAsync(connection, folderName, flags, chunk));
            }
            catch (InvalidOperationException) when (chunk.Length > 1)
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    try
                    {
                        uids.AddRange(await AppendRawAsync(connection, folderName, flags, [chunk[i]]));
                    }
                    catch (InvalidOperationException refused)
                    {
                        throw new InvalidOperationException($"Dovecot refused message #{position + i}: {refused.Message}", refused);
                    }
                }
            }
            position += chunk.Length;
        }
        await connection.CommandAsync("LOGOUT");
        return uids;
    }

    private static async Task<IReadOnlyList<UniqueId>> AppendRawAsync(
        RawImapConnection connection, string folderName, MessageFlags flags, IReadOnlyList<byte[]> messages)
    {
        // LITERAL+ ({n+}) sends each message without waiting for the server's go-ahead.
        var flagList = string.Join(' ', FlagNames(flags));
        var command = new MemoryStream();
        command.Write(Encoding.ASCII.GetBytes($"APPEND {Quote(folderName)}"));
        foreach (var raw in messages)
        {
            command.Write(Encoding.ASCII.GetBytes($" ({flagList}) {{{raw.Length}+}}\r\n"));
            command.Write(raw);
        }
        command.Write("\r\n"u8);
        var response = await connection.CommandAsync("APPEND", command.ToArray());

        var appendUid = AppendUidCode().Match(response);
        var uids = appendUid.Success ? ExpandUidSet(appendUid.Groups["uids"].Value) : [];
        if (uids.Count != messages.Count)
        {
            throw new InvalidOperationException($"Dovecot did not report one UID per appended message: {response}");
        }
        var validity = uint.Parse(appendUid.Groups["validity"].Value, CultureInfo.InvariantCulture);
        return uids.Select(uid => new UniqueId(validity, uid)).ToList();
    }

    /// <summary>"4,7:9" is 4, 7, 8, 9.</summary>
    private static List<uint> ExpandUidSet(string set)
    {
        var uids = new List<uint>();
        foreach (var part in set.Split(','))
        {
            var bounds = part.Split(':').Select(b => uint.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            for (var uid = bounds[0]; uid <= bounds[^1]; uid++)
            {
                uids.Add(uid);
            }
        }
        return uids;
    }

    /// <summary>Sets \Seen on a message, as another mail client reading it would.</summary>
    public async Task MarkSeenAsync(string user, UniqueId uid, string folderName = Inbox)
    {
        using var client = await ConnectAsync(user);
        var mailbox = await client.GetFolderAsync(folderName);
        await mailbox.OpenAsync(FolderAccess.ReadWrite);
        await mailbox.StoreAsync(uid, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { Silent = true });
        await client.DisconnectAsync(true);
    }

    /// <summary>The folder's current UIDVALIDITY.</summary>
    public async Task<uint> UidValidityAsync(string user, string folderName = Inbox)
    {
        var output = await DoveadmAsync("mailbox", "status", "-u", user, "uidvalidity", folderName);
        var match = UidValidityField().Match(output);
        return match.Success
            ? uint.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"doveadm mailbox status printed no uidvalidity: {output}");
    }

    /// <summary>
    /// Gives the folder a new UIDVALIDITY (the old one + 1) and returns it, as a server whose mailbox was rebuilt or
    /// restored would. The messages stay; a client must treat every UID it remembers as void.
    /// </summary>
    public async Task<uint> ChangeUidValidityAsync(string user, string folderName = Inbox)
    {
        var current = await UidValidityAsync(user, folderName);
        var next = current == uint.MaxValue ? 1 : current + 1;
        await DoveadmAsync("mailbox", "update", "-u", user, "--uid-validity", next.ToString(CultureInfo.InvariantCulture), folderName);
        return next;
    }

    /// <summary>
    /// Drops every IMAP connection of the user (<c>doveadm kick</c>: the server says BYE and closes), as a server
    /// restart or a network failure would; returns once Dovecot counts none of them any more.
    /// </summary>
    public async Task KickAsync(string user)
    {
        await DoveadmAsync("kick", user);
        var waited = Stopwatch.StartNew();
        while ((await DoveadmAsync("who", user)).Split('\n').Skip(1).Any(line => line.StartsWith(user + " ", StringComparison.Ordinal)))
        {
            if (waited.Elapsed > Deadline)
            {
                throw new TimeoutException($"{user} still has IMAP connections {Deadline.TotalSeconds} s after doveadm kick.");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>UIDs, flags, Message-IDs and subjects of every message in the folder, in UID order.</summary>
    public async Task<IReadOnlyList<DovecotMessage>> ListAsync(string user, string folderName = Inbox)
    {
        using var client = await ConnectAsync(user);
        var mailbox = await client.GetFolderAsync(folderName);
        await mailbox.OpenAsync(FolderAccess.ReadOnly);
        var summaries = mailbox.Count == 0
            ? []
            : await mailbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags | MessageSummaryItems.Envelope);
        await client.DisconnectAsync(true);
        return summaries
            .OrderBy(s => s.UniqueId)
            .Select(s => new DovecotMessage(s.UniqueId, s.Flags ?? MessageFlags.None, s.Envelope?.MessageId, s.Envelope?.Subject))
            .ToList();
    }

    /// <summary>Deletes and expunges the messages with this Message-ID from the folder.</summary>
    public async Task DeleteAsync(string user, string folderName, string messageId)
    {
        using var client = await ConnectAsync(user);
        var mailbox = await client.GetFolderAsync(folderName);
        await mailbox.OpenAsync(FolderAccess.ReadWrite);
        var uids = await mailbox.SearchAsync(MailKit.Search.SearchQuery.HeaderContains("Message-ID", messageId));
        if (uids.Count == 0)
        {
            throw new InvalidOperationException($"{messageId} is not in {folderName}.");
        }
        await mailbox.AddFlagsAsync(uids, MessageFlags.Deleted, silent: true);
        await mailbox.ExpungeAsync();
        await client.DisconnectAsync(true);
    }

    /// <summary>Creates a folder (e.g. an "Imported" folder to move mail to) under the user's personal namespace.</summary>
    public async Task CreateFolderAsync(string user, string name)
    {
        using var client = await ConnectAsync(user);
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        await root.CreateAsync(name, isMessageFolder: true);
        await client.DisconnectAsync(true);
    }

    /// <summary>Runs doveadm against this instance and returns what it printed; throws when it fails.</summary>
    public Task<string> DoveadmAsync(params string[] arguments) => RunAsync(DoveadmPath, ["-c", ConfigPath, .. arguments]);

    private async Task StartProcessAsync(IReadOnlyList<string> users)
    {
        Directory.CreateDirectory(MailDirectory);
        Directory.CreateDirectory(folder.Combine("state"));
        await File.WriteAllTextAsync(PasswordFile, string.Concat(users.Select(u => $"{u}:{{PLAIN}}{PasswordOf(u)}\n")));
        if (oauth is not null)
        {
            await File.WriteAllTextAsync(OAuthConfigPath, OAuthConfig(oauth));
        }
        await File.WriteAllTextAsync(ConfigPath, Config());
        await RunAsync("chown", ["-R", "dovecot:dovecot", MailDirectory]);
        await LaunchMasterAsync();
    }

    /// <summary>
    /// Stops the server the way a crash or a pulled cable would (every process killed at once), keeping its port,
    /// config and mail folder for <see cref="StartAgainAsync"/>. Clients see their connections drop and new ones refused.
    /// </summary>
    public async Task StopAsync()
    {
        if (master is null)
        {
            return;
        }
        await KillMasterAsync();
    }

    /// <summary>Starts the stopped server again on the same port over the same mail folder; returns once it answers.</summary>
    public async Task StartAgainAsync()
    {
        if (master is not null)
        {
            throw new InvalidOperationException("This Dovecot is running; stop it first.");
        }
        lock (masterErrors)
        {
            masterErrors.Clear();
        }
        await LaunchMasterAsync();
    }

    private async Task LaunchMasterAsync()
    {
        // In the foreground (-F) the master stays our child, so an early exit shows a startup error. Daemonized, its
        // stats service never came up on this machine (imap-login logged handshake timeouts after 5 s).
        var startInfo = StartInfo(DovecotPath, ["-F", "-c", ConfigPath], redirect: true);
        startInfo.RedirectStandardInput = true;
        master = Process.Start(startInfo)!;
        master.ErrorDataReceived += (_, e) => { lock (masterErrors) { masterErrors.AppendLine(e.Data); } };
        master.OutputDataReceived += (_, e) => { lock (masterErrors) { masterErrors.AppendLine(e.Data); } };
        master.BeginErrorReadLine();
        master.BeginOutputReadLine();
        await WaitUntilGreetingAsync();
        if (submissionPort is { } submission)
        {
            await WaitUntilSubmissionGreetingAsync(submission);
        }
    }

    private string MasterErrors()
    {
        lock (masterErrors)
        {
            return masterErrors.ToString();
        }
    }

    private string Config() => $$"""
        protocols = imap{{(submissionRelay is null ? "" : " submission")}}
        listen = {{Host}}
        base_dir = {{BaseDirectory}}
        state_dir = {{folder.Combine("state")}}
        log_path = {{LogPath}}
        ssl = no
        disable_plaintext_auth = no
        # The login processes refuse root; mail is stored as the dovecot user.
        default_login_user = dovenull
        default_internal_user = dovecot
        first_valid_uid = 1
        mail_location = maildir:{{MailDirectory}}/%u
        # A test server: losing mail on a power cut does not matter, APPEND speed does.
        mail_fsync = never
        # Tests open many connections per user (IDLE, fetch, helpers); the default 10 would refuse some.
        mail_max_userip_connections = 1000
        # Wrong-password tests must not slow down the run: no failure delay and no growing penalty per IP.
        auth_failure_delay = 0
        service anvil {
          unix_listener anvil-auth-penalty {
            mode = 0
          }
        }
        {{(oauth is null ? "" : OAuthAuthSettings())}}passdb {
          driver = passwd-file
          args = scheme=PLAIN {{PasswordFile}}{{(oauth is null ? "" : "\n  # A token is no password: XOAUTH2 and OAUTHBEARER go to the oauth2 passdb only.\n  mechanisms = plain login none")}}
        }
        {{(oauth is null ? "" : OAuthPassdb())}}userdb {
          driver = static
          args = uid=dovecot gid=dovecot home={{MailDirectory}}/%u
        }
        service imap-login {
          inet_listener imap {
            port = {{Port}}
          }
          # Off: the default imaps listener would take port 993 and clash between instances.
          inet_listener imaps {
            port = 0
          }
        }
        {{(submissionRelay is null ? "" : SubmissionSettings(submissionRelay))}}
        """;

    private static string OAuthAuthSettings() => """
        auth_mechanisms = plain login xoauth2 oauthbearer
        # No auth cache (0 is Dovecot's default, said here because the tests rely on it): every login with a token asks
        # the authorization server, so an expired or revoked token is refused at once.
        auth_cache_size = 0

        """;

    private string OAuthPassdb() => $$"""
        passdb {
          driver = oauth2
          mechanisms = xoauth2 oauthbearer
          args = {{OAuthConfigPath}}
        }

        """;

    /// <summary>
    /// Dovecot posts token=…&amp;client_id=…&amp;client_secret=… to the introspection endpoint. The credentials must
    /// not also be in the URL: OpenIddict refuses a request that authenticates the client in two ways at once.
    /// </summary>
    private static string OAuthConfig(OAuthIntrospection introspection) => $"""
        introspection_mode = post
        introspection_url = {introspection.Endpoint}
        client_id = {introspection.ClientId}
        client_secret = {introspection.ClientSecret}
        # No tokeninfo_url: every token is introspected, and the answer decides.
        force_introspection = yes
        username_attribute = sub
        active_attribute = active
        active_value = true
        timeout_msecs = 10000

        """;

    private string SubmissionSettings(SmtpRelay relay) => $$"""
        hostname = localhost
        submission_relay_host = {{relay.Host}}
        submission_relay_port = {{relay.Port}}
        service submission-login {
          inet_listener submission {
            port = {{SubmissionPort}}
          }
        }

        """;

    private async Task WaitUntilGreetingAsync()
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = await RawImapConnection.OpenAsync(Host, Port);
                return;
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                if (master!.HasExited)
                {
                    // Give the asynchronous readers the last lines of the dead process.
                    using (var drained = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                    {
                        await master.WaitForExitAsync(drained.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    }
                    var errors = MasterErrors();
                    if (errors.Contains("Address already in use", StringComparison.Ordinal))
                    {
                        throw new PortTakenException();
                    }
                    throw new InvalidOperationException(
                        $"dovecot -F -c {ConfigPath} exited with code {master.ExitCode}:\n{errors}\n{ReadLog()}", ex);
                }
                if (waited.Elapsed > Deadline)
                {
                    throw new TimeoutException($"Dovecot did not answer on {Host}:{Port} within {Deadline.TotalSeconds} s.\n{ReadLog()}", ex);
                }
                await Task.Delay(20);
            }
        }
    }

    private async Task WaitUntilSubmissionGreetingAsync(int port)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                using var timeout = new CancellationTokenSource(Deadline);
                await tcp.ConnectAsync(Host, port, timeout.Token);
                using var reader = new StreamReader(tcp.GetStream(), Encoding.ASCII);
                var greeting = await reader.ReadLineAsync(timeout.Token);
                if (greeting?.StartsWith("220", StringComparison.Ordinal) == true)
                {
                    return;
                }
                throw new IOException($"Unexpected SMTP greeting: {greeting}");
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                if (waited.Elapsed > Deadline)
                {
                    throw new TimeoutException($"Dovecot's submission service did not answer on {Host}:{port} within {Deadline.TotalSeconds} s.\n{ReadLog()}", ex);
                }
                await Task.Delay(20);
            }
        }
    }

    private string ReadLog() => File.Exists(LogPath) ? $"--- {LogPath} ---\n{File.ReadAllText(LogPath)}" : "(no Dovecot log)";

    public async ValueTask DisposeAsync()
    {
        if (master is not null)
        {
            await KillMasterAsync();
        }
        folder.Dispose();
    }

    private async Task KillMasterAsync()
    {
        // The data is thrown away (or the test wants a crash), so no graceful stop: Dovecot's own shutdown (SIGTERM,
        // doveadm stop) lingers about a second per instance. The master is frozen first so it starts no new child meanwhile.
        var masterPid = master!.Id;
        Signal(masterPid, SigStop);
        var processes = DovecotProcesses().Where(p => p.ParentPid == masterPid).Select(p => p.Pid).Append(masterPid).ToList();
        processes.ForEach(pid => Signal(pid, SigKill));
        await WaitUntilGoneAsync(processes, Deadline);
        master.Dispose();
        master = null;
    }

    /// <summary>Alive and still a Dovecot process: a recycled pid must never be killed.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            var command = File.ReadAllText($"/proc/{pid}/cmdline");
            return state is not ("Z" or "X")
                && (command.StartsWith("dovecot", StringComparison.Ordinal) || command.StartsWith(DovecotPath, StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private sealed record DovecotProcess(int Pid, int ParentPid, string Command);

    /// <summary>Every live process whose command line starts with dovecot (master and its dovecot/… children).</summary>
    private static List<DovecotProcess> DovecotProcesses()
    {
        var processes = new List<DovecotProcess>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || !IsAlive(pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parentPid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                processes.Add(new DovecotProcess(pid, parentPid, command));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }
        return processes;
    }

    private static async Task WaitUntilGoneAsync(IReadOnlyCollection<int> pids, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (pids.Any(IsAlive) && waited.Elapsed < limit)
        {
            await Task.Delay(20);
        }
    }

    private const int SigKill = 9;
    private const int SigStop = 19;

    private static void Signal(int pid, int signal)
    {
        if (IsAlive(pid))
        {
            _ = SendSignal(pid, signal);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> RunAsync(string fileName, string[] arguments)
    {
        using var process = Process.Start(StartInfo(fileName, arguments, redirect: true))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{await output}{await errors}");
        }
        return await output;
    }

    private static ProcessStartInfo StartInfo(string fileName, string[] arguments, bool redirect)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        return startInfo;
    }

    private static IEnumerable<string> FlagNames(MessageFlags flags)
    {
        if (flags.HasFlag(MessageFlags.Seen)) yield return "\\Seen";
        if (flags.HasFlag(MessageFlags.Answered)) yield return "\\Answered";
        if (flags.HasFlag(MessageFlags.Flagged)) yield return "\\Flagged";
        if (flags.HasFlag(MessageFlags.Deleted)) yield return "\\Deleted";
        if (flags.HasFlag(MessageFlags.Draft)) yield return "\\Draft";
    }

    /// <summary>An IMAP quoted string; folder names beyond ASCII would need modified UTF-7, which this helper does not do.</summary>
    private static string Quote(string value)
    {
        if (value.Any(c => c > 127 || c is '\r' or '\n'))
        {
            throw new ArgumentException($"Only ASCII is supported here: {value}", nameof(value));
        }
        return "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    [GeneratedRegex(@"\[APPENDUID (?<validity>\d+) (?<uids>[\d:,]+)\]")]
    private static partial Regex AppendUidCode();

    [GeneratedRegex(@"uidvalidity=(?<value>\d+)")]
    private static partial Regex UidValidityField();

    private sealed class PortTakenException : Exception;

    /// <summary>
    /// Just enough IMAP to send a command with a LITERAL+ payload and read its tagged answer: for raw APPENDs, which
    /// MailKit cannot send.
    /// </summary>
    private sealed class RawImapConnection : IAsyncDisposable
    {
        private readonly TcpClient tcp = new() { NoDelay = true };
        private readonly byte[] buffer = new byte[8192];
        private int bufferStart;
        private int bufferEnd;
        private int nextTag = 1;

        private NetworkStream Stream => tcp.GetStream();

        /// <summary>Connects and reads the greeting, so a returned connection means the server is serving.</summary>
        public static async Task<RawImapConnection> OpenAsync(string host, int port)
        {
            var connection = new RawImapConnection();
            try
            {
                using var timeout = new CancellationTokenSource(Deadline);
                await connection.tcp.ConnectAsync(host, port, timeout.Token);
                var greeting = await connection.ReadLineAsync(timeout.Token);
                if (!greeting.StartsWith("* OK", StringComparison.Ordinal))
                {
                    throw new IOException($"Unexpected IMAP greeting: {greeting}");
                }
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        /// <summary>Sends a command without literals; returns the tagged OK line, throws on NO or BAD.</summary>
        public Task<string> CommandAsync(string command) =>
            CommandAsync(command.Split(' ')[0], Encoding.ASCII.GetBytes(command + "\r\n"));

        /// <summary>Sends a complete command (after the tag, with its literals and final CRLF) in one write.</summary>
        public async Task<string> CommandAsync(string name, byte[] command)
        {
            using var timeout = new CancellationTokenSource(Deadline);
            var tag = $"r{nextTag++}";
            // One write: separate small writes meet Nagle's algorithm and cost milliseconds each.
            var request = new byte[tag.Length + 1 + command.Length];
            Encoding.ASCII.GetBytes(tag + " ").CopyTo(request, 0);
            command.CopyTo(request, tag.Length + 1);
            await Stream.WriteAsync(request, timeout.Token);
            while (true)
            {
                var line = await ReadLineAsync(timeout.Token);
                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                {
                    return line.StartsWith($"{tag} OK", StringComparison.Ordinal)
                        ? line
                        : throw new InvalidOperationException($"IMAP {name} failed: {line}");
                }
            }
        }

        private async Task<string> ReadLineAsync(CancellationToken ct)
        {
            var line = new List<byte>();
            while (true)
            {
                if (bufferStart == bufferEnd)
                {
                    bufferStart = 0;
                    bufferEnd = await Stream.ReadAsync(buffer, ct);
                    if (bufferEnd == 0)
                    {
                        throw new IOException("The IMAP server closed the connection.");
                    }
                }
                var newline = Array.IndexOf(buffer, (byte)'\n', bufferStart, bufferEnd - bufferStart);
                var end = newline < 0 ? bufferEnd : newline + 1;
                line.AddRange(buffer.AsSpan(bufferStart, end - bufferStart));
                bufferStart = end;
                if (newline >= 0)
                {
                    return Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r', '\n');
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>One message as <see cref="DovecotServer.ListAsync"/> sees it.</summary>
public sealed record DovecotMessage(UniqueId Uid, MessageFlags Flags, string? MessageId, string? Subject);
