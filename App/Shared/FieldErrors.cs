using System.Collections;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Shared;

/// <summary>
/// The errors of a refused save or action: for each field of the edit model (by its property name) the messages that
/// belong to it, and under <see cref="Form"/> those that belong to no single field. Services build it; pages bind a
/// field's messages to its input with <see cref="Has"/> and <see cref="TextFor"/>.
/// </summary>
public sealed class FieldErrors : IReadOnlyDictionary<string, IReadOnlyList<ErrorMessage>>, IEquatable<FieldErrors>
{
    /// <summary>The key for messages that belong to the whole form.</summary>
    public const string Form = "";

    private readonly Dictionary<string, List<ErrorMessage>> byField = new(StringComparer.Ordinal);

    /// <summary>No errors; never add to it.</summary>
    public static FieldErrors None { get; } = new();

    public static FieldErrors Of(string field, string format, params object[] arguments) => new FieldErrors().Add(field, format, arguments);

    public static FieldErrors OfForm(string format, params object[] arguments) => Of(Form, format, arguments);

    public bool IsEmpty => byField.Count == 0;

    public int Count => byField.Count;

    public FieldErrors Add(string field, ErrorMessage message)
    {
        if (ReferenceEquals(this, None))
        {
            throw new InvalidOperationException("FieldErrors.None is shared; create new FieldErrors to add to.");
        }
        if (!byField.TryGetValue(field, out var messages))
        {
            byField[field] = messages = [];
        }
        if (!messages.Contains(message))
        {
            messages.Add(message);
        }
        return this;
    }

    public FieldErrors Add(string field, string format, params object[] arguments) => Add(field, new ErrorMessage(format, arguments));

    public FieldErrors AddForm(string format, params object[] arguments) => Add(Form, format, arguments);

    /// <summary>Adds <paramref name="message"/> unless <paramref name="field"/> already has one: the first problem of a field is the one to fix.</summary>
    public FieldErrors AddIfFirst(string field, string format, params object[] arguments) =>
        Has(field) ? this : Add(field, format, arguments);

    public FieldErrors AddRange(FieldErrors other)
    {
        foreach (var (field, messages) in other.byField)
        {
            foreach (var message in messages)
            {
                Add(field, message);
            }
        }
        return this;
    }

    public bool Has(string field) => byField.ContainsKey(field);

    /// <summary>Forgets a field's messages, e.g. of a field that does not matter for a connection test.</summary>
    public FieldErrors Remove(string field)
    {
        byField.Remove(field);
        return this;
    }

    /// <summary>Every message, form-level ones first.</summary>
    public IEnumerable<ErrorMessage> All => byField.OrderBy(e => e.Key == Form ? 0 : 1).SelectMany(e => e.Value);

    public IReadOnlyList<ErrorMessage> For(string field) => byField.TryGetValue(field, out var messages) ? messages : [];

    public IReadOnlyList<ErrorMessage> FormErrors => For(Form);

    /// <summary>The field's messages in the reader's language, one after the other; null when the field has none (MudBlazor's ErrorText).</summary>
    public string? TextFor(string field, IStringLocalizer localizer) =>
        byField.TryGetValue(field, out var messages) ? string.Join(" ", messages.Select(m => m.Localize(localizer))) : null;

    /// <summary>Every message, form-level ones first, in the reader's language.</summary>
    public IEnumerable<string> AllTexts(IStringLocalizer localizer) => All.Select(m => m.Localize(localizer));

    /// <summary>The errors without the fields that match <paramref name="isStale"/>, e.g. after a row of a list was removed.</summary>
    public FieldErrors Without(Func<string, bool> isStale)
    {
        var kept = new FieldErrors();
        foreach (var (field, messages) in byField.Where(e => !isStale(e.Key)))
        {
            messages.ForEach(m => kept.Add(field, m));
        }
        return kept;
    }

    /// <summary>The same fields with the same messages: results that carry errors compare by what they say.</summary>
    public bool Equals(FieldErrors? other) =>
        other is not null && byField.Count == other.byField.Count
        && byField.All(e => other.byField.TryGetValue(e.Key, out var messages) && messages.SequenceEqual(e.Value));

    public override bool Equals(object? obj) => Equals(obj as FieldErrors);

    public override int GetHashCode() => byField.Keys.Aggregate(byField.Count, (hash, key) => hash ^ StringComparer.Ordinal.GetHashCode(key));

    public override string ToString() =>
        string.Join("; ", byField.Select(e => $"{(e.Key == Form ? "(form)" : e.Key)}: {string.Join(" ", e.Value)}"));

    IReadOnlyList<ErrorMessage> IReadOnlyDictionary<string, IReadOnlyList<ErrorMessage>>.this[string key] => byField[key];

    public IEnumerable<string> Keys => byField.Keys;

    IEnumerable<IReadOnlyList<ErrorMessage>> IReadOnlyDictionary<string, IReadOnlyList<ErrorMessage>>.Values => byField.Values;

    bool IReadOnlyDictionary<string, IReadOnlyList<ErrorMessage>>.ContainsKey(string key) => Has(key);

    bool IReadOnlyDictionary<string, IReadOnlyList<ErrorMessage>>.TryGetValue(string key, out IReadOnlyList<ErrorMessage> value)
    {
        var found = byField.TryGetValue(key, out var messages);
        value = messages ?? (IReadOnlyList<ErrorMessage>)[];
        return found;
    }

    public IEnumerator<KeyValuePair<string, IReadOnlyList<ErrorMessage>>> GetEnumerator() =>
        byField.Select(e => new KeyValuePair<string, IReadOnlyList<ErrorMessage>>(e.Key, e.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
