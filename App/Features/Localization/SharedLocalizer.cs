using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Features.Localization;

/// <summary>
/// The app's localizer for <see cref="SharedResource"/>. Besides plain keys it translates messages that were formatted
/// in English before they reached the page (<see cref="Text.Of(string, object?[])"/>, stored run results, quarantine
/// reasons): it finds the translated format the message was made from and formats the German with the same values.
/// </summary>
public sealed class SharedLocalizer(IStringLocalizerFactory factory) : IStringLocalizer<SharedResource>
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<FormatKey>> FormatsByCulture = new();
    private readonly IStringLocalizer inner = factory.Create(typeof(SharedResource));

    public LocalizedString this[string name]
    {
        get
        {
            var found = inner[name];
            return found.ResourceNotFound && TranslateFormatted(name, depth: 0) is { } german ? new LocalizedString(name, german) : found;
        }
    }

    public LocalizedString this[string name, params object[] arguments] => inner[name, arguments];

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);

    private string? TranslateFormatted(string message, int depth)
    {
        if (depth > 3 || message.Length == 0 || CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en")
        {
            return null;
        }
        foreach (var format in Formats())
        {
            Match match;
            try
            {
                match = format.Pattern.Match(message);
            }
            catch (RegexMatchTimeoutException)
            {
                continue;
            }
            if (!match.Success)
            {
                continue;
            }
            var values = new object?[format.ArgumentCount];
            for (var i = 0; i < values.Length; i++)
            {
                var value = match.Groups["a" + i].Value;
                // A value may itself be a message (a fetch result that carries its error).
                values[i] = Translate(value, depth + 1);
            }
            return string.Format(CultureInfo.CurrentCulture, format.German, values);
        }
        return null;
    }

    private string Translate(string value, int depth)
    {
        var found = inner[value];
        return !found.ResourceNotFound ? found.Value : TranslateFormatted(value, depth) ?? value;
    }

    private IReadOnlyList<FormatKey> Formats() =>
        FormatsByCulture.GetOrAdd(CultureInfo.CurrentUICulture.Name, _ =>
        {
            try
            {
                return inner.GetAllStrings(includeParentCultures: true)
                    .Select(s => FormatKey.From(s.Name, s.Value))
                    .OfType<FormatKey>()
                    // The most specific format first: "Re: {0}" must not swallow a longer message.
                    .OrderByDescending(f => f.LiteralLength)
                    .ToList();
            }
            catch (Exception ex) when (ex is System.Resources.MissingManifestResourceException or InvalidOperationException)
            {
                return [];
            }
        });

    private sealed record FormatKey(Regex Pattern, int ArgumentCount, int LiteralLength, string German)
    {
        private static readonly Regex Placeholder = new(@"\{\{|\}\}|\{(\d+)(?:[,:][^}]*)?\}");

        public static FormatKey? From(string english, string german)
        {
            var pattern = new StringBuilder("^");
            var seen = new HashSet<int>();
            var literal = 0;
            var last = 0;
            foreach (Match m in Placeholder.Matches(english))
            {
                var text = english[last..m.Index];
                pattern.Append(Regex.Escape(text));
                literal += text.Length;
                last = m.Index + m.Length;
                if (!m.Groups[1].Success)
                {
                    pattern.Append(Regex.Escape(m.Value[..1]));
                    literal++;
                    continue;
                }
                var index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                pattern.Append(seen.Add(index) ? $"(?<a{index}>.*?)" : $@"\k<a{index}>");
            }
            var rest = english[last..];
            pattern.Append(Regex.Escape(rest)).Append('$');
            literal += rest.Length;
            if (seen.Count == 0 || literal < 3)
            {
                return null;
            }
            return new FormatKey(new Regex(pattern.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50)),
                seen.Max() + 1, literal, german);
        }
    }
}
