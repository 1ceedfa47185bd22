using BlazorTickets.Shared;
using System.Globalization;

namespace BlazorTickets.Features.Tickets;

public static class TicketValidation
{
    public const int MaxSubjectLength = 500;

    /// <summary>The rules that need no database; keys are <see cref="TicketEdit"/> property names.</summary>
    public static FieldErrors Validate(TicketEdit edit)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(edit.Subject))
        {
            errors.Add(nameof(TicketEdit.Subject), "The subject must not be empty.");
        }
        else if (edit.Subject.Length > MaxSubjectLength)
        {
            errors.Add(nameof(TicketEdit.Subject), "The subject may have at most 500 characters.");
        }
        if (!Enum.IsDefined(edit.Status))
        {
            errors.Add(nameof(TicketEdit.Status), "Choose a valid status.");
        }
        if (edit.EstimatedEffortHours is < 0)
        {
            errors.Add(nameof(TicketEdit.EstimatedEffortHours), "The estimated effort must be 0 or more hours.");
        }
        else if (edit.EstimatedEffortHours is > 10_000)
        {
            errors.Add(nameof(TicketEdit.EstimatedEffortHours), "The estimated effort may be at most 10,000 hours.");
        }
        if (edit.ProcessingStart is DateTime start && edit.ProcessingEnd is DateTime end && end <= start)
        {
            errors.Add(nameof(TicketEdit.ProcessingEnd), "The processing end must be after the processing start.");
        }
        if (edit.HandlerId is not null && edit.WatcherIds.Contains(edit.HandlerId))
        {
            errors.Add(nameof(TicketEdit.WatcherIds), "The ticket handler is already on the ticket; do not add them as an assigned user too.");
        }
        return errors;
    }

    public sealed record Field(string Label, Func<TicketEdit, NameLookup, string> Describe);

    /// <summary>Turns ids into names so a conflict message reads "Anna Agent", not a key.</summary>
    public sealed record NameLookup(
        IReadOnlyDictionary<string, string> Users,
        IReadOnlyDictionary<int, string> Customers,
        IReadOnlyDictionary<int, string> Tenants)
    {
        public static readonly NameLookup Empty = new(new Dictionary<string, string>(), new Dictionary<int, string>(), new Dictionary<int, string>());

        public string User(string? id) => id is null ? "—" : Users.GetValueOrDefault(id, id);
        public string Customer(int? id) => id is int i ? Customers.GetValueOrDefault(i, i.ToString(CultureInfo.InvariantCulture)) : "—";
        public string Tenant(int id) => Tenants.GetValueOrDefault(id, id.ToString(CultureInfo.InvariantCulture));
    }

    private static string Date(DateTime? value, string format) =>
        value?.ToString(format, CultureInfo.CurrentCulture) ?? "—";

    private static string List(IEnumerable<string> names)
    {
        var text = string.Join(", ", names.Order(StringComparer.CurrentCulture));
        return text.Length == 0 ? "—" : text;
    }

    /// <summary>Comparable, human-readable views of every editable field, for conflict messages.</summary>
    public static readonly IReadOnlyList<Field> Fields =
    [
        new("Subject", (e, _) => e.Subject),
        new("Status", (e, _) => e.Status.DisplayName()),
        new("Ticket handler", (e, n) => n.User(e.HandlerId)),
        new("Assigned users", (e, n) => List(e.WatcherIds.Select(n.User))),
        new("Customer", (e, n) => n.Customer(e.CustomerId)),
        new("Assigned customers", (e, n) => List(e.AssignedCustomerIds.Select(id => n.Customer(id)))),
        new("Customer note", (e, _) => e.CustomerNote),
        new("Internal note", (e, _) => e.InternalNote),
        new("Expected processing date", (e, _) => Date(e.ExpectedDate, "d")),
        new("Estimated effort", (e, _) => e.EstimatedEffortHours is decimal h ? h.ToString("0.##", CultureInfo.CurrentCulture) + " h" : "—"),
        new("Processing start", (e, _) => Date(e.ProcessingStart, "g")),
        new("Processing end", (e, _) => Date(e.ProcessingEnd, "g")),
        new("Tenant", (e, n) => n.Tenant(e.TenantId)),
        new("Time tracking allowed", (e, _) => e.TimeTrackingAllowed ? "yes" : "no"),
    ];

    public static IEnumerable<Field> Differences(TicketEdit a, TicketEdit b) =>
        Fields.Where(f => f.Describe(a, NameLookup.Empty) != f.Describe(b, NameLookup.Empty));

    private static bool Same(Field field, TicketEdit a, TicketEdit b) =>
        field.Describe(a, NameLookup.Empty) == field.Describe(b, NameLookup.Empty);

    /// <summary>
    /// The fields a conflict must show: the ones the other save changed and the ones this edit changed (and would lose),
    /// wherever the saved value and this edit's value differ. A field that differs was changed by one side or the
    /// other, so a field nobody touched, or both set alike, never shows.
    /// </summary>
    public static IEnumerable<Field> ConflictingFields(TicketEdit saved, TicketEdit edited) =>
        Fields.Where(f => !Same(f, saved, edited));

    /// <summary>Whether writing <paramref name="edited"/> would undo a change the other save made.</summary>
    public static bool Overwrites(TicketEdit loaded, TicketEdit saved, TicketEdit edited) =>
        Fields.Any(f => !Same(f, loaded, saved) && !Same(f, saved, edited));
}
