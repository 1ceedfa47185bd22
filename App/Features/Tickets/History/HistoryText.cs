using System.Globalization;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Features.Tickets.History;

/// <summary>A history entry in words, in the reader's language; the ticket page and the admin's history view share it.</summary>
public static class HistoryText
{
    public static string ActorOf(HistoryItem item, IStringLocalizer L) => item.ActorKind switch
    {
        ActorKind.MailImport => L["Mail import"],
        ActorKind.Customer => L["{0} (customer)", item.ActorName],
        _ when item.ActorName.Length == 0 => L["System"],
        _ => L[item.ActorName],
    };

    public static string Describe(HistoryItem item, IStringLocalizer L) => item.Kind switch
    {
        HistoryKind.Created when item.Field is not null => L["Ticket created by a message from {0}: {1}", item.Field, item.NewValue ?? ""],
        HistoryKind.Created => L["Ticket created: {0}", item.NewValue ?? ""],
        HistoryKind.Status => L["Status: {0} → {1}", StatusText(item.OldValue, L), StatusText(item.NewValue, L)],
        HistoryKind.Handler => L["Handler: {0} → {1}", item.OldValue ?? L["nobody"], item.NewValue ?? L["nobody"]],
        HistoryKind.Watchers => item.NewValue is not null ? L["Watcher added: {0}", item.NewValue] : L["Watcher removed: {0}", item.OldValue ?? ""],
        HistoryKind.Customers when item.Field == nameof(Ticket.CustomerId) => L["Customer: {0} → {1}", item.OldValue ?? "—", item.NewValue ?? "—"],
        HistoryKind.Customers => item.NewValue is not null ? L["Customer assigned: {0}", item.NewValue] : L["Customer unassigned: {0}", item.OldValue ?? ""],
        HistoryKind.MessageIn => L["Message from {0}: {1}", item.Field ?? "", item.NewValue ?? ""],
        HistoryKind.MessageOut => L["Reply: {0}", item.NewValue ?? ""],
        HistoryKind.Note => L["Internal note: {0}", item.NewValue ?? ""],
        HistoryKind.TimeEntry when item.OldValue is null => L["Time booked: {0}", Minutes(item.NewValue, L)],
        HistoryKind.TimeEntry when item.NewValue is null => L["Time entry deleted: {0}", Minutes(item.OldValue, L)],
        HistoryKind.TimeEntry => L["Time entry changed: {0} → {1}", Minutes(item.OldValue, L), Minutes(item.NewValue, L)],
        HistoryKind.Billing when item.NewValue is not null => L["Billed on quote {0}", item.NewValue],
        HistoryKind.Billing => L["Released from quote {0}", item.OldValue ?? ""],
        HistoryKind.Consent => item.NewValue == "true" ? L["The customer allowed time tracking"] : L["The customer withdrew the consent to time tracking"],
        HistoryKind.Merge when item.Field == "MergedInto" => L["Merged into {0}", item.NewValue ?? ""],
        HistoryKind.Merge => L["{0} was merged into this ticket", item.NewValue ?? ""],
        HistoryKind.Split when item.Field == "SplitInto" => L["Messages split off into {0}", item.NewValue ?? ""],
        HistoryKind.Split => L["Split off from {0}", item.NewValue ?? ""],
        _ => L["{0}: {1} → {2}", L[FieldLabel(item.Field)], ValueText(item.Field, item.OldValue, L), ValueText(item.Field, item.NewValue, L)],
    };

    private static string FieldLabel(string? field) => field switch
    {
        nameof(Ticket.Subject) => "Subject",
        nameof(Ticket.CustomerNote) => "Customer note",
        nameof(Ticket.InternalNote) => "Internal note",
        nameof(Ticket.ExpectedDate) => "Expected processing date",
        nameof(Ticket.EstimatedEffortHours) => "Estimated effort",
        nameof(Ticket.ProcessingStart) => "Scheduled start",
        nameof(Ticket.ProcessingEnd) => "Scheduled end",
        nameof(Ticket.TenantId) => "Tenant",
        nameof(Ticket.RelatedTicketId) => "Related ticket",
        _ => field ?? "",
    };

    private static string ValueText(string? field, string? value, IStringLocalizer L)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "—";
        }
        if (field is nameof(Ticket.ExpectedDate) && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date.ToString("d", CultureInfo.CurrentCulture);
        }
        if (field is nameof(Ticket.ProcessingStart) or nameof(Ticket.ProcessingEnd)
            && DateTime.TryParseExact(value, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToLocalTime().ToString("g", CultureInfo.CurrentCulture);
        }
        if (field is nameof(Ticket.EstimatedEffortHours) && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var hours))
        {
            return L["{0} h", hours.ToString("0.##", CultureInfo.CurrentCulture)];
        }
        return value.Length > 120 ? value[..119] + "…" : value;
    }

    private static string StatusText(string? value, IStringLocalizer L) =>
        Enum.TryParse<TicketStatus>(value, out var status) ? L[status.DisplayName()] : value ?? "—";

    private static string Minutes(string? value, IStringLocalizer L) => int.TryParse(value, CultureInfo.InvariantCulture, out var minutes) ? L["{0} min", minutes] : value ?? "";
}
