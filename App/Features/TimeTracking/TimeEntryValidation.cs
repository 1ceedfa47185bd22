using BlazorTickets.Shared;
using System.Globalization;
using System.Text.RegularExpressions;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>Checks what the entry form holds and turns it into UTC times and minutes. Keys are <see cref="TimeEntryInput"/> property names.</summary>
public static partial class TimeEntryValidation
{
    public const int MaxNoteLength = 2000;

    public sealed record Parsed(DateTime StartUtc, DateTime EndUtc, int Minutes);

    public static (FieldErrors Errors, Parsed? Value) Validate(TimeEntryInput input, DateOnly today, TimeZoneInfo zone, bool ticketAllowsTracking)
    {
        var errors = new FieldErrors();
        Parsed? parsed = null;

        if (!DateOnly.TryParseExact(input.Date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors.Add(nameof(TimeEntryInput.Date), TimeMessages.DateRequired);
        }
        else if (date > today)
        {
            errors.Add(nameof(TimeEntryInput.Date), TimeMessages.DateInFuture);
        }

        if (input.WithTimes)
        {
            var start = ParseTime(input.Start);
            var end = ParseTime(input.End);
            if (start is null)
            {
                errors.Add(nameof(TimeEntryInput.Start), TimeMessages.StartRequired);
            }
            if (end is null)
            {
                errors.Add(nameof(TimeEntryInput.End), TimeMessages.EndRequired);
            }
            else if (start is not null && end <= start)
            {
                errors.Add(nameof(TimeEntryInput.End), TimeMessages.EndBeforeStart);
            }
            if (!errors.Has(nameof(TimeEntryInput.Date)) && start is TimeOnly s && end is TimeOnly e && e > s)
            {
                var localStart = date.ToDateTime(s);
                var localEnd = date.ToDateTime(e);
                if (zone.IsInvalidTime(localStart))
                {
                    errors.Add(nameof(TimeEntryInput.Start), TimeMessages.TimeDoesNotExist);
                }
                else if (zone.IsInvalidTime(localEnd))
                {
                    errors.Add(nameof(TimeEntryInput.End), TimeMessages.TimeDoesNotExist);
                }
                else
                {
                    var startUtc = TimeZoneInfo.ConvertTimeToUtc(localStart, zone);
                    var endUtc = TimeZoneInfo.ConvertTimeToUtc(localEnd, zone);
                    if (endUtc <= startUtc)
                    {
                        // Only across a clock change: 02:30–02:45 on the night the clocks go back can come out reversed.
                        errors.Add(nameof(TimeEntryInput.End), TimeMessages.EndBeforeStart);
                    }
                    else
                    {
                        parsed = new Parsed(startUtc, endUtc, (int)Math.Round((endUtc - startUtc).TotalMinutes));
                    }
                }
            }
        }
        else
        {
            var minutes = ParseDuration(input.Duration);
            if (minutes is null)
            {
                errors.Add(nameof(TimeEntryInput.Duration), TimeMessages.DurationRequired);
            }
            else if (minutes < 1)
            {
                errors.Add(nameof(TimeEntryInput.Duration), TimeMessages.DurationTooShort);
            }
            else if (minutes > TimerRules.MaxEntry.TotalMinutes)
            {
                errors.Add(nameof(TimeEntryInput.Duration), TimeMessages.EntryTooLong);
            }
            else if (!errors.Has(nameof(TimeEntryInput.Date)))
            {
                // A duration has no times: start and end are both the day's start.
                var dayStart = StartOfDayUtc(date, zone);
                parsed = new Parsed(dayStart, dayStart, minutes.Value);
            }
        }

        if ((input.Note?.Length ?? 0) > MaxNoteLength)
        {
            errors.Add(nameof(TimeEntryInput.Note), TimeMessages.NoteTooLong);
        }
        if (input.Billable && !ticketAllowsTracking)
        {
            errors.Add(nameof(TimeEntryInput.Billable), TimeMessages.NotBillableWithoutConsent);
        }
        return (errors, errors.Count == 0 ? parsed : null);
    }

    public static DateTime StartOfDayUtc(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        // Where midnight itself is skipped by a clock change, the day starts an hour later.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private static TimeOnly? ParseTime(string? text) =>
        TimeOnly.TryParseExact(text?.Trim(), ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss", "H.mm", "HH.mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : null;

    [GeneratedRegex(@"^(?<h>\d{1,2}):(?<m>\d{2})\s*(h)?$")]
    private static partial Regex HoursAndMinutes();

    [GeneratedRegex(@"^(?<h>\d{1,2}([.,]\d{1,2})?)\s*(h|std|hours?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DecimalHours();

    [GeneratedRegex(@"^(?<m>\d{1,4})\s*(m|min|minutes?)$", RegexOptions.IgnoreCase)]
    private static partial Regex PlainMinutes();

    /// <summary>Minutes from "1:30", "1.5", "1,5 h" or "90 min"; null when it is none of these.</summary>
    public static int? ParseDuration(string? text)
    {
        var value = text?.Trim() ?? "";
        if (HoursAndMinutes().Match(value) is { Success: true } hm)
        {
            var minutes = int.Parse(hm.Groups["m"].Value, CultureInfo.InvariantCulture);
            return minutes < 60 ? int.Parse(hm.Groups["h"].Value, CultureInfo.InvariantCulture) * 60 + minutes : null;
        }
        if (DecimalHours().Match(value) is { Success: true } dh)
        {
            var hours = decimal.Parse(dh.Groups["h"].Value.Replace(',', '.'), CultureInfo.InvariantCulture);
            return (int)Math.Round(hours * 60m);
        }
        if (PlainMinutes().Match(value) is { Success: true } pm)
        {
            return int.Parse(pm.Groups["m"].Value, CultureInfo.InvariantCulture);
        }
        return null;
    }
}
