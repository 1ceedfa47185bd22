using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace BlazorTickets.Features.Replies;

/// <summary>Subject, quote and HTML rules of a reply; pure, so they are tested without a server.</summary>
public static partial class ReplyText
{
    [GeneratedRegex(@"^\s*((re|aw|antw|wg|fw|fwd|sv|vs)(\[\d+\])?\s*:\s*)+", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefixes();

    /// <summary>"Re: " once in front of the original subject, whatever prefixes it had, and the ticket tag in it.</summary>
    public static string ReplySubject(string originalSubject, string ticketTag)
    {
        var core = ReplyPrefixes().Replace(originalSubject ?? "", "").Trim();
        var subject = core.Length == 0 ? "Re:" : $"Re: {core}";
        return WithTag(subject, ticketTag);
    }

    public static string WithTag(string subject, string ticketTag)
    {
        var tag = $"[{ticketTag}]";
        return subject.Contains(tag, StringComparison.Ordinal) ? subject.Trim() : $"{subject.Trim()} {tag}";
    }

    /// <summary>The original as "&gt; " lines under a short attribution.</summary>
    public static string Quote(string? from, DateTime? date, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }
        var builder = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(from))
        {
            var when = date is DateTime d ? d.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " : "";
            builder.Append(when).Append(from).Append(':').Append('\n');
        }
        foreach (var line in text.Replace("\r\n", "\n").TrimEnd().Split('\n'))
        {
            builder.Append(line.StartsWith('>') ? ">" : "> ").Append(line).Append('\n');
        }
        return builder.ToString().TrimEnd('\n');
    }

    /// <summary>Simple HTML of plain text: encoded, blank lines make paragraphs, single breaks stay breaks.</summary>
    public static string ToHtml(string text)
    {
        var paragraphs = Regex.Split(text.Replace("\r\n", "\n").Trim('\n'), @"\n\s*\n");
        var body = string.Concat(paragraphs
            .Where(p => p.Length > 0)
            .Select(p => "<p>" + string.Join("<br>\n", p.Split('\n').Select(WebUtility.HtmlEncode)) + "</p>\n"));
        return $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif\">\n{body}</body></html>";
    }
}

/// <summary>The {{name}} placeholders of reply templates and the reply text block.</summary>
public static partial class ReplyPlaceholders
{
    public const string Message = "message";
    public const string QuotedOriginal = "quoted_original";
    public const string Signature = "signature";
    public const string TicketNumber = "ticket_number";
    public const string Subject = "subject";
    public const string CustomerName = "customer_name";
    public const string AgentName = "agent_name";
    public const string ExpectedDate = "expected_date";

    public static readonly IReadOnlyList<string> Known =
        [Message, QuotedOriginal, Signature, TicketNumber, Subject, CustomerName, AgentName, ExpectedDate];

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}")]
    private static partial Regex Placeholder();

    /// <param name="Empty">Known placeholders that filled to nothing (no expected date on the ticket): the text around them may read wrong.</param>
    public sealed record Result(string Text, IReadOnlyList<string> Unknown, IReadOnlyList<string>? Empty = null)
    {
        public IReadOnlyList<string> Empty { get; init; } = Empty ?? [];
    }

    /// <summary>What the agent reads for a placeholder (English, translated by the UI).</summary>
    public static string DisplayName(string name) => name switch
    {
        Message => "Message",
        QuotedOriginal => "Quoted original",
        Signature => "Signature",
        TicketNumber => "Ticket number",
        Subject => "Subject",
        CustomerName => "Customer name",
        AgentName => "Agent name",
        ExpectedDate => "Expected processing date",
        _ => name,
    };

    /// <summary>
    /// Fills the placeholders it has values for. Unknown ones stay in the text, so the agent sees where, and are listed.
    /// A placeholder known but without a value (no customer on the ticket) becomes empty.
    /// </summary>
    public static Result Fill(string template, IReadOnlyDictionary<string, string?> values)
    {
        var unknown = new List<string>();
        var empty = new List<string>();
        var text = Placeholder().Replace(template ?? "", match =>
        {
            var name = match.Groups[1].Value.ToLowerInvariant();
            if (values.TryGetValue(name, out var value))
            {
                if (string.IsNullOrWhiteSpace(value) && !empty.Contains(name))
                {
                    empty.Add(name);
                }
                return value ?? "";
            }
            if (!unknown.Contains(match.Value))
            {
                unknown.Add(match.Value);
            }
            return match.Value;
        });
        return new Result(text, unknown, empty);
    }

    /// <summary>Every placeholder still in a text; a reply with any left is not sent.</summary>
    public static IReadOnlyList<string> Remaining(string text) =>
        Placeholder().Matches(text ?? "").Select(m => m.Value).Distinct().ToList();
}
