using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tickets;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Features.Desk;

/// <summary>What the due column shows: the state, and the time left (or overdue) in whole minutes.</summary>
public readonly record struct SlaDue(SlaState State, string Text)
{
    public static SlaDue Of(TicketListRow row, DateTime utcNow, IStringLocalizer<SharedResource> l)
    {
        var state = row.SlaStateAt(utcNow);
        if (state == SlaState.None)
        {
            return new SlaDue(state, "");
        }
        var left = row.SlaDueAt - utcNow;
        var span = Span(left.Duration(), l);
        return new SlaDue(state, left > TimeSpan.Zero ? span : string.Format(l["{0} overdue"], span));
    }

    private static string Span(TimeSpan span, IStringLocalizer<SharedResource> l)
    {
        var minutes = (long)Math.Ceiling(span.TotalMinutes);
        return minutes switch
        {
            < 60 => string.Format(l["{0} min"], minutes),
            < 24 * 60 => string.Format(l["{0} h {1} min"], minutes / 60, minutes % 60),
            _ => string.Format(l["{0} d {1} h"], minutes / (24 * 60), minutes % (24 * 60) / 60),
        };
    }
}
