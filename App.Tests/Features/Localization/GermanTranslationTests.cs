using BlazorTickets.Shared;
using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Users;
using BlazorTickets.Tests.Features.Admin;
using BlazorTickets.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using MudBlazor;
using BlazorTickets.Features.Admin.Users;

namespace BlazorTickets.Tests.Features.Localization;

public sealed partial class GermanTranslationTests
{
    // L["text"], L["text {0}", value], error messages (new ErrorMessage("text"), FieldErrors.Of(field, "text"),
    // errors.Add(field, "text"), AddForm("text")) and service messages Text.Of("text", …), all shown through the localizer.
    [GeneratedRegex("""(?:L\[|new ErrorMessage\(|Text\.Of\(|FieldErrors\.OfForm\(|\.AddForm\(|(?:FieldErrors\.Of|\b[a-z]\w*[Ee]rrors\.Add(?:IfFirst)?)\([^"\n;]*?,\s*)"((?:[^"\\]|\\.)+)"[\],)]""")]
    private static partial Regex LocalizedLiteral();

    // L.Plural(count, "singular", "plural", …)
    [GeneratedRegex("""\.Plural\([^"]*"((?:[^"\\]|\\.)+)",\s*"((?:[^"\\]|\\.)+)"[,)]""")]
    private static partial Regex PluralLiterals();

    // A string literal in C#: verbatim or interpolated ones keep their prefix in group 1.
    [GeneratedRegex("""(\$?@?)"((?:[^"\\]|\\.)*)"|'(?:[^'\\]|\\.)'""")]
    private static partial Regex StringLiteral();

    // Lines whose strings are for logs and developers, not for the UI.
    [GeneratedRegex("""Log(?:Trace|Debug|Information|Warning|Error|Critical)\(|\blog(?:ger)?\.|throw new \w*Exception\(|^\s*//|^\s*\[|///""")]
    private static partial Regex DeveloperLine();

    // Razor attributes that show text, with a literal value (no @).
    [GeneratedRegex("""\b(?:Text|Label|Title|Placeholder|HelperText|aria-label|title|alt|Tooltip|ButtonText|ConfirmText|CancelText|YesText|NoText)="([^"@]*[A-Za-z]{2,}[^"@]*)"|>([^<>@{}]*[A-Za-z]{2,}[^<>@{}]*)<""")]
    private static partial Regex RazorLiteralText();

    /// <summary>
    /// Code that is not UI: the command line and demo data speak English by design, mail parsing reads headers, the PDF font probe and the
    /// localization plumbing itself hold no UI text.
    /// </summary>
    private static readonly string[] FilesWithoutUiText =
    [
        "MailCommandLine.cs", "ParsedMail.cs", "DemoDataSeeder.cs", "DemoServiceCollectionExtensions.cs", "QuotePdf.cs",
        "GermanMudLocalizer.cs", "Text.cs", "SharedLocalizer.cs", "PluralExtensions.cs", "LocalizationServiceCollectionExtensions.cs",
        "TicketSearchSql.cs", "CustomerSearch.cs",
        // The holidays' own German names, shown as they are in every language.
        "GermanHolidays.cs",
        // The REST API answers programs, in English; its problem details and OpenAPI texts are documentation.
        "ApiServiceCollectionExtensions.cs", "ApiResults.cs", "ApiRateLimits.cs", "TokenApi.cs", "ApiTokenAuthentication.cs",
        // The health answer is for load balancers and operators.
        "HealthChecks.cs",
    ];

    /// <summary>Names that read the same in German: the product, the languages' own names, protocols.</summary>
    private static readonly string[] SameInEveryLanguage = ["BlazorTickets", "English", "Deutsch", "PDF", "SSL/TLS", "STARTTLS", "CC"];

    private static IEnumerable<string> SourceFiles(string pattern) =>
        Directory.EnumerateFiles(Repository.AppFolder, pattern, SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                           && !path.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}"));

    private static string Unescape(string literal) => literal.Replace("\\\"", "\"").Replace("\\n", "\n");

    [Fact]
    public void Every_ui_string_used_in_a_component_or_service_has_a_German_translation()
    {
        var sources = SourceFiles("*.razor").Concat(SourceFiles("*.cs")).Select(File.ReadAllText).ToList();
        var used = sources.SelectMany(source => LocalizedLiteral().Matches(source).Select(m => Unescape(m.Groups[1].Value)))
            .Concat(sources.SelectMany(source => PluralLiterals().Matches(source)
                .SelectMany(m => new[] { Unescape(m.Groups[1].Value), Unescape(m.Groups[2].Value) })))
            .ToHashSet();
        var translated = Repository.GermanTranslations();

        used.Should().Contain(["Up to {0} files, each at most {1}, together at most {2}.", "The two passwords are not the same."],
            "the scan sees formatted keys and error messages, not only plain L[\"…\"]");
        used.Should().Contain(["Built-in groups cannot be deleted: the app gives them meaning.", "The fetch stopped after {0} message(s): {1}", "Mail import"],
            "the scan sees service messages marked with Text.Of");
        used.Should().Contain(["{0} ticket will be billed {1}.", "on {0} quote", "on {0} quotes"], "the scan sees both forms of a plural");
        used.Except(translated).Should().BeEmpty("every L[\"…\"], Text.Of(\"…\") and L.Plural key needs an entry in SharedResource.de.resx");
    }

    [Fact]
    public void Services_hand_the_ui_only_translated_messages_and_no_English_built_from_pieces()
    {
        var translated = Repository.GermanTranslations();
        var untranslated = new List<string>();
        var interpolated = new List<string>();
        foreach (var path in SourceFiles("*.cs").Where(p => p.Contains($"{Path.DirectorySeparatorChar}Features{Path.DirectorySeparatorChar}")
                                                           && !FilesWithoutUiText.Contains(Path.GetFileName(p))
                                                           && !p.Contains($"{Path.DirectorySeparatorChar}Api{Path.DirectorySeparatorChar}Resources{Path.DirectorySeparatorChar}")))
        {
            foreach (var (line, number) in File.ReadLines(path).Select((line, i) => (line, i + 1)))
            {
                if (DeveloperLine().IsMatch(line))
                {
                    continue;
                }
                foreach (Match literal in StringLiteral().Matches(line))
                {
                    var text = literal.Groups[2].Value;
                    var isInterpolated = literal.Groups[1].Value.Contains('$');
                    var prose = isInterpolated ? Regex.Replace(text, @"\{[^}]*\}", " ") : text;
                    // A message: starts like a sentence (or with a count) and has at least three words.
                    if (!Regex.IsMatch(text, @"^[A-Z{…“]") || Regex.Matches(prose, @"\b[A-Za-z]{2,}\b").Count < 3 || IsNotProse(text))
                    {
                        continue;
                    }
                    var where = $"{Path.GetRelativePath(Repository.AppFolder, path)}:{number}: {text}";
                    if (isInterpolated)
                    {
                        interpolated.Add(where);
                    }
                    else if (!translated.Contains(Unescape(text)))
                    {
                        untranslated.Add(where);
                    }
                }
            }
        }

        untranslated.Should().BeEmpty("a service message reaches the UI and needs its German entry (mark it with Text.Of)");
        interpolated.Should().BeEmpty("a message built with $\"…\" cannot be translated; use Text.Of(\"… {0} …\", value)");
    }

    /// <summary>Header names, CSV headers, data protection purposes and time formats are not prose.</summary>
    private static bool IsNotProse(string text) =>
        !text.Contains(' ') || text.StartsWith("{{", StringComparison.Ordinal) || text.Contains("{{message}}", StringComparison.Ordinal)
        || text.StartsWith("Contact: ", StringComparison.Ordinal)
        || Regex.IsMatch(text, @"^(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|WITH) ");

    [Fact]
    public void Razor_markup_has_no_literal_English_text()
    {
        var translated = Repository.GermanTranslations();
        var found = new List<string>();
        foreach (var path in SourceFiles("*.razor"))
        {
            var source = File.ReadAllText(path);
            var codeStart = Regex.Match(source, @"\n@code\s*\{");
            var markup = codeStart.Success ? source[..codeStart.Index] : source;
            foreach (var (line, number) in markup.Split('\n').Select((line, i) => (line, i + 1)))
            {
                foreach (Match m in RazorLiteralText().Matches(line))
                {
                    var text = (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).Trim();
                    // Razor expressions that span the match ("x > 0 ? … : …") are code, not text.
                    if (text.Length > 0 && !SameInEveryLanguage.Contains(text) && !Regex.IsMatch(text, @"[()\[\]=!?]"))
                    {
                        found.Add($"{Path.GetFileName(path)}:{number}: {text}");
                    }
                }
            }
            // Sentence literals in code ("… ?? \"The group could not be deleted.\"") must be keys.
            foreach (Match literal in StringLiteral().Matches(source))
            {
                var text = literal.Groups[2].Value;
                if (literal.Groups[1].Value.Length == 0 && Regex.IsMatch(text, @"^[A-Z][^{}]* [^{}]*[.!?:]$") && !translated.Contains(Unescape(text)))
                {
                    found.Add($"{Path.GetFileName(path)}: \"{text}\"");
                }
            }
        }

        found.Should().BeEmpty("text in markup goes through L[\"…\"] so the German UI shows German");
    }

    private static IReadOnlyList<string> MudBlazorResourceKeys()
    {
        var assembly = typeof(MudLocalizer).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("LanguageResource.resources", StringComparison.Ordinal));
        var manager = new ResourceManager(resource[..^".resources".Length], assembly);
        using var set = manager.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: false)!;
        return set.Cast<DictionaryEntry>().Select(e => (string)e.Key).Order().ToList();
    }

    [Fact]
    public void Every_text_of_MudBlazor_has_a_German_translation()
    {
        var keys = MudBlazorResourceKeys();
        var localizer = new GermanMudLocalizer();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
            keys.Should().HaveCountGreaterThan(100).And.Contain(["MudDataGridPager_RowsPerPage", "MudDataGrid_SelectRow", "Converter_InvalidDateTime"]);
            keys.Where(key => localizer[key].ResourceNotFound).Should().BeEmpty("every text MudBlazor shows needs German");
            localizer["MudDataGridPager_InfoFormat", 1, 25, 200].Value.Should().Be("1–25 von 200");

            CultureInfo.CurrentUICulture = new CultureInfo("en-US");
            localizer["MudDataGridPager_RowsPerPage"].ResourceNotFound.Should().BeTrue("English keeps MudBlazor's own texts");
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public async Task MudBlazor_components_get_German_from_the_apps_registration()
    {
        await using var app = await TestServices.CreateAsync(initializeDatabase: false);
        await using var circuit = app.CreateScope();
        var interceptor = circuit.ServiceProvider.GetRequiredService<ILocalizationInterceptor>();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
            interceptor.Handle("MudDataGridPager_RowsPerPage").Value.Should().Be("Zeilen pro Seite:");
            interceptor.Handle("MudDataGrid_SelectRow").Value.Should().Be("Zeile auswählen");
            interceptor.Handle("Converter_InvalidDateTime").Value.Should().Be("Kein gültiges Datum mit Uhrzeit");

            CultureInfo.CurrentUICulture = new CultureInfo("en-US");
            interceptor.Handle("MudDataGridPager_RowsPerPage").Value.Should().Be("Rows per page:");
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }


    private static T InGerman<T>(Func<T> read)
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
            return read();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }

    [Fact]
    public async Task A_service_message_reaches_a_German_page_in_German()
    {
        await using var host = await AdminTestHost.StartAsync();
        var builtIn = await host.Get<GroupAdminService>().SaveAsync(new GroupEdit { Name = Groups.TicketSupport, HourlyRate = 80m });
        var refused = await host.Get<GroupAdminService>().DeleteAsync(builtIn.Id);
        var L = host.Get<IStringLocalizer<SharedResource>>();

        var message = refused.Errors.English(FieldErrors.Form)!;

        message.Should().Be("Built-in groups cannot be deleted: the app gives them meaning.");
        InGerman(() => L[message].Value).Should().Be("Eingebaute Gruppen können nicht gelöscht werden: Die Anwendung gibt ihnen eine Bedeutung.");
    }

    [Fact]
    public async Task A_message_formatted_in_English_is_shown_in_German_with_its_values()
    {
        await using var app = await TestServices.CreateAsync(initializeDatabase: false);
        var L = app.Get<IStringLocalizer<SharedResource>>();
        var run = new FetchSummary(3, 1, 0, 0, 2, TimeSpan.FromSeconds(1.25),
            Text.Of("The fetch stopped after {0} message(s): {1}", 3, Text.Of("The host \"{0}\" was not found.", "imap.example")));

        var english = run.ToString();
        var german = InGerman(() => L[english].Value);

        english.Should().Be("fetched 3, new tickets 1, replies threaded 0, duplicates skipped 0, quarantined 2 in 1.3 s; error: The fetch stopped after 3 message(s): The host \"imap.example\" was not found.");
        german.Should().Be("abgerufen 3, neue Tickets 1, zugeordnete Antworten 0, übersprungene Duplikate 0, in Quarantäne 2 in 1.3 s; Fehler: Der Abruf brach nach 3 Nachricht(en) ab: Der Host „imap.example“ wurde nicht gefunden.");
        InGerman(() => L["Mail import"].Value).Should().Be("Mail-Import");
        L[english].Value.Should().Be(english, "an English page shows the message as it is");
        InGerman(() => L["Anna Schmidt"].Value).Should().Be("Anna Schmidt", "a name is no message and stays as it is");
    }

    [Fact]
    public async Task Counts_of_one_read_in_the_singular()
    {
        await using var app = await TestServices.CreateAsync(initializeDatabase: false);
        var L = app.Get<IStringLocalizer<SharedResource>>();
        string BillPreview(CultureInfo culture, int tickets, int quotes)
        {
            var previous = CultureInfo.CurrentUICulture;
            CultureInfo.CurrentUICulture = culture;
            try
            {
                return L.Plural(tickets, "{0} ticket will be billed {1}.", "{0} tickets will be billed {1}.", tickets,
                    L.Plural(quotes, "on {0} quote", "on {0} quotes", quotes));
            }
            finally
            {
                CultureInfo.CurrentUICulture = previous;
            }
        }
        var english = new CultureInfo("en-US");
        var german = new CultureInfo("de-DE");

        BillPreview(english, 1, 1).Should().Be("1 ticket will be billed on 1 quote.");
        BillPreview(english, 3, 2).Should().Be("3 tickets will be billed on 2 quotes.");
        BillPreview(german, 1, 1).Should().Be("1 Ticket wird auf 1 Angebot abgerechnet.");
        BillPreview(german, 3, 2).Should().Be("3 Tickets werden auf 2 Angeboten abgerechnet.");
    }

    [Fact]
    public async Task The_localizer_answers_in_German_for_a_German_ui_culture_and_in_English_otherwise()
    {
        await using var app = await TestServices.CreateAsync(initializeDatabase: false);
        var localizer = app.Get<IStringLocalizer<SharedResource>>();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("de-DE");
            localizer["My tickets"].Value.Should().Be("Meine Tickets");
            localizer["Waiting for customer"].Value.Should().Be("Wartet auf Kunde");

            CultureInfo.CurrentUICulture = new CultureInfo("en-US");
            localizer["My tickets"].Value.Should().Be("My tickets");
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}
