using BlazorTickets.Features.Localization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace BlazorTickets.Features.Admin;

/// <summary>What every admin edit dialog shares: the dialog instance, the errors of the last save and their display.</summary>
public abstract class AdminDialogBase : ComponentBase
{
    /// <summary>How every admin edit dialog opens; a stray click beside it must not throw the input away.</summary>
    public static DialogOptions Options(MaxWidth maxWidth = MaxWidth.Small) =>
        new() { MaxWidth = maxWidth, FullWidth = true, CloseOnEscapeKey = true, BackdropClick = false, CloseButton = true };

    [CascadingParameter]
    protected IMudDialogInstance Dialog { get; set; } = default!;

    [Inject]
    protected IStringLocalizer<SharedResource> L { get; set; } = default!;

    protected IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    protected bool Saving { get; private set; }

    protected bool HasError(string field) => Errors.ContainsKey(field);

    protected string? ErrorText(string field) => Errors.TryGetValue(field, out var message) ? L[message].Value : null;

    protected string? GeneralError => ErrorText(AdminResult.General);

    /// <summary>Runs a save; closes the dialog when it succeeded, otherwise keeps the input and shows the errors.</summary>
    protected async Task SaveWithAsync<TKey>(Func<Task<AdminResult<TKey>>> save)
    {
        if (Saving)
        {
            return;
        }
        Saving = true;
        try
        {
            var result = await save();
            Errors = result.Errors;
            if (result.Succeeded)
            {
                Dialog.Close(DialogResult.Ok(result.Id));
            }
        }
        finally
        {
            Saving = false;
        }
    }

    protected void ShowError(string message) => Errors = new Dictionary<string, string> { [AdminResult.General] = message };

    /// <summary>Drops errors that no longer point at the right field, e.g. after a row of a list was removed.</summary>
    protected void ForgetErrors(Func<string, bool> isStale) =>
        Errors = Errors.Where(e => !isStale(e.Key)).ToDictionary(e => e.Key, e => e.Value);

    protected void Cancel() => Dialog.Cancel();
}
