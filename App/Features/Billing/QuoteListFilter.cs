using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace BlazorTickets.Features.Billing;

/// <summary>The quote list's filter; the page, the CSV export and bookmarks share it through the query string.</summary>
public sealed record QuoteListFilter
{
    public QuoteStatus? Status { get; init; }
    public int? CustomerId { get; init; }
    public int? TenantId { get; init; }
    /// <summary>Created on or after this day (server's local calendar day).</summary>
    public DateOnly? From { get; init; }
    /// <summary>Created on or before this day.</summary>
    public DateOnly? To { get; init; }

    public static QuoteListFilter FromQuery(string query)
    {
        var values = QueryHelpers.ParseQuery(query);
        string? Get(string key) => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString() : null;
        int? GetInt(string key) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null;
        DateOnly? GetDate(string key) => DateOnly.TryParseExact(Get(key), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        return new QuoteListFilter
        {
            Status = Enum.TryParse<QuoteStatus>(Get("status"), ignoreCase: true, out var status) && Enum.IsDefined(status) ? status : null,
            CustomerId = GetInt("customer"),
            TenantId = GetInt("tenant"),
            From = GetDate("from"),
            To = GetDate("to"),
        };
    }

    public string ToQuery()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        if (Status is QuoteStatus status) parts.Add(new("status", status.ToString()));
        if (CustomerId is int customer) parts.Add(new("customer", customer.ToString(CultureInfo.InvariantCulture)));
        if (TenantId is int tenant) parts.Add(new("tenant", tenant.ToString(CultureInfo.InvariantCulture)));
        if (From is DateOnly from) parts.Add(new("from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        if (To is DateOnly to) parts.Add(new("to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        return QueryString.Create(parts).ToUriComponent();
    }
}
