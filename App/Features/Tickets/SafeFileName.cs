namespace BlazorTickets.Features.Tickets;

public static class SafeFileName
{
    private static readonly char[] Invalid = [.. Path.GetInvalidFileNameChars(), '\\', '/', ':', '*', '?', '"', '<', '>', '|'];

    /// <summary>A file name that cannot escape a folder, hide an extension behind control characters, or be empty.</summary>
    public static string From(string? name)
    {
        var cleaned = new string((name ?? "")
            .Where(c => !IsBidiControl(c))
            .Select(c => char.IsControl(c) || Invalid.Contains(c) ? '_' : c)
            .ToArray()).Trim().Trim('.');
        if (cleaned.Length > 150)
        {
            var extension = Path.GetExtension(cleaned);
            cleaned = cleaned[..(150 - Math.Min(extension.Length, 20))] + (extension.Length <= 20 ? extension : "");
        }
        return cleaned.Length == 0 ? "attachment" : cleaned;
    }

    /// <summary>Marks, embeddings, overrides and isolates: "invoice\u202Efdp.exe" shows as "invoiceexe.pdf".</summary>
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
