using System.Globalization;
using System.Text.RegularExpressions;

namespace BlazorTickets.Features.Mail;

/// <summary>Our outgoing Message-IDs carry the ticket number, so a reply threads even when its subject was changed.</summary>
public static partial class OutgoingMessageIds
{
    public static string Create(int ticketNumber, string senderAddress)
    {
        var at = senderAddress.LastIndexOf('@');
        var domain = at >= 0 && at < senderAddress.Length - 1 ? senderAddress[(at + 1)..] : "blazortickets.local";
        return $"bt.{ticketNumber.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}@{domain}";
    }

    [GeneratedRegex(@"^<?bt\.(\d{1,9})\.[0-9a-f]{32}@", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool TryParseTicketNumber(string messageId, out int ticketNumber)
    {
        var match = Pattern().Match(messageId);
        ticketNumber = 0;
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out ticketNumber);
    }
}
