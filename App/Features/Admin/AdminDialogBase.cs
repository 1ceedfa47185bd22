using BlazorTickets.Features.Localization;
using BlazorTickets.Shared;
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

    protected FieldErrors Errors { get; private set; } = FieldErrors.None;

    protected bool Saving { get; private set; }

    protected bool HasError(string field) => Errors.Has(field);

    protected string? ErrorText(string field) => Errors.TextFor(field, L);

    protected string? GeneralError => ErrorText(FieldErrors.Form);

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

    protected void ShowError(string format, params object[] arguments) => Errors = FieldErrors.OfForm(format, arguments);

    /// <summary>Drops errors that no longer point at the right field, e.g. after a row of a list was removed.</summary>
    protected void ForgetErrors(Func<string, bool> isStale) =>
        Errors = Errors.Without(isStale);

    protected void Cancel() => Dialog.Cancel();
}
