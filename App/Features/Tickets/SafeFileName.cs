namespace BlazorTickets.Features.Tickets;

public static class SafeFileName
{
    private static readonly char[] Invalid = [.. Path.GetInvalidFileNameChars(), '\\', '/', ':', '*', '?', '"', '<', '>', '|'];

    /// <summary>A file name that cannot escape a folder, hide an extension behind control characters, or be empty.</summary>
    public static string From(string? name)
    {
        var cleaned = new string((name ?? "").Select(c => char.IsControl(c) || Invalid.Contains(c) ? '_' : c).ToArray()).Trim().Trim('.');
        if (cleaned.Length > 150)
        {
            var extension = Path.GetExtension(cleaned);
            cleaned = cleaned[..(150 - Math.Min(extension.Length, 20))] + (extension.Length <= 20 ? extension : "");
        }
        return cleaned.Length == 0 ? "attachment" : cleaned;
    }
}
