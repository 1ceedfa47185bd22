namespace BlazorTickets.Features.Mail.Display;

/// <summary>The image formats we show inline, recognised by their leading bytes.</summary>
public static class ImageFormats
{
    /// <summary>The content type of a PNG, JPEG, GIF or WebP image; null for anything else, SVG included.</summary>
    public static string? Detect(ReadOnlySpan<byte> content) => content switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'7' or (byte)'9', (byte)'a', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };
}
