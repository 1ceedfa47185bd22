using System.Security.Cryptography;
using System.Text;
using AngleSharp.Html.Parser;
using MimeKit;
using MimeKit.IO;

namespace BlazorTickets.Features.Mail;

/// <summary>Where an attachment's encoded bytes sit in the raw message.</summary>
public sealed record RawRange(long Offset, long Length, ContentEncoding Encoding);

/// <summary>An attachment: a copy of its bytes, or (the usual case) its range of the raw message and its decoded size.</summary>
public sealed record ParsedAttachment(string FileName, string ContentType, byte[] Content, string? ContentId, RawRange? Range = null, long? DecodedSize = null)
{
    public long Size => DecodedSize ?? Content.LongLength;
}

/// <summary>What the importer needs of a message, read once with MimeKit.</summary>
public sealed record ParsedMail(
    string MessageKey,
    string? MessageId,
    string? InReplyTo,
    IReadOnlyList<string> References,
    string Subject,
    string? FromAddress,
    string FromName,
    string FromText,
    string To,
    string Cc,
    DateTime? Date,
    string TextBody,
    string? HtmlBody,
    IReadOnlyList<ParsedAttachment> Attachments,
    string? AutomaticReason)
{
    public bool IsAutomatic => AutomaticReason is not null;

    public static ParsedMail Parse(byte[] raw)
    {
        using var stream = new MemoryStream(raw, writable: false);
        // Persistent: parts keep pointing into the raw bytes instead of copies, which gives attachments their ranges.
        var message = MimeMessage.Load(new ParserOptions { CharsetEncoding = Encoding.UTF8 }, stream, persistent: true);
        return FromMessage(message, raw);
    }

    /// <param name="message">Loaded persistently from <paramref name="raw"/>: attachment ranges are offsets into it.</param>
    private static ParsedMail FromMessage(MimeMessage message, byte[] raw)
    {
        var from = message.From.Mailboxes.FirstOrDefault() ?? message.Sender;
        var html = message.HtmlBody;
        var text = (message.TextBody ?? (html is null ? "" : HtmlToText(html))).TrimEnd();
        return new ParsedMail(
            MessageKey: KeyOf(message, raw),
            MessageId: Clean(message.MessageId),
            InReplyTo: Clean(message.InReplyTo),
            References: message.References.Select(r => Clean(r)!).Where(r => r.Length > 0).ToList(),
            Subject: Clean(message.Subject) ?? "",
            FromAddress: from?.Address?.Trim().ToLowerInvariant() is { Length: > 0 } address ? address : null,
            FromName: Clean(from?.Name) ?? "",
            FromText: message.From.ToString(),
            To: message.To.ToString(),
            Cc: message.Cc.ToString(),
            Date: message.Headers.Contains(HeaderId.Date) ? message.Date.UtcDateTime : null,
            TextBody: text,
            HtmlBody: html,
            Attachments: AttachmentsOf(message, raw),
            AutomaticReason: AutomaticReasonOf(message));
    }

    private static string? Clean(string? value) =>
        value is null ? null : new string(value.Where(c => !char.IsControl(c) || c == '\t').ToArray()).Trim();

    /// <summary>The Message-ID, or a hash of the raw header block for a message without one.</summary>
    public static string KeyOf(MimeMessage message, byte[] raw)
    {
        var messageId = Clean(message.MessageId);
        if (!string.IsNullOrEmpty(messageId))
        {
            return messageId.Length <= 900 ? messageId : "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));
        }
        return "sha256:" + Convert.ToHexString(SHA256.HashData(HeaderBlock(raw)));
    }

    private static ReadOnlySpan<byte> HeaderBlock(byte[] raw)
    {
        var span = raw.AsSpan();
        var crlf = span.IndexOf("\r\n\r\n"u8);
        var lf = span.IndexOf("\n\n"u8);
        var end = (crlf, lf) switch
        {
            (>= 0, >= 0) => Math.Min(crlf, lf),
            (>= 0, _) => crlf,
            (_, >= 0) => lf,
            _ => span.Length,
        };
        return span[..end];
    }

    /// <summary>Why a message is an auto-reply, bounce or list mail; null for a person's mail.</summary>
    public static string? AutomaticReasonOf(MimeMessage message)
    {
        var headers = message.Headers;
        var autoSubmitted = headers[HeaderId.AutoSubmitted];
        if (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return $"Auto-Submitted: {autoSubmitted.Trim()}";
        }
        if (headers.Contains("X-Auto-Response-Suppress"))
        {
            return "X-Auto-Response-Suppress";
        }
        var precedence = headers[HeaderId.Precedence]?.Trim().ToLowerInvariant();
        if (precedence is "bulk" or "junk" or "list")
        {
            return $"Precedence: {precedence}";
        }
        if (headers.Contains("X-Loop"))
        {
            return "X-Loop";
        }
        if (message.Body is MultipartReport report
            && (report.ReportType?.Equals("delivery-status", StringComparison.OrdinalIgnoreCase) ?? true))
        {
            return "multipart/report (delivery status)";
        }
        if (message.Body is MultipartReport)
        {
            return "multipart/report";
        }
        return null;
    }

    private static List<ParsedAttachment> AttachmentsOf(MimeMessage message, byte[] raw)
    {
        var result = new List<ParsedAttachment>();
        var index = 0;
        foreach (var entity in message.BodyParts)
        {
            index++;
            if (entity is MessagePart messagePart)
            {
                using var memory = new MemoryStream();
                messagePart.Message?.WriteTo(memory);
                var subject = Clean(messagePart.Message?.Subject);
                var name = messagePart.ContentDisposition?.FileName ?? $"{(string.IsNullOrEmpty(subject) ? "message" : subject)}.eml";
                result.Add(new ParsedAttachment(name, "message/rfc822", memory.ToArray(), null));
                continue;
            }
            if (entity is not MimePart part || part.Content is null)
            {
                continue;
            }
            var isBodyText = !part.IsAttachment && part.ContentId is null && part is TextPart;
            if (isBodyText)
            {
                continue;
            }
            var fileName = Clean(part.FileName) is { Length: > 0 } f ? f : $"part-{index}{ExtensionOf(part.ContentType.MimeType)}";
            if (part.Content.Stream is BoundStream { BaseStream: MemoryStream, EndBoundary: >= 0 } bounded)
            {
                var range = new RawRange(bounded.StartBoundary, bounded.EndBoundary - bounded.StartBoundary, part.Content.Encoding);
                result.Add(new ParsedAttachment(fileName, part.ContentType.MimeType, [], Clean(part.ContentId), range, DecodedSizeOf(part.Content, raw, range)));
                continue;
            }
            using var content = new MemoryStream();
            part.Content.DecodeTo(content);
            result.Add(new ParsedAttachment(fileName, part.ContentType.MimeType, content.ToArray(), Clean(part.ContentId)));
        }
        return result;
    }

    /// <summary>Well-formed base64, the usual case, is measured without decoding; anything else is decoded to count.</summary>
    private static long DecodedSizeOf(IMimeContent content, byte[] raw, RawRange range)
    {
        if (range.Encoding == ContentEncoding.Base64
            && System.Buffers.Text.Base64.IsValid(raw.AsSpan((int)range.Offset, (int)range.Length), out var decodedLength))
        {
            return decodedLength;
        }
        using var measure = new MeasuringStream();
        content.DecodeTo(measure);
        return measure.Length;
    }

    private static string ExtensionOf(string mimeType) => mimeType.ToLowerInvariant() switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "text/html" => ".html",
        "text/plain" => ".txt",
        "application/pdf" => ".pdf",
        _ => ".bin",
    };

    private static string HtmlToText(string html)
    {
        if (HtmlComplexity.Measure(html).IsTooComplex)
        {
            return HtmlComplexity.PlainTextOf(html);
        }
        var document = new HtmlParser().ParseDocument(html);
        foreach (var hidden in document.QuerySelectorAll("script, style, head"))
        {
            hidden.Remove();
        }
        foreach (var lineBreak in document.QuerySelectorAll("br, p, div, tr, li, h1, h2, h3"))
        {
            lineBreak.Before(document.CreateTextNode("\n"));
        }
        var text = document.Body?.TextContent ?? document.DocumentElement?.TextContent ?? "";
        var lines = text.Replace("\r", "").Split('\n').Select(l => l.Trim());
        return string.Join("\n", lines).Trim();
    }
}
