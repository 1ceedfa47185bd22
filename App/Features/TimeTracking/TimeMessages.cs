namespace BlazorTickets.Features.TimeTracking;

/// <summary>
/// The messages the time-tracking services return. They are English keys of SharedResource; components show them
/// through the localizer, and a test checks that each one has a German entry.
/// </summary>
public static class TimeMessages
{
    public const string DateRequired = "Enter a valid date.";
    public const string DateInFuture = "The date cannot be in the future.";
    public const string StartRequired = "Enter the start time, e.g. 09:30.";
    public const string EndRequired = "Enter the end time, e.g. 11:00.";
    public const string EndBeforeStart = "The end must be after the start.";
    public const string TimeDoesNotExist = "This time does not exist on that day (clock change).";
    public const string DurationRequired = "Enter the duration as hours and minutes, e.g. 1:30, or as hours, e.g. 1.5.";
    public const string DurationTooShort = "The duration must be at least one minute.";
    public const string EntryTooLong = "A time entry can be at most 24 hours.";
    public const string NoteTooLong = "The note may have at most 2,000 characters.";
    public const string NotBillableWithoutConsent = "This ticket has no consent to time tracking, so its time cannot be billable.";

    public const string EntryNotFound = "This time entry no longer exists.";
    public const string EntryNotYours = "You can only change your own time entries; team leads can change anyone's.";
    public const string EntryBilled = "This time entry is billed and can no longer be changed or deleted.";
    public const string TicketNotFound = "This ticket does not exist.";

    public const string CorrectionTooShort = "The corrected time must be at least one minute.";
    public const string CorrectionLongerThanTimer = "The corrected time cannot be longer than the timer ran.";
    public const string TimerNotRunning = "This timer is no longer running.";

    public static IEnumerable<string> All() =>
        typeof(TimeMessages).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
}
