using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Shared;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Features.TimeTracking.Components;

/// <summary>
/// The ticket's time section without its markup: the entries shown, the agent's timer, the entry form and what saving
/// or deleting an entry does to them. <see cref="Changed"/> asks the component to render after a load.
/// </summary>
public sealed class TicketTimeState(
    TimeTrackingService timeTracking, TimerActions actions, RunningTimerRegistry registry, IStringLocalizer<SharedResource> localizer)
{
    private bool reloading;
    private bool reloadWanted;

    public int TicketId { get; private set; }
    public TicketTime? Time { get; private set; }
    public Actor? Actor { get; private set; }
    public RunningTimerInfo? MyTimer { get; private set; }
    public TimeEntryInput? Form { get; private set; }
    public FieldErrors Errors { get; private set; } = FieldErrors.None;

    /// <summary>Why the last change was refused, in the agent's language; null when nothing was.</summary>
    public string? Message { get; set; }

    /// <summary>The entry whose delete waits for a confirmation.</summary>
    public int? ConfirmDeleteId { get; set; }

    public bool Busy { get; private set; }

    public event Action? Changed;

    public bool MyTimerHere => MyTimer is not null && MyTimer.TicketId == TicketId;

    public async Task SignInAsync(Actor? actor)
    {
        Actor = actor;
        if (actor is not null)
        {
            await registry.EnsureLoadedAsync();
            MyTimer = registry.Of(actor.UserId);
        }
    }

    /// <summary>Shows another ticket; the same one again changes nothing.</summary>
    public async Task ShowAsync(int ticketId)
    {
        TicketId = ticketId;
        if (Time?.TicketId != ticketId)
        {
            Form = null;
            Message = null;
            await ReloadAsync();
        }
    }

    public void TimersChanged() => MyTimer = registry.Of(Actor?.UserId);

    /// <summary>
    /// Loads run one at a time; a reload asked for during a load brings one more, so an older load finishing late can
    /// never overwrite a newer one.
    /// </summary>
    public async Task ReloadAsync()
    {
        reloadWanted = true;
        if (reloading)
        {
            return;
        }
        reloading = true;
        try
        {
            while (reloadWanted)
            {
                reloadWanted = false;
                var loadedFor = TicketId;
                var loaded = await timeTracking.GetTicketTimeAsync(loadedFor);
                if (loadedFor == TicketId)
                {
                    Time = loaded;
                }
                else
                {
                    reloadWanted = true;
                }
                Changed?.Invoke();
            }
        }
        finally
        {
            reloading = false;
        }
    }

    public async Task StartTimerAsync()
    {
        if (Actor is null || Time is null)
        {
            return;
        }
        Busy = true;
        try
        {
            await actions.StartAsync(Actor.UserId, TicketId, Ticket.FormatNumber(Time.TicketNumber));
            MyTimer = registry.Of(Actor.UserId);
        }
        finally
        {
            Busy = false;
        }
    }

    public async Task StopTimerAsync()
    {
        if (Actor is null || MyTimer is null)
        {
            return;
        }
        Busy = true;
        try
        {
            await actions.StopAsync(Actor.UserId, MyTimer);
            MyTimer = registry.Of(Actor.UserId);
            await ReloadAsync();
        }
        finally
        {
            Busy = false;
        }
    }

    public void NewEntry()
    {
        if (Time is null)
        {
            return;
        }
        Form = timeTracking.NewInput(TicketId, Time.TimeTrackingAllowed);
        Errors = FieldErrors.None;
        Message = null;
    }

    public void Edit(TimeEntryView entry)
    {
        Form = timeTracking.ToInput(entry);
        Errors = FieldErrors.None;
        Message = null;
    }

    public void CancelForm()
    {
        Form = null;
        Errors = FieldErrors.None;
    }

    public bool MayChange(TimeEntryView entry) => Actor is not null && TimeTrackingService.CanEdit(entry, Actor);

    public async Task SaveAsync()
    {
        if (Form is null || Actor is null)
        {
            return;
        }
        Busy = true;
        try
        {
            switch (await timeTracking.SaveEntryAsync(Form, Actor))
            {
                case TimeEntryResult.Saved:
                    Form = null;
                    Errors = FieldErrors.None;
                    Message = null;
                    await ReloadAsync();
                    break;
                case TimeEntryResult.Invalid invalid:
                    // The form stays open with what was typed, so nothing is lost.
                    Errors = invalid.Errors;
                    break;
                case TimeEntryResult.Refused refused:
                    Message = refused.Errors.TextFor(FieldErrors.Form, localizer);
                    await ReloadAsync();
                    break;
            }
        }
        finally
        {
            Busy = false;
        }
    }

    public async Task DeleteAsync(TimeEntryView entry)
    {
        if (Actor is null)
        {
            return;
        }
        ConfirmDeleteId = null;
        if (await timeTracking.DeleteEntryAsync(entry.Id, TicketId, Actor) is TimeEntryResult.Refused refused)
        {
            Message = refused.Errors.TextFor(FieldErrors.Form, localizer);
        }
        if (Form?.Id == entry.Id)
        {
            Form = null;
        }
        await ReloadAsync();
    }
}
