using BlazorTickets.Shared;

namespace BlazorTickets.Features.Tickets.Components;

/// <summary>
/// The information panel's edit of one ticket: what the agent changed, how a save by someone else is merged in or
/// reported as a conflict, the date and time fields typed as text, and the marks on invalid fields.
/// </summary>
public sealed class InformationPanelState(TicketService tickets)
{
    // Typed text that is not a date and time; kept apart so the next validation does not forget it.
    private readonly Dictionary<string, string> unreadableInput = [];

    /// <summary>The ticket as the agent started editing it (or last saved it).</summary>
    public TicketEdit Original { get; private set; } = new();
    public TicketEdit Edit { get; private set; } = new();
    public FieldErrors Errors { get; private set; } = FieldErrors.None;
    public string? ProcessingStartText { get; private set; }
    public string? ProcessingEndText { get; private set; }
    public SaveTicketResult.Conflict? Conflict { get; private set; }

    /// <summary>Someone else saved a field the agent is editing; the save will show the differences.</summary>
    public bool ChangedElsewhere { get; private set; }
    public bool Saving { get; private set; }
    public bool SavedMessage { get; private set; }

    public bool IsDirty => TicketValidation.Differences(Original, Edit).Any();

    /// <summary>
    /// Takes the ticket as last loaded from the database: another ticket, or an unedited form, is loaded as it is;
    /// into an edited form only the fields the agent has not touched follow the other save.
    /// </summary>
    public void Follow(TicketEdit ticket)
    {
        if (ticket.Version == Original.Version && ticket.Id == Original.Id)
        {
            return;
        }
        if (ticket.Id != Original.Id || (!IsDirty && unreadableInput.Count == 0))
        {
            Load(ticket);
            return;
        }
        var touchedChangedElsewhere = TicketEditMerge.TakeUntouched(Original, Edit, ticket);
        if (!touchedChangedElsewhere.Contains(nameof(TicketEdit.ProcessingStart)) && !unreadableInput.ContainsKey(nameof(TicketEdit.ProcessingStart)))
        {
            ProcessingStartText = DateTimeLocal.Format(Edit.ProcessingStart);
        }
        if (!touchedChangedElsewhere.Contains(nameof(TicketEdit.ProcessingEnd)) && !unreadableInput.ContainsKey(nameof(TicketEdit.ProcessingEnd)))
        {
            ProcessingEndText = DateTimeLocal.Format(Edit.ProcessingEnd);
        }
        if (Conflict is null && touchedChangedElsewhere.Count > 0)
        {
            ChangedElsewhere = true;
        }
    }

    private void Load(TicketEdit ticket)
    {
        Original = ticket.Clone();
        Edit = ticket.Clone();
        ProcessingStartText = DateTimeLocal.Format(Edit.ProcessingStart);
        ProcessingEndText = DateTimeLocal.Format(Edit.ProcessingEnd);
        unreadableInput.Clear();
        Errors = FieldErrors.None;
        Conflict = null;
        ChangedElsewhere = false;
    }

    /// <summary>A field changed: the marks go until the next save sets them again.</summary>
    /// <remarks>MudBlazor 9 drops an Error that is set while the field handles its own value change (MudBlazor#12732).</remarks>
    public void Edited()
    {
        Errors = FieldErrors.None;
        SavedMessage = false;
    }

    public void SetProcessingStart(string? text)
    {
        ProcessingStartText = text;
        Edit.ProcessingStart = ReadDateTime(nameof(TicketEdit.ProcessingStart), text, Edit.ProcessingStart);
        Edited();
    }

    public void SetProcessingEnd(string? text)
    {
        ProcessingEndText = text;
        Edit.ProcessingEnd = ReadDateTime(nameof(TicketEdit.ProcessingEnd), text, Edit.ProcessingEnd);
        Edited();
    }

    private DateTime? ReadDateTime(string field, string? text, DateTime? previous)
    {
        if (DateTimeLocal.TryParse(text, out var value))
        {
            unreadableInput.Remove(field);
            return value;
        }
        unreadableInput[field] = "Enter a valid date and time.";
        return previous;
    }

    public void SetHandler(string? id)
    {
        Edit.HandlerId = id;
        Edited();
    }

    public void SetWatchers(IReadOnlyCollection<string> ids)
    {
        Edit.WatcherIds = ids.ToArray();
        Edited();
    }

    public void SetCustomer(int? id)
    {
        Edit.CustomerId = id;
        Edited();
    }

    public void SetAssignedCustomers(IReadOnlyCollection<int> ids)
    {
        Edit.AssignedCustomerIds = ids.ToArray();
        Edited();
    }

    // Kept, not cleared, when the tenant changes: changing it back must not lose the choice.
    public bool OfAnotherTenant(CustomerOption customer) => customer.TenantId != Edit.TenantId;

    private void Validate()
    {
        var found = TicketValidation.Validate(Edit);
        foreach (var (field, message) in unreadableInput)
        {
            found.Remove(field).Add(field, message);
        }
        Errors = found;
        SavedMessage = false;
    }

    /// <summary>Validates and saves; <paramref name="saved"/> hears the version written, while the form still counts as saving.</summary>
    public async Task SaveAsync(string changedBy, Func<int, Task> saved)
    {
        Validate();
        if (Errors.Count > 0)
        {
            return;
        }
        Saving = true;
        try
        {
            switch (await tickets.SaveAsync(Original, Edit, changedBy))
            {
                case SaveTicketResult.Saved written:
                    Edit.Version = written.Version;
                    Original = Edit.Clone();
                    ChangedElsewhere = false;
                    SavedMessage = true;
                    await saved(written.Version);
                    break;
                case SaveTicketResult.Invalid invalid:
                    Errors = invalid.Errors;
                    break;
                case SaveTicketResult.Conflict conflict:
                    Conflict = conflict;
                    break;
                case SaveTicketResult.NotFound:
                    Errors = FieldErrors.Of(nameof(TicketEdit.Subject), "This ticket no longer exists.");
                    break;
            }
        }
        finally
        {
            Saving = false;
        }
    }

    public void ReloadAfterConflict()
    {
        if (Conflict is not null)
        {
            Load(Conflict.Current);
        }
    }

    public void Discard() => Load(Original);
}
