using BlazorTickets.Features.Tickets;

namespace BlazorTickets.Tests.Features.Tickets;

public sealed class SafeFileNameTests
{
    [Theory]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("\u2067report\u2069.pdf", "report.pdf")]
    [InlineData("a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2068g\u200Eh\u200Fi\u061Cj.txt", "abcdefghij.txt")]
    public void Bidi_control_characters_are_removed_so_the_shown_extension_is_the_real_one(string name, string expected)
    {
        SafeFileName.From(name).Should().Be(expected);
    }

    [Fact]
    public void A_name_of_only_bidi_controls_becomes_the_default_name()
    {
        SafeFileName.From("\u202E\u202E").Should().Be("attachment");
    }

    [Fact]
    public void Ordinary_unicode_names_stay()
    {
        SafeFileName.From("Angebot Müller – März.pdf").Should().Be("Angebot Müller – März.pdf");
    }
}
