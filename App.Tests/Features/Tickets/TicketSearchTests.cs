using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>A few thousand generated tickets (English and German mail, some only as HTML, umlauts in names).</summary>
public class GeneratedTicketsFixture : IAsyncLifetime
{
    public virtual DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public const int TicketCount = 2_500;

    private TestServices? services;
    public TestServices Services => services ?? throw new InvalidOperationException("Not initialized.");
    public List<SearchReference.Document> Documents { get; private set; } = [];

    public async Task InitializeAsync()
    {
        services = await TestServices.CreateAsync(provider: Provider);
        await TicketSearchData.AddAsync(services, TicketCount, seed: 11);
        Documents = await SearchReference.LoadAsync(services.DbFactory);
    }

    public async Task DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }
    }
}

public sealed class PostgresGeneratedTicketsFixture : GeneratedTicketsFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

public static partial class TicketSearchData
{
    private static readonly string[] Subjects =
        ["Printer offline", "Drucker druckt nicht", "Invoice wrong", "Rechnung falsch", "Cannot log in", "Anmeldung schlägt fehl",
         "VPN drops", "Backup failed", "Straßensperre meldet Fehler", "Café-Kasse hängt"];
    private static readonly string[] Sentences =
        ["The printer on the second floor shows a paper jam again.", "Der Drucker im Büro zeigt wieder einen Papierstau.",
         "Please check the invoice for October, the amount looks wrong.", "Bitte prüfen Sie die Rechnung, der Betrag ist zu hoch.",
         "I cannot log in since this morning, the password is rejected.", "Seit heute früh kann ich mich nicht anmelden.",
         "The VPN connection drops every few minutes.", "Die Verbindung bricht alle paar Minuten ab, sehr ärgerlich.",
         "Our nightly backup failed with error 0x80070005.", "Die Sicherung ist fehlgeschlagen, Größe überschritten.",
         "Thanks for the quick help!", "Vielen Dank für die schnelle Hilfe!", "Kind regards", "Mit freundlichen Grüßen",
         "The scanner works, only printing fails.", "Wir brauchen einen neuen Toner für den Laserdrucker.",
         "Zebra label printers need new drivers.", "Quittung für die Übergabe liegt bei."];
    private static readonly (string Name, string Company)[] People =
        [("Jürgen Müller", "Müller Maschinenbau"), ("JÜRGEN MÜLLER", "MÜLLER GMBH"), ("Hans Mueller", "Mueller & Söhne"),
         ("Anna Schmidt", "Schmidt Logistik"), ("Zoë Brontë", "Café Crème"), ("Sven Groß", "Straßenbau Groß"),
         ("Olivia Smith", "Contoso Ltd"), ("Björn Öztürk", "Öko Handel"), ("Ute Weiß", "Weiß & Partner"), ("Liam Brown", "Northwind")];

    /// <returns>The tenant's id.</returns>
    public static async Task<int> AddAsync(TestServices services, int ticketCount, int seed, int firstNumber = 100_001)
    {
        var random = new Random(seed);
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var tenant = new Tenant { Name = $"Search tenant {seed}" };
        db.Set<Tenant>().Add(tenant);
        await db.SaveChangesAsync();
        var customers = Enumerable.Range(0, 60).Select(i =>
        {
            var (name, company) = People[i % People.Length];
            return new Customer
            {
                Tenant = tenant, CustomerNumber = $"S{seed}-{i:000}", Name = name, Company = $"{company} {i}",
                Emails = [new CustomerEmail { TenantId = tenant.Id, Address = $"{name.Split(' ')[0].ToLowerInvariant()}.{i}@kunde{i % 7}.example" }],
            };
        }).ToList();
        var now = services.Get<TimeProvider>().GetUtcNow().UtcDateTime;
        for (var i = 0; i < ticketCount; i++)
        {
            var ticket = new Ticket
            {
                Number = firstNumber + i,
                Subject = Subjects[random.Next(Subjects.Length)],
                Tenant = tenant,
                Customer = customers[random.Next(customers.Count)],
                Status = (TicketStatus)random.Next(6),
                CreatedAt = now.AddMinutes(-i),
                UpdatedAt = now.AddMinutes(-i),
            };
            for (var m = 0; m < 1 + random.Next(3); m++)
            {
                var text = string.Join(' ', Enumerable.Range(0, 2 + random.Next(4)).Select(_ => Sentences[random.Next(Sentences.Length)]));
                var htmlOnly = random.Next(5) == 0;
                ticket.Messages.Add(new TicketMessage
                {
                    Direction = (MessageDirection)random.Next(3),
                    Date = now.AddMinutes(-i + m),
                    TextBody = htmlOnly ? "" : text,
                    HtmlBody = htmlOnly ? $"<html><head><style>p {{ color: teal; }}</style></head><body><p>{System.Net.WebUtility.HtmlEncode(text)}</p></body></html>" : null,
                });
            }
            db.Set<Ticket>().Add(ticket);
        }
        await db.SaveChangesAsync();
        return tenant.Id;
    }
}

/// <summary>
/// The desk's search box through <see cref="TicketService"/>: FTS5 (SQLite) or tsvector (PostgreSQL) over subject,
/// message bodies and customers, checked against a plain in-memory scan of the same tickets (<see cref="SearchReference"/>).
/// </summary>
public abstract class TicketSearchTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : GeneratedTicketsFixture
{
    [Theory]
    [InlineData("printer")]
    [InlineData("Drucker")]
    [InlineData("toner")]
    [InlineData("0x80070005")]
    [InlineData("Papierstau")]
    [InlineData("invoice october")]
    [InlineData("Zebra label")]
    [InlineData("kunde3")]
    [InlineData("Öztürk")]
    [InlineData("Grüßen")]
    [InlineData("prüfen Rechnung")]
    [InlineData("schnelle")]
    [InlineData("teal")]
    [InlineData("nosuchwordanywhere")]
    public async Task Finds_what_a_plain_scan_of_every_ticket_finds(string text)
    {
        var expected = SearchReference.Find(fixture.Documents, text);

        var found = await IdsAsync(text);

        found.Should().BeEquivalentTo(expected);
        if (text is not ("nosuchwordanywhere" or "teal"))
        {
            expected.Should().NotBeEmpty("the generated tickets contain this word");
        }
    }

    [Fact]
    public async Task Style_sheets_in_HTML_mail_are_not_searched()
    {
        (await IdsAsync("teal")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Müller")]
    [InlineData("MÜLLER")]
    [InlineData("mueller")]
    [InlineData("Mueller")]
    [InlineData("müller")]
    public async Task Umlauts_and_their_spelled_out_form_and_any_case_find_the_same_tickets(string text)
    {
        var everyMueller = SearchReference.Find(fixture.Documents, "mueller");
        var customers = await CustomerIdsByNameAsync("Jürgen Müller", "JÜRGEN MÜLLER", "Hans Mueller");

        var found = await IdsAsync(text);

        found.Should().BeEquivalentTo(everyMueller);
        await using var db = await fixture.Services.DbFactory.CreateDbContextAsync();
        var ofThoseCustomers = await db.Set<Ticket>().Where(t => customers.Contains(t.CustomerId!.Value)).Select(t => t.Id).ToListAsync();
        found.Should().Contain(ofThoseCustomers, "Müller, MÜLLER and Mueller are one name to the search");
    }

    [Theory]
    [InlineData("Straße", "Strasse")]
    [InlineData("Café", "cafe")]
    [InlineData("Weiß", "WEISS")]
    [InlineData("Größe", "groesse")]
    public async Task Sharp_s_accents_and_case_fold_both_ways(string written, string searched)
    {
        var fromWritten = await IdsAsync(written);
        var fromSearched = await IdsAsync(searched);

        fromWritten.Should().NotBeEmpty().And.BeEquivalentTo(fromSearched);
    }

    [Fact]
    public async Task A_word_beginning_finds_the_longer_words_a_whole_word_search_would_miss()
    {
        var wholeWordsOnly = SearchReference.Find(fixture.Documents, "print", prefixes: false);
        var withPrefixes = SearchReference.Find(fixture.Documents, "print");

        var found = await IdsAsync("print");

        wholeWordsOnly.Should().BeEmpty("no mail has the word 'print' on its own");
        withPrefixes.Should().NotBeEmpty();
        found.Should().BeEquivalentTo(withPrefixes);
    }

    [Fact]
    public async Task Relevance_pages_list_every_match_once_when_matches_exceed_the_ranked_window()
    {
        const string text = "the";
        var expected = SearchReference.Find(fixture.Documents, text);
        expected.Count.Should().BeGreaterThan(TicketSearchRanking.RankedWindow, "the tail after the ranked window must be paged too");
        expected.Count.Should().BeGreaterThan(TicketService.SearchCountCap, "paging goes on past the count's cap");

        var seen = new List<int>();
        for (var page = 0; ; page++)
        {
            var result = await QueryAsync(new TicketListFilter { Text = text }, TicketSort.Default, page, 200);
            result.TotalIsCapped.Should().BeTrue();
            result.TotalCount.Should().Be(TicketService.SearchCountCap + 1);
            if (result.Items.Count == 0)
            {
                break;
            }
            seen.AddRange(result.Items.Select(r => r.Id));
        }

        seen.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(expected);
    }

    [Theory]
    [InlineData("zirkonia", 0, "a word with no longer one")]
    [InlineData("zirkon2", 1, "zirkon2 and zirkon20")]
    [InlineData("zirkon1", 10, "zirkon1 and zirkon10 to zirkon19: spelled out as words")]
    [InlineData("zirko", 22, "more longer words than are spelled out: left to FTS5's prefix")]
    [InlineData("zirkon21", 0, "a word the index does not hold")]
    public async Task A_word_beginning_finds_every_longer_word_however_many_there_are(string text, int longerWords, string because)
    {
        await using var services = await TestServices.CreateAsync(provider: fixture.Provider);
        var tenantId = await TicketSearchData.AddAsync(services, 10, seed: 5);
        var expected = new List<int>();
        var number = 900_000;
        foreach (var word in Enumerable.Range(1, 20).Select(i => $"zirkon{i}").Prepend("zirkon").Append("zirkonia").Append("zirkel"))
        {
            var id = await AddTicketAsync(services, tenantId, number++, $"About {word}", $"The {word} part is broken.");
            if (word.StartsWith(text, StringComparison.Ordinal))
            {
                expected.Add(id);
            }
        }
        await using (var db = await services.DbFactory.CreateDbContextAsync())
        {
            // PostgreSQL's GIN index reads a prefix as it is; only FTS5 gets the words spelled out.
            var spelledOut = await TicketSearchWords.SpellOutPrefixesAsync(db, TicketSearchQuery.Parse(text)!, default);
            var orCount = spelledOut.Match.Split(" OR ").Length - 1;
            orCount.Should().Be(longerWords > TicketSearchWords.MaxWordsPerPrefix || fixture.Provider != DatabaseProvider.Sqlite ? 0 : longerWords, because);
        }

        var result = await QueryAsync(services, new TicketListFilter { Text = text }, TicketSort.Default, 0, 100);

        result.Items.Select(r => r.Id).Should().BeEquivalentTo(expected, because);
    }

    [Fact]
    public async Task Relevance_lists_a_subject_match_before_a_match_deep_in_a_mail()
    {
        await using var services = await TestServices.CreateAsync(provider: fixture.Provider);
        var tenantId = await TicketSearchData.AddAsync(services, 30, seed: 3);
        await AddTicketAsync(services, tenantId, 900_001, "Kyocera toner empty", "Kyocera");
        await AddTicketAsync(services, tenantId, 900_002, "Question",
            string.Join(' ', Enumerable.Repeat("Some long text about the office.", 40)) + " Kyocera");

        var result = await QueryAsync(services, new TicketListFilter { Text = "kyocera" }, TicketSort.Default, 0, 25);

        result.Items.Select(r => r.Number).Should().Equal(900_001, 900_002);
    }

    [Fact]
    public async Task A_status_filter_and_a_search_together_list_matches_in_that_status()
    {
        var open = new HashSet<TicketStatus> { TicketStatus.Open };
        await using var db = await fixture.Services.DbFactory.CreateDbContextAsync();
        var openIds = (await db.Set<Ticket>().Where(t => t.Status == TicketStatus.Open).Select(t => t.Id).ToListAsync()).ToHashSet();
        var expected = SearchReference.Find(fixture.Documents, "printer").Where(openIds.Contains).ToList();

        var result = await QueryAsync(new TicketListFilter { Text = "printer", Statuses = open }, TicketSort.Default, 0, 200);

        expected.Should().NotBeEmpty();
        result.TotalCount.Should().Be(expected.Count);
        await using var scope = fixture.Services.CreateScope();
        var all = await scope.ServiceProvider.GetRequiredService<TicketService>().QueryIdsAsync(new TicketListFilter { Text = "printer", Statuses = open }, null);
        all.Should().BeEquivalentTo(expected);
    }

    public static TheoryData<string, string> FiltersBesideCommonWords => new()
    {
        { "printer", "status" }, { "printer", "tenant" }, { "drucker", "unassigned" }, { "rechnung", "status and unassigned" }, { "xyzzy", "status" },
        { "drucker", "nothing, so only the sort by number starts from its index" },
    };

    [Theory]
    [MemberData(nameof(FiltersBesideCommonWords))]
    public async Task A_common_word_beside_a_filter_checked_ticket_by_ticket_finds_what_a_plain_scan_finds(string text, string besides)
    {
        await using var db = await fixture.Services.DbFactory.CreateDbContextAsync();
        var tenantId = await db.Set<Ticket>().Select(t => t.TenantId).FirstAsync();
        var open = new HashSet<TicketStatus> { TicketStatus.Open, TicketStatus.New };
        var filter = besides switch
        {
            "status" => new TicketListFilter { Statuses = open },
            "tenant" => new TicketListFilter { TenantId = tenantId },
            "unassigned" => new TicketListFilter { UnassignedOnly = true },
            "status and unassigned" => new TicketListFilter { Statuses = open, UnassignedOnly = true },
            _ => new TicketListFilter(),
        } with { Text = text };
        var inFilter = (await db.Set<Ticket>()
            .Where(t => (filter.Statuses.Count == 0 || filter.Statuses.Contains(t.Status)) && (filter.TenantId == null || t.TenantId == filter.TenantId)
                && (!filter.UnassignedOnly || t.HandlerId == null))
            .Select(t => t.Id).ToListAsync()).ToHashSet();
        var expected = SearchReference.Find(fixture.Documents, text).Where(inFilter.Contains).ToList();
        // Every word counts as common here, so the search starts from the filter's tickets as it does at a million.
        var tickets = new TicketService(fixture.Services.DbFactory, fixture.Services.Get<TimeProvider>()) { CommonWordMatches = 1, Cap = 40 };

        var byRelevance = new List<int>();
        var byNumber = new List<int>();
        for (var page = 0; page <= GeneratedTicketsFixture.TicketCount / 25; page++)
        {
            var ranked = await tickets.QueryAsync(filter, null, TicketSort.Default, page, 25);
            var numbered = await tickets.QueryAsync(filter, null, new TicketSort(TicketSortField.Number, false), page, 25);
            ranked.TotalCount.Should().Be(Math.Min(expected.Count, 41));
            ranked.TotalIsCapped.Should().Be(expected.Count > 40);
            numbered.Items.Select(r => r.Number).Should().BeInAscendingOrder();
            byRelevance.AddRange(ranked.Items.Select(r => r.Id));
            byNumber.AddRange(numbered.Items.Select(r => r.Id));
            if (ranked.Items.Count == 0 && numbered.Items.Count == 0)
            {
                break;
            }
        }

        if (text != "xyzzy")
        {
            expected.Should().HaveCountGreaterThan(25, "the matches must span pages");
        }
        byRelevance.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(expected);
        byNumber.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(expected);
        (await tickets.QueryIdsAsync(filter, null)).Should().BeEquivalentTo(expected);
    }

    [Fact]
    public async Task Other_sorts_still_order_the_matches()
    {
        var result = await QueryAsync(new TicketListFilter { Text = "printer" }, new TicketSort(TicketSortField.Number, false), 0, 50);

        result.Items.Select(r => r.Number).Should().BeInAscendingOrder().And.HaveCount(50);
        result.Items.Select(r => r.Id).Should().BeSubsetOf(SearchReference.Find(fixture.Documents, "printer"));
    }

    [Theory]
    [InlineData("\"printer")]
    [InlineData("printer OR")]
    [InlineData("NEAR(printer")]
    [InlineData("-printer *")]
    [InlineData("printer^ AND (")]
    [InlineData("50%")]
    [InlineData(@"C:\temp")]
    public async Task Search_text_is_never_read_as_FTS_syntax(string text)
    {
        var expected = SearchReference.Find(fixture.Documents, text);

        var found = await IdsAsync(text);

        found.Should().BeEquivalentTo(expected);
    }

    [Fact]
    public async Task Only_punctuation_finds_nothing()
    {
        var result = await QueryAsync(new TicketListFilter { Text = "!!! ?" }, TicketSort.Default, 0, 25);

        result.TotalCount.Should().Be(0);
    }

    [Fact]
    public async Task The_snippet_shows_the_mail_text_around_the_word_with_the_word_marked()
    {
        var result = await QueryAsync(new TicketListFilter { Text = "Papierstau" }, TicketSort.Default, 0, 25);

        result.Items.Should().NotBeEmpty().And.OnlyContain(r => r.Snippet != null);
        var segments = SnippetSegments.Split(result.Items[0].Snippet!).ToList();
        segments.Where(s => s.Marked).Select(s => s.Text).Should().OnlyContain(t => t == "Papierstau").And.NotBeEmpty();
        string.Concat(segments.Select(s => s.Text)).Should().Contain("Der Drucker im Büro zeigt wieder einen Papierstau");
    }

    [Fact]
    public async Task The_snippet_marks_the_word_as_the_mail_spells_it()
    {
        var result = await QueryAsync(new TicketListFilter { Text = "gruessen" }, TicketSort.Default, 0, 25);

        result.Items.Should().NotBeEmpty();
        SnippetSegments.Split(result.Items[0].Snippet!).Where(s => s.Marked).Select(s => s.Text).Should().Contain("Grüßen");
    }

    private async Task<List<int>> IdsAsync(string text)
    {
        await using var scope = fixture.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<TicketService>().QueryIdsAsync(new TicketListFilter { Text = text }, null)).ToList();
    }

    private async Task<List<int>> CustomerIdsByNameAsync(params string[] names)
    {
        await using var db = await fixture.Services.DbFactory.CreateDbContextAsync();
        return await db.Set<Customer>().Where(c => names.Contains(c.Name)).Select(c => c.Id).ToListAsync();
    }

    private Task<PagedResult<TicketListRow>> QueryAsync(TicketListFilter filter, TicketSort sort, int page, int pageSize) =>
        QueryAsync(fixture.Services, filter, sort, page, pageSize);

    private static Task<PagedResult<TicketListRow>> QueryAsync(TestServices services, TicketListFilter filter, TicketSort sort, int page, int pageSize) =>
        TicketSearchData.QueryAsync(services, filter, sort, page, pageSize);

    private static Task<int> AddTicketAsync(TestServices services, int tenantId, int number, string subject, string text, string? html = null) =>
        TicketSearchData.AddTicketAsync(services, tenantId, number, subject, text, html);
}

public static partial class TicketSearchData
{
    internal static async Task<PagedResult<TicketListRow>> QueryAsync(TestServices services, TicketListFilter filter, TicketSort sort, int page, int pageSize)
    {
        await using var scope = services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<TicketService>().QueryAsync(filter, null, sort, page, pageSize);
    }

    internal static async Task<int> AddTicketAsync(TestServices services, int tenantId, int number, string subject, string text, string? html = null)
    {
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var now = services.Get<TimeProvider>().GetUtcNow().UtcDateTime;
        var ticket = new Ticket
        {
            Number = number, Subject = subject, TenantId = tenantId, CreatedAt = now, UpdatedAt = now,
            Messages = [new TicketMessage { Date = now, TextBody = text, HtmlBody = html }],
        };
        db.Set<Ticket>().Add(ticket);
        await db.SaveChangesAsync();
        return ticket.Id;
    }
}

public sealed class TicketSearchSqliteTests(GeneratedTicketsFixture fixture) : TicketSearchTests<GeneratedTicketsFixture>(fixture);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class TicketSearchPostgresTests(PostgresGeneratedTicketsFixture fixture) : TicketSearchTests<PostgresGeneratedTicketsFixture>(fixture);
