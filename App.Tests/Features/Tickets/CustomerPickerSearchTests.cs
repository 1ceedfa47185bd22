using BlazorTickets.Data;
using BlazorTickets.Features.Customers;
using BlazorTickets.Features.Tenants;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Tests.Features.Tickets;

/// <summary>
/// The customer picker's search (<see cref="PickerService.SearchCustomersAsync"/>) against a plain in-memory check of
/// the same customers: every word typed starts a word of name, company, customer number or an address, umlauts match
/// without their dots and spelled out, in any case; names that start with the text come first.
/// </summary>
public abstract class CustomerPickerSearchTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly (string Name, string Company, string Email)[] People =
    [
        ("Jürgen Müller", "Müller Maschinenbau GmbH", "juergen@mueller.example"),
        ("JÜRGEN MÜLLER", "MÜLLER GMBH", "info@mueller-gmbh.example"),
        ("Hans Mueller", "Mueller & Söhne", "hans@soehne.example"),
        ("Karl Muller", "Muller Bau", "karl@mullerbau.example"),
        ("Anna Schmidt", "Schmidt Logistik", "anna.schmidt@logistik.example"),
        ("Sven Groß", "Straßenbau Groß", "sven@strassenbau.example"),
        ("Zoë Brontë", "Café Crème", "zoe@cafe.example"),
        ("Müllerhaus Verwaltung", "Contoso", "verwaltung@contoso.example"),
        ("Olivia Smith", "Northwind", "olivia@northwind.example"),
    ];

    private TestServices services = null!;
    private int tenantId;

    protected TestServices Services => services;
    private List<Customer> customers = [];

    public async Task InitializeAsync()
    {
        services = await TestServices.CreateAsync(provider: provider);
        await using var db = await services.DbFactory.CreateDbContextAsync();
        var tenant = new Tenant { Name = "Picker tenant" };
        db.Set<Tenant>().Add(tenant);
        await db.SaveChangesAsync();
        tenantId = tenant.Id;
        customers = People.Select((p, i) => new Customer
        {
            TenantId = tenantId, CustomerNumber = $"KD-{1000 + i}", Name = p.Name, Company = p.Company, CreatedAt = DateTime.UtcNow,
            Emails = [new CustomerEmail { TenantId = tenantId, Address = p.Email }],
        }).ToList();
        db.Set<Customer>().AddRange(customers);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => services.DisposeAsync().AsTask();

    [Theory]
    [InlineData("Müller")]
    [InlineData("MÜLLER")]
    [InlineData("mueller")]
    [InlineData("müll")]
    [InlineData("mul")]
    [InlineData("mül gm")]
    [InlineData("Straße")]
    [InlineData("strasse")]
    [InlineData("cafe")]
    [InlineData("KD-1004")]
    [InlineData("kd 1002")]
    [InlineData("hans@soe")]
    [InlineData("northwind")]
    [InlineData("nosuchcustomer")]
    public async Task Finds_what_a_plain_scan_of_every_customer_finds(string text)
    {
        var expected = customers.Where(c => MatchesEveryWord(c, text)).Select(c => c.Id).ToList();

        var found = await new PickerService(services.DbFactory).SearchCustomersAsync(tenantId, text, PickerService.MaxLimit);

        found.Select(c => c.Id).Should().BeEquivalentTo(expected);
        // SQLite's LIKE ignores the case of ASCII letters only: "MÜLLER" is no name's start there.
        var startsWithText = found.Select(c => c.Name.StartsWith(text, text.All(char.IsAscii) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)).ToList();
        startsWithText.Should().BeInDescendingOrder("names that start with the text come first");
    }

    [Fact]
    public async Task Müller_MÜLLER_and_Mueller_are_one_name_to_the_picker()
    {
        var pickers = new PickerService(services.DbFactory);
        foreach (var text in new[] { "Müller", "MÜLLER", "Mueller", "mueller" })
        {
            var names = (await pickers.SearchCustomersAsync(tenantId, text)).Select(c => c.Name).ToList();

            names.Should().Contain(["Jürgen Müller", "JÜRGEN MÜLLER", "Hans Mueller", "Müllerhaus Verwaltung"], text).And.NotContain("Anna Schmidt");
        }
    }

    [Fact]
    public async Task Empty_text_lists_the_first_customers_by_name()
    {
        var found = await new PickerService(services.DbFactory).SearchCustomersAsync(tenantId, "", limit: 3);

        found.Should().HaveCount(3);
        found[0].Email.Should().NotBeEmpty();
    }

    /// <summary>Each word of the text starts a word of the customer, compared without diacritics or with umlauts spelled out.</summary>
    private static bool MatchesEveryWord(Customer customer, string text)
    {
        var words = CustomerSearchText.Words($"{customer.Name} {customer.Company} {customer.CustomerNumber} {string.Join(' ', customer.Emails.Select(e => e.Address))}");
        var keys = words.Select(CustomerSearchText.Fold)
            .Concat(words.Select(w => CustomerSearchText.Fold(CustomerSearchText.SpellOut(w.ToLowerInvariant()))))
            .ToList();
        return CustomerSearchText.Words(text).All(typed =>
        {
            var plain = CustomerSearchText.Fold(typed);
            var spelled = CustomerSearchText.Fold(CustomerSearchText.SpellOut(typed.ToLowerInvariant()));
            return keys.Any(k => k.StartsWith(plain, StringComparison.Ordinal) || k.StartsWith(spelled, StringComparison.Ordinal));
        });
    }
}

public sealed class CustomerPickerSearchSqliteTests() : CustomerPickerSearchTests(DatabaseProvider.Sqlite);

[Trait(TestCategories.Category, TestCategories.Postgres)]
public sealed class CustomerPickerSearchPostgresTests() : CustomerPickerSearchTests(DatabaseProvider.Postgres)
{
    /// <summary>
    /// The GIN index answers a word start, so a tenant of 100,000 customers is not read whole for each keystroke; with
    /// sequential scans ruled out the plan must show the index (a handful of rows would not make it prefer it).
    /// </summary>
    [Fact]
    public async Task A_word_start_is_answered_by_the_customer_search_index()
    {
        await using var db = await Services.DbFactory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """EXPLAIN SELECT "CustomerId" FROM "CustomerSearch" WHERE "Document" @@ to_tsquery('simple', 'mul:* | muel:*')""";
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }
        var plan = string.Join('\n', lines);

        plan.Should().Contain("IX_CustomerSearch_Document");
    }
}
