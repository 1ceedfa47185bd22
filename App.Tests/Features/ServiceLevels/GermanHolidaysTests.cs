using BlazorTickets.Features.ServiceLevels;
using FluentAssertions;

namespace BlazorTickets.Tests.Features.ServiceLevels;

public class GermanHolidaysTests
{
    [Theory]
    [InlineData(2000, 4, 23)]
    [InlineData(2008, 3, 23)]
    [InlineData(2011, 4, 24)]
    [InlineData(2019, 4, 21)]
    [InlineData(2024, 3, 31)]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2038, 4, 25)]
    public void Easter_sunday_falls_on_the_published_date(int year, int month, int day) =>
        GermanHolidays.EasterSunday(year).Should().Be(new DateOnly(year, month, day));

    [Fact]
    public void Bavaria_keeps_epiphany_corpus_christi_and_all_saints_besides_the_nine_national_holidays()
    {
        var holidays = GermanHolidays.For("BY", 2026);

        holidays.Should().HaveCount(12);
        holidays.Select(h => h.Date).Should().Contain([new DateOnly(2026, 1, 6), new DateOnly(2026, 6, 4), new DateOnly(2026, 11, 1)]);
        holidays.Should().BeInAscendingOrder(h => h.Date);
    }

    [Fact]
    public void Each_state_has_its_own_days()
    {
        GermanHolidays.For("BE", 2026).Select(h => h.Name).Should().Contain("Internationaler Frauentag").And.HaveCount(10);
        GermanHolidays.For("BB", 2026).Select(h => h.Date).Should().Contain([new DateOnly(2026, 4, 5), new DateOnly(2026, 5, 24), new DateOnly(2026, 10, 31)]);
        GermanHolidays.For("SN", 2026).Should().ContainEquivalentOf(new Holiday(new DateOnly(2026, 11, 18), "Buß- und Bettag"));
        GermanHolidays.For("TH", 2018).Select(h => h.Name).Should().NotContain("Weltkindertag");
        GermanHolidays.For("TH", 2026).Select(h => h.Name).Should().Contain("Weltkindertag");
        GermanHolidays.For("HH", 2017).Select(h => h.Name).Should().Contain("Reformationstag", "2017 was the 500th year");
        GermanHolidays.For("NW", 2017).Select(h => h.Name).Should().Contain("Reformationstag");
        GermanHolidays.For("NW", 2026).Select(h => h.Name).Should().NotContain("Reformationstag");
    }

    [Fact]
    public void An_unknown_state_is_refused_with_the_valid_codes()
    {
        var act = () => GermanHolidays.For("XX", 2026);
        act.Should().Throw<ArgumentException>().WithMessage("*'XX'*BW*TH*");
    }
}
