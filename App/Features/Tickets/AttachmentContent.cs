using MimeKit;

namespace BlazorTickets.Features.Tickets;

/// <summary>An attachment's name, type and bytes, whether it was stored as a copy or as a range of the raw message.</summary>
public sealed record AttachmentContent(
    string FileName, string ContentType, byte[] Content, long? RawContentOffset, long? RawContentLength, string? RawContentEncoding, byte[]? RawMime)
{
    /// <summary>Selects what <see cref="Bytes"/> needs; the raw message is only loaded for an attachment stored as a range of it.</summary>
    public static IQueryable<AttachmentContent> Of(IQueryable<Attachment> attachments) =>
        attachments.Select(a => new AttachmentContent(
            a.FileName, a.ContentType, a.Content, a.RawContentOffset, a.RawContentLength, a.RawContentEncoding,
            a.RawContentOffset != null ? a.Message.RawMime : null));

    public byte[] Bytes()
    {
        if (RawContentOffset is not long offset || RawContentLength is not long length || RawMime is null)
        {
            return Content;
        }
        var encoding = Enum.TryParse<ContentEncoding>(RawContentEncoding, out var parsed) ? parsed : ContentEncoding.Default;
        using var encoded = new MemoryStream(RawMime, (int)offset, (int)length, writable: false);
        using var decoded = new MemoryStream();
        new MimeContent(encoded, encoding).DecodeTo(decoded);
        return decoded.ToArray();
    }
}
