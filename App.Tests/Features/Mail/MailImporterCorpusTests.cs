using BlazorTickets.Data;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Mail;

/// <summary>Every real-world message in the shared corpus imports or is quarantined with a reason; none throws.</summary>
public abstract class MailImporterCorpusTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestServices app = null!;
    private int tenantId;

    public async Task InitializeAsync()
    {
        app = await TestServices.CreateAsync(seedDemoData: true, provider: provider);
        await using var db = await app.DbFactory.CreateDbContextAsync();
        tenantId = await db.Set<Tenant>().Select(t => t.Id).SingleAsync();
        db.Set<MailFolderState>().Add(new MailFolderState { TenantId = tenantId, Folder = "INBOX", UidValidity = 1 });
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
        (await db.Set<ImportedMail>().CountAsync()).Should().Be(corpus.Count - outcomes.Count(o => o.Result.Outcome == ImportOutcome.Duplicate),
            "every message that is not a duplicate of an earlier one has exactly one receipt");
        (await db.Set<MailFolderState>().SingleAsync()).HighestUid.Should().Be(uid);
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
        var messages = await before.Set<TicketMessage>().CountAsync();
        var quarantined = await before.Set<QuarantinedMail>().CountAsync();

        var second = new List<ImportResult>();
        foreach (var item in corpus)
        {
            second.Add(await importer.ImportAsync(tenantId, item.Raw, new MailPosition("INBOX", 2, ++uid)));
        }

        second.Should().OnlyContain(r => r.Outcome == ImportOutcome.Duplicate);
        await using var after = await app.DbFactory.CreateDbContextAsync();
        (await after.Set<TicketMessage>().CountAsync()).Should().Be(messages);
        (await after.Set<QuarantinedMail>().CountAsync()).Should().Be(quarantined);
    }

    [Fact]
    public async Task Every_stored_attachment_gives_back_exactly_the_bytes_the_sender_attached()
    {
        var importer = app.Get<MailImporter>();
        var expectedByTicket = new Dictionary<int, List<(string FileName, byte[] Bytes)>>();
        uint uid = 0;
        foreach (var item in MimeCorpus.Messages())
        {
            var result = await importer.ImportAsync(tenantId, item.Raw, new MailPosition("INBOX", 1, ++uid));
            if (result.Outcome == ImportOutcome.NewTicket)
            {
                // A second, independent reading: MimeKit decoding copies, not ranges.
                using var stream = new MemoryStream(item.Raw);
                var message = MimeKit.MimeMessage.Load(new MimeKit.ParserOptions { CharsetEncoding = System.Text.Encoding.UTF8 }, stream);
                var expected = new List<(string, byte[])>();
                foreach (var entity in message.BodyParts)
                {
                    using var decoded = new MemoryStream();
                    if (entity is MimeKit.MessagePart embedded)
                    {
                        embedded.Message?.WriteTo(decoded);
                    }
                    else if (entity is MimeKit.MimePart { Content: not null } part && (part.IsAttachment || part.ContentId is not null || part is not MimeKit.TextPart))
                    {
                        part.Content.DecodeTo(decoded);
                    }
                    else
                    {
                        continue;
                    }
                    expected.Add((entity.ContentDisposition?.FileName ?? "", decoded.ToArray()));
                }
                expectedByTicket[result.TicketId!.Value] = expected;
            }
        }

        await using var db = await app.DbFactory.CreateDbContextAsync();
        var ranged = 0;
        foreach (var (ticketId, expected) in expectedByTicket)
        {
            var stored = await AttachmentContent.Of(db.Set<Attachment>().Where(a => a.Message.TicketId == ticketId && a.Message.Direction == MessageDirection.Inbound).OrderBy(a => a.Id)).ToListAsync();
            var sizes = await db.Set<Attachment>().Where(a => a.Message.TicketId == ticketId).OrderBy(a => a.Id).Select(a => a.Size).ToListAsync();
            stored.Should().HaveCount(expected.Count, $"ticket {ticketId} keeps every attachment");
            for (var i = 0; i < expected.Count; i++)
            {
                stored[i].Bytes().Should().Equal(expected[i].Bytes, $"attachment {i} ({expected[i].FileName}) of ticket {ticketId}");
                sizes[i].Should().Be(expected[i].Bytes.LongLength);
                ranged += stored[i].RawContentOffset is null ? 0 : 1;
            }
        }
        ranged.Should().BeGreaterThan(10, "received attachments are ranges of the raw message, not copies");
    }
}

public sealed class MailImporterCorpusSqliteTests() : MailImporterCorpusTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class MailImporterCorpusPostgresTests() : MailImporterCorpusTests(DatabaseProvider.Postgres);
