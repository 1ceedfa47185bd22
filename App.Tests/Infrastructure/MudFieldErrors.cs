using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>Reads the error a MudBlazor input shows under itself, found by the data-testid of the input.</summary>
public static class MudFieldErrors
{
    public static string? FieldErrorText<T>(this IRenderedComponent<T> cut, string testId) where T : IComponent
    {
        var control = cut.Find($"[data-testid={testId}]").Closest(".mud-input-control")
            ?? throw new InvalidOperationException($"{testId} is not inside a MudBlazor input control.");
        var error = control.QuerySelector(".mud-input-helper-text.mud-input-error, .mud-input-error .mud-input-helper-text");
        return error?.TextContent.Trim() is { Length: > 0 } text ? text : null;
    }
}
