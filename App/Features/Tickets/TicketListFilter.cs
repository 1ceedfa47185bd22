using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace BlazorTickets.Features.Tickets;

/// <summary>The ticket list's filter; it round-trips through the URL so a view can be bookmarked and shared.</summary>
public sealed record TicketListFilter
{
    public IReadOnlySet<TicketStatus> Statuses { get; init; } = new HashSet<TicketStatus>();
    public string? HandlerId { get; init; }
    public bool MineOnly { get; init; }
    public bool UnassignedOnly { get; init; }
    public int? CustomerId { get; init; }
    public int? TenantId { get; init; }
    public bool OverdueOnly { get; init; }
    public string? Text { get; init; }
    /// <summary>Tickets that allow time tracking and have billable time not yet on a quote.</summary>
    public bool UnbilledOnly { get; init; }
    /// <summary>A running service-level target has passed its warning share but is not due yet.</summary>
    public bool SlaAtRisk { get; init; }
    /// <summary>A running service-level target is past its due time.</summary>
    public bool SlaBreached { get; init; }

    /// <summary>Whether anything besides the search words (or the user's tenants) narrows the list.</summary>
    public bool NarrowsBesidesText(Account.TenantAccess access) =>
        access.IsRestricted || Statuses.Count > 0 || !string.IsNullOrEmpty(HandlerId) || MineOnly || UnassignedOnly
        || CustomerId is not null || TenantId is not null || OverdueOnly || UnbilledOnly || SlaAtRisk || SlaBreached;

    public static TicketListFilter FromQuery(string query)
    {
        var values = QueryHelpers.ParseQuery(query);
        string? Get(string key) => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString() : null;
        int? GetInt(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;

        var statuses = (Get("status") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Enum.TryParse<TicketStatus>(s, ignoreCase: true, out var status) && Enum.IsDefined(status) ? status : (TicketStatus?)null)
            .Where(s => s is not null)
            .Select(s => s!.Value)
            .ToHashSet();

        return new TicketListFilter
        {
            Statuses = statuses,
            HandlerId = Get("handler"),
            MineOnly = Get("mine") == "1",
            UnassignedOnly = Get("unassigned") == "1",
            CustomerId = GetInt("customer"),
            TenantId = GetInt("tenant"),
            OverdueOnly = Get("overdue") == "1",
            Text = Get("q"),
            UnbilledOnly = Get("unbilled") == "1",
            SlaAtRisk = Get("atrisk") == "1",
            SlaBreached = Get("breached") == "1",
        };
    }

    public string ToQuery() => QueryString.Create(QueryParts()).ToUriComponent();

    internal List<KeyValuePair<string, string?>> QueryParts()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        if (Statuses.Count > 0)
        {
            parts.Add(new("status", string.Join(",", Statuses.Order())));
        }
        if (!string.IsNullOrEmpty(HandlerId)) parts.Add(new("handler", HandlerId));
        if (MineOnly) parts.Add(new("mine", "1"));
        if (UnassignedOnly) parts.Add(new("unassigned", "1"));
        if (CustomerId is int customer) parts.Add(new("customer", customer.ToString(CultureInfo.InvariantCulture)));
        if (TenantId is int tenant) parts.Add(new("tenant", tenant.ToString(CultureInfo.InvariantCulture)));
        if (OverdueOnly) parts.Add(new("overdue", "1"));
        if (!string.IsNullOrWhiteSpace(Text)) parts.Add(new("q", Text.Trim()));
        if (UnbilledOnly) parts.Add(new("unbilled", "1"));
        if (SlaAtRisk) parts.Add(new("atrisk", "1"));
        if (SlaBreached) parts.Add(new("breached", "1"));
        return parts;
    }

    public bool Equals(TicketListFilter? other) =>
        other is not null && ToQuery() == other.ToQuery();

    public override int GetHashCode() => ToQuery().GetHashCode();
}

/// <summary>The moment a list is read at: the local date for "overdue", the instant for the service-level filters.</summary>
public readonly record struct ListNow(DateOnly Today, DateTime Utc);
