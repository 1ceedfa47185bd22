using BlazorTickets.Features.Users;

namespace BlazorTickets.Features.Tickets;

public enum MessageDirection
{
    Inbound = 0,
    Outbound = 1,
    InternalNote = 2,
}

public class TicketMessage
{
    public int Id { get; set; }
    public int TicketId { get; set; }
    public Ticket Ticket { get; set; } = null!;
    public MessageDirection Direction { get; set; }
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string Cc { get; set; } = "";
    public string Subject { get; set; } = "";
    public DateTime Date { get; set; }
    public string TextBody { get; set; } = "";
    public string? HtmlBody { get; set; }
    public string? MessageId { get; set; }
    public string? InReplyTo { get; set; }
    public string? References { get; set; }
    public byte[]? RawMime { get; set; }
    /// <summary>An auto-reply or bounce: stored, but it never reopens a ticket or triggers anything.</summary>
    public bool IsAutomatic { get; set; }
    /// <summary>The agent who wrote an outbound message or an internal note.</summary>
    public string? AuthorId { get; set; }
    public AppUser? Author { get; set; }
    public List<Attachment> Attachments { get; set; } = [];
}

public class Attachment
{
    public int Id { get; set; }
    public int MessageId { get; set; }
    public TicketMessage Message { get; set; } = null!;
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "application/octet-stream";
    public long Size { get; set; }
    /// <summary>The bytes, unless they are a range of the message's raw MIME (see <see cref="RawContentOffset"/>).</summary>
    public byte[] Content { get; set; } = [];
    public string? ContentId { get; set; }

    /// <summary>
    /// Where a received attachment sits, still encoded, in <see cref="TicketMessage.RawMime"/>. Mail in stores the
    /// raw message anyway; a decoded copy would write every attachment twice.
    /// </summary>
    public long? RawContentOffset { get; set; }
    public long? RawContentLength { get; set; }
    /// <summary>The Content-Transfer-Encoding to undo, as MimeKit's <c>ContentEncoding</c> name.</summary>
    public string? RawContentEncoding { get; set; }
}
