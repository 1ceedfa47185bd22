using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>Each helper of <see cref="DovecotServer"/>, checked through MailKit against the real server.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class DovecotServerTests : IAsyncLifetime
{
    private const string Alice = "alice";
    private const string Bob = "bob";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private DovecotServer server = null!;

    public async Task InitializeAsync() => server = await DovecotServer.StartAsync(Alice, Bob);

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static MimeMessage Mail(string subject, string messageId)
    {
        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = messageId,
            Date = new DateTimeOffset(2026, 3, 16, 10, 30, 0, TimeSpan.Zero),
            Body = new TextPart("plain") { Text = $"Body of {subject}" },
        };
        message.From.Add(new MailboxAddress("Customer", "customer@fabrikam.example"));
        message.To.Add(new MailboxAddress("Support", "support@contoso.example"));
        return message;
    }

    [Fact]
    public async Task The_server_answers_on_loopback_with_idle_and_accepts_only_the_documented_password()
    {
        using var client = await server.ConnectAsync(Alice);

        server.Host.Should().Be("127.0.0.1");
        client.IsAuthenticated.Should().BeTrue();
        client.Capabilities.Should().HaveFlag(ImapCapabilities.Idle).And.HaveFlag(ImapCapabilities.UidPlus);
        using var intruder = new ImapClient();
        await intruder.ConnectAsync(server.Host, server.Port, SecureSocketOptions.None);
        var wrongPassword = () => intruder.AuthenticateAsync(Alice, "wrong");
        await wrongPassword.Should().ThrowAsync<AuthenticationException>();
        File.ReadAllText(server.ConfigPath).Should().Contain($"port = {server.Port}");
    }

    [Fact]
    public async Task An_appended_message_can_be_fetched_with_its_uid_and_is_unread()
    {
        var uid = await server.AppendAsync(Alice, Mail("Printer broken", "printer-1@fabrikam.example"));

        using var client = await server.ConnectAsync(Alice);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var fetched = await client.Inbox.GetMessageAsync(uid);
        var summary = (await client.Inbox.FetchAsync([uid], MessageSummaryItems.Flags)).Single();

        uid.Validity.Should().Be(client.Inbox.UidValidity);
        fetched.MessageId.Should().Be("printer-1@fabrikam.example");
        fetched.Subject.Should().Be("Printer broken");
        fetched.TextBody.Should().Contain("Body of Printer broken");
        summary.Flags.Should().NotHaveFlag(MessageFlags.Seen);
    }

    [Fact]
    public async Task Append_sets_the_requested_flags_and_list_reports_them()
    {
        var unread = await server.AppendAsync(Alice, Mail("Unread", "unread@fabrikam.example"));
        var read = await server.AppendAsync(Alice, Mail("Already read", "read@fabrikam.example"), flags: MessageFlags.Seen);

        var listed = await server.ListAsync(Alice);

        listed.Select(m => m.Uid).Should().Equal(unread, read);
        listed.Select(m => m.MessageId).Should().Equal("unread@fabrikam.example", "read@fabrikam.example");
        listed[0].Flags.Should().NotHaveFlag(MessageFlags.Seen);
        listed[1].Flags.Should().HaveFlag(MessageFlags.Seen);
        listed[1].Subject.Should().Be("Already read");
    }

    [Fact]
    public async Task A_raw_message_arrives_byte_for_byte_even_when_it_is_not_valid_mime()
    {
        // No header at all, a Latin-1 byte and no final line break: a parser would refuse or repair it.
        var raw = Encoding.Latin1.GetBytes("Not a header line\r\nstill no header: caf\u00e9\r\n\r\nbody without final line break");

        var uid = await server.AppendAsync(Alice, raw);

        using var client = await server.ConnectAsync(Alice);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        await using var stored = await client.Inbox.GetStreamAsync(uid, "");
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        copy.ToArray().Should().Equal(raw);
    }

    [Fact]
    public async Task Hundreds_of_messages_go_in_over_one_connection_with_ascending_uids()
    {
        var messages = Enumerable.Range(1, 500).Select(i => Mail($"Bulk {i}", $"bulk-{i}@fabrikam.example")).ToList();
        var raw = Enumerable.Range(1, 100)
            .Select(i => Encoding.ASCII.GetBytes($"Message-ID: <raw-{i}@fabrikam.example>\r\nSubject: Raw {i}\r\n\r\nraw body {i}\r\n"))
            .ToList();

        var uids = await server.AppendManyAsync(Alice, messages);
        var rawUids = await server.AppendManyAsync(Bob, raw, flags: MessageFlags.Seen);

        uids.Should().HaveCount(500).And.BeInAscendingOrder().And.OnlyHaveUniqueItems();
        rawUids.Should().HaveCount(100).And.BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var listed = await server.ListAsync(Alice);
        listed.Select(m => m.Uid).Should().Equal(uids);
        listed.Select(m => m.MessageId).Should().Equal(messages.Select(m => m.MessageId));
        var rawListed = await server.ListAsync(Bob);
        rawListed.Select(m => m.MessageId).Should().Equal(Enumerable.Range(1, 100).Select(i => $"raw-{i}@fabrikam.example"));
        rawListed.Should().OnlyContain(m => m.Flags.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task Mark_seen_is_visible_to_another_client()
    {
        var uid = await server.AppendAsync(Alice, Mail("Read elsewhere", "seen@fabrikam.example"));
        using var watcher = await server.ConnectAsync(Alice);
        await watcher.Inbox.OpenAsync(FolderAccess.ReadOnly);
        (await watcher.Inbox.FetchAsync([uid], MessageSummaryItems.Flags)).Single().Flags.Should().NotHaveFlag(MessageFlags.Seen);

        await server.MarkSeenAsync(Alice, uid);

        (await watcher.Inbox.FetchAsync([uid], MessageSummaryItems.Flags)).Single().Flags.Should().HaveFlag(MessageFlags.Seen);
    }

    [Fact]
    public async Task Changing_the_uid_validity_shows_to_a_new_connection_and_keeps_the_messages()
    {
        var first = await server.AppendAsync(Alice, Mail("Before", "before@fabrikam.example"));

        var changed = await server.ChangeUidValidityAsync(Alice);
        var second = await server.AppendAsync(Alice, Mail("After", "after@fabrikam.example"));

        changed.Should().NotBe(first.Validity);
        second.Validity.Should().Be(changed);
        using var client = await server.ConnectAsync(Alice);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        client.Inbox.UidValidity.Should().Be(changed);
        (await server.UidValidityAsync(Alice)).Should().Be(changed);
        (await server.ListAsync(Alice)).Select(m => m.MessageId).Should().Equal("before@fabrikam.example", "after@fabrikam.example");
    }

    [Fact]
    public async Task Kick_drops_a_client_that_is_idling()
    {
        using var client = await server.ConnectAsync(Alice);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        using var stopIdle = new CancellationTokenSource();
        var idle = client.IdleAsync(stopIdle.Token);
        using var other = await server.ConnectAsync(Alice);

        await server.KickAsync(Alice);

        var idleEnded = async () => await idle.WaitAsync(Patience);
        await idleEnded.Should().ThrowAsync<Exception>().Where(e => e is ImapProtocolException || e is IOException,
            "the server said BYE and closed the connection under the IDLE");
        client.IsConnected.Should().BeFalse();
        var noop = () => other.NoOpAsync();
        await noop.Should().ThrowAsync<Exception>("every connection of the user is dropped, not only the idling one");
        using var again = await server.ConnectAsync(Alice);
        again.IsAuthenticated.Should().BeTrue("kick drops connections, it does not lock the user out");
    }

    [Fact]
    public async Task Idle_reports_mail_appended_by_another_connection()
    {
        using var client = await server.ConnectAsync(Alice);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Inbox.CountChanged += (_, _) => arrived.TrySetResult();
        using var stopIdle = new CancellationTokenSource();
        var idle = client.IdleAsync(stopIdle.Token);

        await server.AppendAsync(Alice, Mail("Pushed", "pushed@fabrikam.example"));

        await arrived.Task.WaitAsync(Patience);
        await stopIdle.CancelAsync();
        await idle.WaitAsync(Patience);
        client.Inbox.Count.Should().Be(1);
    }

    [Fact]
    public async Task A_created_folder_can_receive_mail_and_stays_apart_from_the_inbox()
    {
        await server.CreateFolderAsync(Alice, "Imported");

        var uid = await server.AppendAsync(Alice, Mail("Moved", "moved@fabrikam.example"), "Imported");

        using var client = await server.ConnectAsync(Alice);
        var folders = await client.GetFoldersAsync(client.PersonalNamespaces[0]);
        folders.Select(f => f.FullName).Should().Contain("Imported");
        (await server.ListAsync(Alice, "Imported")).Should().ContainSingle().Which.Uid.Should().Be(uid);
        (await server.ListAsync(Alice)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_user_added_while_running_can_log_in()
    {
        server.AddUser("carol");

        using var client = await server.ConnectAsync("carol");

        client.IsAuthenticated.Should().BeTrue();
    }

    [Fact]
    public async Task Two_instances_run_side_by_side_with_separate_mailboxes()
    {
        await using var second = await DovecotServer.StartAsync(Alice);

        await second.AppendAsync(Alice, Mail("Only in the second", "second@fabrikam.example"));

        second.Port.Should().NotBe(server.Port);
        second.ConfigPath.Should().NotBe(server.ConfigPath);
        (await second.ListAsync(Alice)).Should().ContainSingle();
        (await server.ListAsync(Alice)).Should().BeEmpty();
    }

    [Fact]
    public async Task Dispose_stops_the_server_and_removes_its_folder()
    {
        var other = await DovecotServer.StartAsync(Alice);
        await other.AppendAsync(Alice, Mail("Gone soon", "gone@fabrikam.example"));
        var folder = Path.GetDirectoryName(other.ConfigPath)!;
        var masterPid = int.Parse(File.ReadAllText(Path.Combine(folder, "run", "master.pid")).Trim());

        await other.DisposeAsync();

        Directory.Exists(folder).Should().BeFalse();
        IsRunning(masterPid).Should().BeFalse();
        using var tcp = new TcpClient();
        var connect = () => tcp.ConnectAsync(other.Host, other.Port);
        await connect.Should().ThrowAsync<SocketException>();
    }

    [Fact]
    public void A_missing_dovecot_binary_gets_a_message_that_says_what_to_install()
    {
        var start = () => DovecotServer.EnsureInstalled("/nonexistent/sbin/dovecot");

        start.Should().Throw<InvalidOperationException>().WithMessage("*/nonexistent/sbin/dovecot is missing*apt-get install -y dovecot-imapd*");
    }

    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }
        var text = File.ReadAllText(stat);
        return text[(text.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
    }
}
