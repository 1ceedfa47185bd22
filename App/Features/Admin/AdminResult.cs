namespace BlazorTickets.Features.Admin;

/// <summary>
/// The outcome of an admin save or action. When <see cref="Errors"/> is not empty nothing was written.
/// Error keys are the edit model's property names, or <see cref="AdminResult.General"/> for errors that belong to no single field.
/// </summary>
public sealed record AdminResult<TKey>(TKey? Id, IReadOnlyDictionary<string, string> Errors)
{
    public bool Succeeded => Errors.Count == 0;

    public string? ErrorFor(string field) => Errors.GetValueOrDefault(field);
}

public static class AdminResult
{
    /// <summary>Error key for messages that belong to the whole form.</summary>
    public const string General = "";

    private static readonly IReadOnlyDictionary<string, string> NoErrors = new Dictionary<string, string>();

    public static AdminResult<TKey> Saved<TKey>(TKey id) => new(id, NoErrors);

    public static AdminResult<TKey> Invalid<TKey>(IReadOnlyDictionary<string, string> errors) => new(default, errors);

    public static AdminResult<TKey> Failed<TKey>(string message) => Invalid<TKey>(new Dictionary<string, string> { [General] = message });
}
