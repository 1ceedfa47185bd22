using BlazorTickets.Shared;
using BlazorTickets.Features.Localization;
using Microsoft.Extensions.Localization;
using MudBlazor;
using BlazorTickets.Features.TimeTracking.Components;

namespace BlazorTickets.Features.TimeTracking;

/// <summary>
/// Starting and stopping a timer as the agent sees it, for one circuit: asks before stopping another timer or a
/// timer that ran over 10 hours, and says what was recorded.
/// </summary>
public sealed class TimerActions(
    TimeTrackingService service,
    IDialogService dialogs,
    ISnackbar snackbar,
    IStringLocalizer<SharedResource> L)
{
    /// <summary>Starts the timer on a ticket; true if it runs there afterwards.</summary>
    public async Task<bool> StartAsync(string userId, int ticketId, string ticketTag)
    {
        var result = await service.StartAsync(userId, ticketId);
        for (var round = 0; round < 5; round++)
        {
            switch (result)
            {
                case StartTimerResult.Started started:
                    if (started.StoppedPrevious is { } previous)
                    {
                        ReportStopped(previous);
                    }
                    if (started.NotBillable)
                    {
                        snackbar.Add(L["This ticket has no consent to time tracking: the time is recorded as not billable."], Severity.Warning);
                    }
                    return true;
                case StartTimerResult.AlreadyRunningHere:
                    return true;
                case StartTimerResult.RunningElsewhere elsewhere:
                    var switchRequest = await AskAsync(elsewhere.Current, ticketTag);
                    if (switchRequest is null)
                    {
                        return false;
                    }
                    result = await service.StartAsync(userId, ticketId, switchRequest);
                    break;
                case StartTimerResult.StopFailed { Result: StopTimerResult.NeedsConfirmation confirm }:
                    var confirmed = await AskAsync(confirm.Timer, ticketTag);
                    if (confirmed is null)
                    {
                        return false;
                    }
                    result = await service.StartAsync(userId, ticketId, confirmed);
                    break;
                case StartTimerResult.StopFailed { Result: StopTimerResult.Invalid invalid }:
                    snackbar.Add(string.Join(" ", invalid.Errors.AllTexts(L)), Severity.Error);
                    return false;
                case StartTimerResult.StopFailed:
                    // The running timer was stopped elsewhere meanwhile: just start.
                    result = await service.StartAsync(userId, ticketId);
                    break;
                default:
                    snackbar.Add(L[TimeMessages.TicketNotFound], Severity.Error);
                    return false;
            }
        }
        return false;
    }

    /// <summary>Stops the agent's timer; a timer over 10 hours is confirmed or corrected first.</summary>
    public async Task<bool> StopAsync(string userId, RunningTimerInfo timer)
    {
        var request = new StopRequest(timer.Id);
        for (var round = 0; round < 5; round++)
        {
            switch (await service.StopAsync(userId, request))
            {
                case StopTimerResult.Stopped stopped:
                    ReportStopped(stopped);
                    return true;
                case StopTimerResult.NeedsConfirmation confirm:
                    var confirmed = await AskAsync(confirm.Timer, switchTo: null);
                    if (confirmed is null)
                    {
                        return false;
                    }
                    request = confirmed;
                    break;
                case StopTimerResult.Invalid invalid:
                    snackbar.Add(string.Join(" ", invalid.Errors.AllTexts(L)), Severity.Error);
                    return false;
                default:
                    snackbar.Add(L[TimeMessages.TimerNotRunning], Severity.Info);
                    return false;
            }
        }
        return false;
    }

    private async Task<StopRequest?> AskAsync(RunningTimerInfo timer, string? switchTo)
    {
        var parameters = new DialogParameters<StopTimerDialog>
        {
            { d => d.Timer, timer },
            { d => d.SwitchTo, switchTo },
        };
        var title = switchTo is null ? L["Stop the timer"] : L["Switch the timer"];
        var dialog = await dialogs.ShowAsync<StopTimerDialog>(title, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: StopRequest request } ? request : null;
    }

    private void ReportStopped(StopTimerResult.Stopped stopped)
    {
        var message = string.Format(L["Recorded {0} h on {1}."], TimeFormat.Minutes(stopped.Entry.Minutes), stopped.Timer.TicketTag);
        snackbar.Add(stopped.Entry.Billable ? message : $"{message} {L["Not billable."]}", Severity.Success);
    }
}
