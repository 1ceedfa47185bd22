using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace BlazorTickets.Features.Tickets;

/// <summary>
/// Sort and page of the ticket list. It sits in the URL next to the filter, so Back and a reload come back to the
/// same rows; it is kept apart from <see cref="TicketListFilter"/> because it does not change which tickets match.
/// </summary>
public sealed record TicketListPosition(TicketSort Sort, int Page, int PageSize)
{
    public const int DefaultPageSize = 25;
    public static readonly IReadOnlyList<int> PageSizes = [10, 25, 50, 100];
    public static readonly TicketListPosition Default = new(TicketSort.Default, 0, DefaultPageSize);

    /// <summary>
    /// The page number of "the last page" when nobody knows its number: past a capped count. It is read as the first
    /// page of the reversed order (<see cref="TicketService.QueryLastPageAsync"/>) and is "page=last" in the URL.
    /// </summary>
    public const int LastPage = -1;

    public bool IsLastPage => Page == LastPage;

    public static TicketListPosition FromQuery(string query)
    {
        var values = QueryHelpers.ParseQuery(query);
        string? Get(string key) => values.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString() : null;
        int? GetInt(string key) => int.TryParse(Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

        var sort = Enum.TryParse<TicketSortField>(Get("sort"), ignoreCase: true, out var field) && Enum.IsDefined(field)
            ? new TicketSort(field, !string.Equals(Get("dir"), "asc", StringComparison.OrdinalIgnoreCase))
            : TicketSort.Default;
        // The URL counts pages from 1, as the pager shows them.
        var page = string.Equals(Get("page"), "last", StringComparison.OrdinalIgnoreCase) ? LastPage
            : GetInt("page") is int p and >= 1 ? p - 1 : 0;
        var size = GetInt("size") is int s && PageSizes.Contains(s) ? s : DefaultPageSize;
        return new TicketListPosition(sort, page, size);
    }

    /// <summary>The filter's query with this position added; defaults are left out to keep shared links short.</summary>
    public string ToQuery(TicketListFilter filter)
    {
        var parts = filter.QueryParts();
        if (Sort != TicketSort.Default)
        {
            parts.Add(new("sort", Sort.Field.ToString().ToLowerInvariant()));
            parts.Add(new("dir", Sort.Descending ? "desc" : "asc"));
        }
        if (Page > 0) parts.Add(new("page", (Page + 1).ToString(CultureInfo.InvariantCulture)));
        if (IsLastPage) parts.Add(new("page", "last"));
        if (PageSize != DefaultPageSize) parts.Add(new("size", PageSize.ToString(CultureInfo.InvariantCulture)));
        return QueryString.Create(parts).ToUriComponent();
    }
}
