using BlazorTickets.Shared;

namespace BlazorTickets.Features.Tickets;

public enum TicketSortField
{
    Number,
    Subject,
    Status,
    Handler,
    Customer,
    ExpectedDate,
    UpdatedAt,
    LastMessageAt,
    SlaDueAt,
}

public sealed record TicketSort(TicketSortField Field, bool Descending)
{
    public static readonly TicketSort Default = new(TicketSortField.UpdatedAt, true);
}

public sealed record TicketListRow(
    int Id,
    int Number,
    string Subject,
    TicketStatus Status,
    string? HandlerName,
    string? CustomerName,
    string TenantName,
    DateOnly? ExpectedDate,
    bool IsOverdue,
    DateTime UpdatedAt,
    DateTime? LastMessageAt,
    DateTime SlaDueAt,
    DateTime? SlaAtRiskAt,
    string? Snippet = null)
{
    public string Tag => Ticket.FormatNumber(Number);

    public SlaState SlaStateAt(DateTime utcNow) => SlaStates.Of(SlaDueAt, SlaAtRiskAt, utcNow);
}

/// <summary>A customer as the pickers show it.</summary>
public sealed record CustomerOption(int Id, string Name, string Company, int TenantId, string CustomerNumber = "", string Email = "")
{
    public string Label => string.IsNullOrWhiteSpace(Company) ? Name : $"{Name} ({Company})";

    /// <summary>What tells two customers of the same name apart.</summary>
    public string Detail => string.Join(" · ", new[] { CustomerNumber, Email }.Where(s => !string.IsNullOrWhiteSpace(s)));
}

public sealed record MessageView(
    int Id,
    MessageDirection Direction,
    string From,
    string To,
    string Cc,
    string Subject,
    DateTime Date,
    string TextBody,
    string? HtmlBody,
    string? AuthorName,
    IReadOnlyList<AttachmentView> Attachments)
{
    public bool HasHtml => HtmlBody is not null;
}

public sealed record AttachmentView(int Id, string FileName, string ContentType, long Size, string? ContentId);

public sealed record TicketDetails(
    int Id,
    int Number,
    string TenantName,
    string? CustomerName,
    string? HandlerName,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? UpdatedBy,
    TicketEdit Edit,
    IReadOnlyList<MessageView> Messages,
    int? MergedIntoTicketId = null)
{
    public string Tag => Ticket.FormatNumber(Number);
}

/// <summary>The editable fields of a ticket, as the information panel holds them.</summary>
public sealed class TicketEdit
{
    public int Id { get; set; }
    public int Version { get; set; }
    public string Subject { get; set; } = "";
    public TicketStatus Status { get; set; }
    public string? HandlerId { get; set; }
    public IReadOnlyCollection<string> WatcherIds { get; set; } = [];
    public int? CustomerId { get; set; }
    public IReadOnlyCollection<int> AssignedCustomerIds { get; set; } = [];
    public string CustomerNote { get; set; } = "";
    public string InternalNote { get; set; } = "";
    public DateTime? ExpectedDate { get; set; }
    public decimal? EstimatedEffortHours { get; set; }
    public DateTime? ProcessingStart { get; set; }
    public DateTime? ProcessingEnd { get; set; }
    public int TenantId { get; set; }
    public bool TimeTrackingAllowed { get; set; }

    public TicketEdit Clone()
    {
        var copy = (TicketEdit)MemberwiseClone();
        copy.WatcherIds = WatcherIds.ToArray();
        copy.AssignedCustomerIds = AssignedCustomerIds.ToArray();
        return copy;
    }
}

public sealed record FieldChange(string Field, string Theirs, string Yours);

public abstract record SaveTicketResult
{
    public sealed record Saved(int Version) : SaveTicketResult;
    public sealed record Invalid(FieldErrors Errors) : SaveTicketResult;
    public sealed record Conflict(TicketEdit Current, string? ChangedBy, DateTime ChangedAt, IReadOnlyList<FieldChange> Changes) : SaveTicketResult;
    public sealed record NotFound : SaveTicketResult;
}

public enum SlaState
{
    None,
    Running,
    AtRisk,
    Breached,
}

public static class SlaStates
{
    /// <summary>Where a ticket's earliest running service-level target stands at <paramref name="utcNow"/>.</summary>
    public static SlaState Of(DateTime dueAt, DateTime? atRiskAt, DateTime utcNow) =>
        dueAt == Ticket.NoDue ? SlaState.None
        : dueAt <= utcNow ? SlaState.Breached
        : atRiskAt <= utcNow ? SlaState.AtRisk
        : SlaState.Running;
}

/// <summary>A member of staff as the directory lists them: the groups are also their roles.</summary>
public sealed record StaffUserOption(string Id, string DisplayName, string Email, IReadOnlyList<string> Groups);

/// <summary>
/// A ticket opened by staff for a customer (a web form, a shop): <see cref="Text"/> becomes its first message, inbound
/// from the customer, as if they had written it.
/// </summary>
public sealed class NewTicket
{
    public int TenantId { get; set; }
    public string Subject { get; set; } = "";
    public int? CustomerId { get; set; }
    public string? HandlerId { get; set; }
    public IReadOnlyCollection<string> WatcherIds { get; set; } = [];
    public TicketStatus Status { get; set; } = TicketStatus.New;
    public string Text { get; set; } = "";

    public const int MaxTextLength = 100_000;
}

public abstract record CreateTicketResult
{
    public sealed record Created(int Id, int Version) : CreateTicketResult;
    public sealed record Invalid(FieldErrors Errors) : CreateTicketResult;
}
