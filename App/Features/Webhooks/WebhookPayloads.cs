using System.Text.Json;
using System.Text.Json.Serialization;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;

namespace BlazorTickets.Features.Webhooks;

/// <summary>The JSON body of every webhook request: the event's envelope around a snapshot taken at the change.</summary>
public sealed record WebhookPayload(string Id, string Type, DateTime CreatedAt, int TenantId, object Data)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record FieldChange(object? Old, object? New);

public sealed record TicketSnapshot(int Id, int Number, string Subject, TicketStatus Status, string? HandlerId, int? CustomerId, int TenantId, int Version, DateTime UpdatedAt)
{
    public static TicketSnapshot Of(Ticket t) => new(t.Id, t.Number, t.Subject, t.Status, t.HandlerId, t.CustomerId, t.TenantId, t.Version, t.UpdatedAt);
}

public sealed record TicketEventData(TicketSnapshot Ticket, IReadOnlyDictionary<string, FieldChange>? Changes);

public sealed record AttachmentSnapshot(string FileName, string ContentType, long Size);

public sealed record MessageSnapshot(
    int Id, int TicketId, MessageDirection Direction, string From, string To, string Cc, string Subject, DateTime Date, string TextBody,
    bool IsAutomatic, IReadOnlyList<AttachmentSnapshot> Attachments)
{
    public static MessageSnapshot Of(TicketMessage m, int ticketId) => new(m.Id, ticketId, m.Direction, m.From, m.To, m.Cc, m.Subject, m.Date, m.TextBody,
        m.IsAutomatic, m.Attachments.Select(a => new AttachmentSnapshot(a.FileName, a.ContentType, a.Size)).ToList());
}

public sealed record MessageEventData(MessageSnapshot Message);

public sealed record TimeEntrySnapshot(int Id, int TicketId, string UserId, DateTime Start, DateTime End, int Minutes, string Note, bool Billable)
{
    public static TimeEntrySnapshot Of(TimeEntry e, int ticketId) => new(e.Id, ticketId, e.UserId, e.Start, e.End, e.Minutes, e.Note, e.Billable);
}

public sealed record TimeEntryEventData(TimeEntrySnapshot TimeEntry);

public sealed record QuoteSnapshot(int Id, string Number, QuoteStatus Status, int CustomerId, string Currency, decimal Net, decimal Vat, decimal Gross, DateTime CreatedAt)
{
    public static QuoteSnapshot Of(Quote q) => new(q.Id, q.Number, q.Status, q.CustomerId, q.Currency, q.Net, q.Vat, q.Gross, q.CreatedAt);
}

public sealed record QuoteEventData(QuoteSnapshot Quote, IReadOnlyDictionary<string, FieldChange>? Changes);
