namespace BlazorTickets.Features.ServiceLevels;

public sealed record Holiday(DateOnly Date, string Name);

/// <summary>
/// The statutory public holidays of Germany's federal states, as presets for a business-hours calendar. Only holidays
/// that apply to a whole state are listed (not those of single Catholic communities in Bavaria, Saxony or Thuringia).
/// </summary>
public static class GermanHolidays
{
    /// <summary>The sixteen states by their ISO 3166-2:DE codes, with their German names.</summary>
    public static readonly IReadOnlyDictionary<string, string> States = new Dictionary<string, string>
    {
        ["BW"] = "Baden-Württemberg",
        ["BY"] = "Bayern",
        ["BE"] = "Berlin",
        ["BB"] = "Brandenburg",
        ["HB"] = "Bremen",
        ["HH"] = "Hamburg",
        ["HE"] = "Hessen",
        ["MV"] = "Mecklenburg-Vorpommern",
        ["NI"] = "Niedersachsen",
        ["NW"] = "Nordrhein-Westfalen",
        ["RP"] = "Rheinland-Pfalz",
        ["SL"] = "Saarland",
        ["SN"] = "Sachsen",
        ["ST"] = "Sachsen-Anhalt",
        ["SH"] = "Schleswig-Holstein",
        ["TH"] = "Thüringen",
    };

    public static IReadOnlyList<Holiday> For(string state, int year)
    {
        if (!States.ContainsKey(state))
        {
            throw new ArgumentException($"'{state}' is not a German state code ({string.Join(", ", States.Keys)}).", nameof(state));
        }
        var easter = EasterSunday(year);
        var list = new List<Holiday>
        {
            new(new DateOnly(year, 1, 1), "Neujahr"),
            new(easter.AddDays(-2), "Karfreitag"),
            new(easter.AddDays(1), "Ostermontag"),
            new(new DateOnly(year, 5, 1), "Tag der Arbeit"),
            new(easter.AddDays(39), "Christi Himmelfahrt"),
            new(easter.AddDays(50), "Pfingstmontag"),
            new(new DateOnly(year, 10, 3), "Tag der Deutschen Einheit"),
            new(new DateOnly(year, 12, 25), "1. Weihnachtstag"),
            new(new DateOnly(year, 12, 26), "2. Weihnachtstag"),
        };
        void AddIf(bool applies, DateOnly date, string name)
        {
            if (applies)
            {
                list.Add(new Holiday(date, name));
            }
        }
        bool In(params string[] states) => states.Contains(state);

        AddIf(In("BW", "BY", "ST"), new DateOnly(year, 1, 6), "Heilige Drei Könige");
        AddIf((state == "BE" && year >= 2019) || (state == "MV" && year >= 2023), new DateOnly(year, 3, 8), "Internationaler Frauentag");
        AddIf(In("BB"), easter, "Ostersonntag");
        AddIf(In("BB"), easter.AddDays(49), "Pfingstsonntag");
        AddIf(In("BW", "BY", "HE", "NW", "RP", "SL"), easter.AddDays(60), "Fronleichnam");
        AddIf(In("SL"), new DateOnly(year, 8, 15), "Mariä Himmelfahrt");
        AddIf(state == "TH" && year >= 2019, new DateOnly(year, 9, 20), "Weltkindertag");
        // Since 2018 the northern states keep Reformation Day too; 2017, its 500th year, was a holiday everywhere.
        AddIf(In("BB", "MV", "SN", "ST", "TH") || (In("HB", "HH", "NI", "SH") && year >= 2018) || year == 2017,
            new DateOnly(year, 10, 31), "Reformationstag");
        AddIf(In("BW", "BY", "NW", "RP", "SL"), new DateOnly(year, 11, 1), "Allerheiligen");
        AddIf(In("SN"), RepentanceDay(year), "Buß- und Bettag");
        return [.. list.OrderBy(h => h.Date)];
    }

    /// <summary>Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = (19 * a + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + 2 * e + 2 * i - h - k) % 7;
        var m = (a + 11 * h + 22 * l) / 451;
        var month = (h + l - 7 * m + 114) / 31;
        var day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The Wednesday before 23 November.</summary>
    private static DateOnly RepentanceDay(int year)
    {
        var date = new DateOnly(year, 11, 22);
        while (date.DayOfWeek != DayOfWeek.Wednesday)
        {
            date = date.AddDays(-1);
        }
        return date;
    }
}
