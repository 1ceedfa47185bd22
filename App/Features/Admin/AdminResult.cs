using BlazorTickets.Shared;

namespace BlazorTickets.Features.Admin;

/// <summary>
/// The outcome of an admin save or action. When <see cref="Errors"/> is not empty nothing was written.
/// Error keys are the edit model's property names, or <see cref="FieldErrors.Form"/> for errors that belong to no single field.
/// </summary>
public sealed record AdminResult<TKey>(TKey? Id, FieldErrors Errors)
{
    public bool Succeeded => Errors.IsEmpty;
}

public static class AdminResult
{
    public static AdminResult<TKey> Saved<TKey>(TKey id) => new(id, FieldErrors.None);

    public static AdminResult<TKey> Invalid<TKey>(FieldErrors errors) => new(default, errors);

    public static AdminResult<TKey> Failed<TKey>(string format, params object[] arguments) => Invalid<TKey>(FieldErrors.OfForm(format, arguments));
}
