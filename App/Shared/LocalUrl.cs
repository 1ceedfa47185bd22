namespace BlazorTickets.Shared;

/// <summary>Which return addresses a redirect may follow: only paths on this site that also make a valid header.</summary>
public static class LocalUrl
{
    /// <summary>
    /// True for "/path?query" on this site. Refuses "//host" and "/\host" (browsers read both as another host), any
    /// backslash, and anything outside printable ASCII: such a Location header is refused by the server (a 500) or
    /// read differently by browsers (e.g. "。" as a dot).
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && url.All(c => c > ' ' && c < 0x7F && c != '\\');

    public static string OrDefault(string? url, string fallback) => IsLocal(url) ? url! : fallback;
}
