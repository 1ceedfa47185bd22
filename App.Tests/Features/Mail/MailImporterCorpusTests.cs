using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>Every real-world message in the shared corpus imports or is quarantined with a reason; none throws.</summary>
public sealed class MailImporterCorpusTests : IAsyncLifetime
{
    private TestServices app = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Tenants.Select(t => t.Id).SingleAsync();
        db.MailFolderStates.Add(new MailFolderState { TenantId = tenantId, Folder = "INBOX", UidValidity = 1 });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Every_corpus_message_imports_or_lands_in_quarantine_with_a_reason()
    {
        var corpus = MimeCorpus.Messages();
        corpus.Should().HaveCountGreaterThan(40, "the shared corpus holds dozens of messages");
        var importer = app.Get<MailImporter>();
        var outcomes = new List<(string Name, ImportResult Result)>();
        uint uid = 0;

        foreach (var item in corpus)
        {
            var result = await importer.ImportAsync(tenantId, item.Raw, new MailPosition("INBOX", 1, ++uid));
            outcomes.Add((item.Name, result));
        }

        outcomes.Where(o => o.Result.Outcome == ImportOutcome.Quarantined)
            .Should().OnlyContain(o => !string.IsNullOrWhiteSpace(o.Result.Reason));
        await using var db = await app.DbFactory.CreateDbContextAsync();
        (await db.ImportedMails.CountAsync()).Should().Be(corpus.Count - outcomes.Count(o => o.Result.Outcome == ImportOutcome.Duplicate),
            "every message that is not a duplicate of an earlier one has exactly one receipt");
        (await db.MailFolderStates.SingleAsync()).HighestUid.Should().Be(uid);
        outcomes.Count(o => o.Result.Outcome is ImportOutcome.NewTicket or ImportOutcome.Threaded)
            .Should().BeGreaterThan(corpus.Count / 2);
    }

    [Fact]
    public async Task Importing_the_corpus_a_second_time_adds_nothing()
    {
        var corpus = MimeCorpus.Messages();
        var importer = app.Get<MailImporter>();
        uint uid = 0;
        foreach (var item in corpus)
        {
            await importer.ImportAsync(tenantId, item.Raw, new MailPosition("INBOX", 1, ++uid));
        }
        await using var before = await app.DbFactory.CreateDbContextAsync();
        var messages = await before.TicketMessages.CountAsync();
        var quarantined = await before.QuarantinedMails.CountAsync();

        var second = new List<ImportResult>();
        foreach (var item in corpus)
        {
            second.Add(await importer.ImportAsync(tenantId, item.Raw, new MailPosition("INBOX", 2, ++uid)));
        }

        second.Should().OnlyContain(r => r.Outcome == ImportOutcome.Duplicate);
        await using var after = await app.DbFactory.CreateDbContextAsync();
        (await after.TicketMessages.CountAsync()).Should().Be(messages);
        (await after.QuarantinedMails.CountAsync()).Should().Be(quarantined);
    }
}
