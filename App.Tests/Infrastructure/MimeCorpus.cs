using System.Text;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// The real-world messages in ../shared/corpus/mime (MimeKit's and mailparser's test data), mbox files split into
/// their messages. Shared by the ingestion tests and the ingest benchmark.
/// </summary>
public static class MimeCorpus
{
    public sealed record Item(string Name, byte[] Raw);

    /// <summary>Beside the checkout, or where BLAZORTICKETS_MIME_CORPUS points (a git worktree elsewhere has no such sibling).</summary>
    public static string Folder => Path.GetFullPath(
        Environment.GetEnvironmentVariable("BLAZORTICKETS_MIME_CORPUS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Repository.Root, "..", "shared", "corpus", "mime"));

    public static IReadOnlyList<Item> Messages()
    {
        if (!Directory.Exists(Folder))
        {
            throw new DirectoryNotFoundException($"The MIME corpus is missing at {Folder}; it comes with the shared folder beside the repository.");
        }
        var items = new List<Item>();
        foreach (var path in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(Folder, path);
            if (Path.GetFileName(path) is "LICENSE" or "SOURCES.md")
            {
                continue;
            }
            var raw = File.ReadAllBytes(path);
            if (path.Contains(".mbox", StringComparison.Ordinal))
            {
                var parts = SplitMbox(raw);
                items.AddRange(parts.Select((part, i) => new Item($"{name}#{i + 1}", part)));
            }
            else
            {
                items.Add(new Item(name, raw));
            }
        }
        return items;
    }

    /// <summary>Splits on lines starting with "From " (mboxrd/mboxo), dropping the separator line itself.</summary>
    public static List<byte[]> SplitMbox(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw);
        var messages = new List<byte[]>();
        var current = new StringBuilder();
        var started = false;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("From ", StringComparison.Ordinal))
            {
                if (started && current.Length > 0)
                {
                    messages.Add(Encoding.Latin1.GetBytes(current.ToString()));
                }
                current.Clear();
                started = true;
                continue;
            }
            if (started)
            {
                current.Append(line).Append('\n');
            }
        }
        if (started && current.Length > 0)
        {
            messages.Add(Encoding.Latin1.GetBytes(current.ToString()));
        }
        return messages;
    }
}
