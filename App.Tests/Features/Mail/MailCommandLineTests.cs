using StoredMailbox = BlazorTickets.Features.Mail.Mailbox;
using System.Diagnostics;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>The admin command line, run as its own process the way cron runs it, and killed at random moments.</summary>
[Trait(TestCategories.Category, TestCategories.MailServer)]
public sealed class MailCommandLineTests : IAsyncLifetime
{
    private const string Mailbox = "support";
    private TestServices app = null!;
    private DovecotServer dovecot = null!;

    public async Task InitializeAsync()
    {
        dovecot = await DovecotServer.StartAsync(Mailbox);
        app = await TestServices.CreateAsync(seedDemoData: true);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await dovecot.DisposeAsync();
    }

    /// <summary>The app's own build output, next to the test project's.</summary>
    private static string AppDll()
    {
        var testBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var framework = Path.GetFileName(testBin);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testBin)!);
        var dll = Path.Combine(Repository.Root, "App", "bin", configuration, framework, "BlazorTickets.dll");
        File.Exists(dll).Should().BeTrue($"the app is built before its tests ({dll})");
        return dll;
    }

    private Process Start(string arguments, string? standardInput = null)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{AppDll()}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = app.DataFolder,
        };
        start.Environment["BlazorTickets__DataFolder"] = app.DataFolder;
        start.Environment["BlazorTickets__SeedDemoData"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            process.StandardInput.WriteLine(standardInput);
        }
        process.StandardInput.Close();
        return process;
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string arguments, string? standardInput = null)
    {
        using var process = Start(arguments, standardInput);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private Task<(int ExitCode, string Output, string Error)> ConfigureAsync() =>
        RunAsync($"mail configure --tenant \"Contoso Shop\" --host {dovecot.Host} --port {dovecot.Port} --user {Mailbox} --encryption none",
            DovecotServer.PasswordOf(Mailbox));

    private static MimeMessage Mail(int i)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse($"sender{i % 7}@customers.example"));
        message.To.Add(MailboxAddress.Parse("support@contoso.example"));
        message.Subject = $"Crash test {i:000}";
        message.MessageId = $"crash-{i:000}@customers.example";
        message.Body = new TextPart("plain") { Text = $"Message {i}\n" + new string('x', 2_000) };
        return message;
    }

    [Fact]
    public async Task Configure_reads_the_password_from_standard_input_and_fetch_prints_the_summary()
    {
        var configure = await ConfigureAsync();
        await dovecot.AppendManyAsync(Mailbox, [Mail(1), Mail(2)]);
        var fetch = await RunAsync("mail fetch --tenant \"Contoso Shop\"");

        configure.ExitCode.Should().Be(0, configure.Error);
        configure.Output.Should().Contain($"support@{dovecot.Host}:{dovecot.Port}");
        fetch.ExitCode.Should().Be(0, fetch.Error);
        fetch.Output.Should().Contain("Contoso Shop / support: fetched 2, new tickets 2");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<StoredMailbox>().SingleAsync()).ProtectedPassword.Should().NotContain(DovecotServer.PasswordOf(Mailbox));
    }

    [Fact]
    public async Task Mailbox_names_one_of_several_mailboxes_to_configure_and_to_fetch()
    {
        dovecot.AddUser("billing");
        var first = await ConfigureAsync();
        var second = await RunAsync(
            $"mail configure --tenant \"Contoso Shop\" --mailbox Billing --address billing@contoso.example --host {dovecot.Host} --port {dovecot.Port} --user billing --encryption none",
            DovecotServer.PasswordOf("billing"));
        var ambiguous = await RunAsync($"mail configure --tenant \"Contoso Shop\" --host {dovecot.Host} --port {dovecot.Port} --user x --encryption none", "pw");
        var oauth = await RunAsync(
            $"mail configure --tenant \"Contoso Shop\" --mailbox Billing --host {dovecot.Host} --port {dovecot.Port} --user billing --encryption none --auth oauth2", "");
        await dovecot.AppendAsync("billing", Mail(1));
        await dovecot.AppendAsync(Mailbox, Mail(2));

        var billingOnly = await RunAsync("mail fetch --tenant \"Contoso Shop\" --mailbox billing@contoso.example");
        var unknown = await RunAsync("mail fetch --mailbox Sales");

        (first.ExitCode, second.ExitCode).Should().Be((0, 0), first.Error + second.Error);
        second.Output.Should().Contain("Mailbox \"Billing\"");
        ambiguous.ExitCode.Should().Be(2);
        ambiguous.Error.Should().Contain("has 2 mailboxes; name one with --mailbox");
        oauth.ExitCode.Should().Be(2, "OAuth2 needs the provider");
        oauth.Error.Should().Contain("--provider");
        billingOnly.ExitCode.Should().Be(0, billingOnly.Error);
        billingOnly.Output.Should().Contain("Contoso Shop / Billing: fetched 1, new tickets 1").And.NotContain("support");
        unknown.ExitCode.Should().Be(1);
        unknown.Error.Should().Contain("There is no mailbox \"Sales\"");
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.Set<Ticket>().CountAsync(t => t.Subject.StartsWith("Crash test"))).Should().Be(1, "the support mailbox was not fetched");
    }

    [Fact]
    public async Task Fetch_exits_non_zero_with_the_reason_when_the_server_is_unreachable()
    {
        await RunAsync($"mail configure --tenant \"Contoso Shop\" --host 127.0.0.1 --port 1 --user x --encryption none", "pw");

        var fetch = await RunAsync("mail fetch");

        fetch.ExitCode.Should().Be(1);
        fetch.Error.Should().Contain("refused the connection");
    }

    [Theory]
    [InlineData("mail", 2, "Name a mail command")]
    [InlineData("mail frobnicate", 2, "Unknown mail command")]
    [InlineData("mail configure --tenant \"Contoso Shop\" --host h --port 993 --user u --encryption rot13", 2, "--encryption must be none, ssl or starttls")]
    [InlineData("mail fetch --tenant Nobody", 1, "There is no tenant named \"Nobody\"")]
    public async Task Bad_input_gets_a_clear_error_and_exit_code(string arguments, int exitCode, string message)
    {
        var result = await RunAsync(arguments);

        result.ExitCode.Should().Be(exitCode);
        result.Error.Should().Contain(message);
    }

    private async Task<int> ImportedCountAsync()
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        return await db.Set<ImportedMail>().CountAsync();
    }

    [Fact]
    public async Task Killing_the_fetch_at_random_moments_leaves_every_message_exactly_once()
    {
        const int count = 1000;
        (await ConfigureAsync()).ExitCode.Should().Be(0);
        await dovecot.AppendManyAsync(Mailbox, Enumerable.Range(1, count).Select(Mail));
        var random = new Random(20261126);
        var kills = 0;
        var killsMidImport = 0;

        for (var attempt = 0; attempt < 60 && !(kills >= 10 && await ImportedCountAsync() == count); attempt++)
        {
            using var process = Start("mail fetch");
            if (kills >= 10)
            {
                await process.WaitForExitAsync();
                continue;
            }
            // Half the kills land at a random time (often during start-up or connect), half after a random number
            // of further commits, so they hit the import itself: mid-transaction, between commit and flag, mid-batch.
            var before = await ImportedCountAsync();
            var killAfterCommits = attempt % 2 == 0 ? random.Next(1, 40) : int.MaxValue;
            var killAt = DateTime.UtcNow.AddMilliseconds(attempt % 2 == 0 ? 120_000 : random.Next(200, 1_500));
            while (!process.HasExited && DateTime.UtcNow < killAt && await ImportedCountAsync() - before < killAfterCommits)
            {
                await Task.Delay(10);
            }
            if (process.HasExited)
            {
                continue;
            }
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            kills++;
            if (await ImportedCountAsync() is > 0 and < count)
            {
                killsMidImport++;
            }
        }

        kills.Should().BeGreaterThanOrEqualTo(10, "the test must really crash the fetch at least ten times");
        killsMidImport.Should().BeGreaterThanOrEqualTo(3, "the kills must land while messages are being imported");
        SqliteConnection.ClearAllPools();
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var imported = await db.Set<TicketMessage>()
            .Where(m => m.MessageId != null && m.MessageId.StartsWith("crash-"))
            .GroupBy(m => m.MessageId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToListAsync();
        imported.Should().HaveCount(count, "every message was imported");
        imported.Should().OnlyContain(m => m.Count == 1, "no message was imported twice");
        (await db.Set<ImportedMail>().CountAsync()).Should().Be(count);
        (await dovecot.ListAsync(Mailbox)).Should().OnlyContain(m => m.Flags.HasFlag(MailKit.MessageFlags.Seen),
            "the after-import action caught up for messages whose fetch was killed between commit and flag");
    }
}
