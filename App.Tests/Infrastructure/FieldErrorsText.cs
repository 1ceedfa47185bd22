using BlazorTickets.Shared;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>Reads a field's errors the way a test compares them: the English text, messages joined by a space; null when the field has none.</summary>
public static class FieldErrorsText
{
    public static string? English(this FieldErrors errors, string field) =>
        errors.Has(field) ? string.Join(" ", errors.For(field)) : null;

    /// <summary>Field → its English text, to compare all of a result's errors at once.</summary>
    public static Dictionary<string, string> AsEnglish(this FieldErrors errors) =>
        errors.Keys.ToDictionary(field => field, field => errors.English(field)!);

    /// <summary>Every message in English, form-level ones first.</summary>
    public static IReadOnlyList<string> AllEnglish(this FieldErrors errors) => errors.All.Select(m => m.ToString()).ToList();
}
