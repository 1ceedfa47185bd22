namespace BlazorTickets.Shared;

/// <param name="TotalIsCapped">The count stopped at <paramref name="TotalCount"/>: there are more ("10,000+").</param>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int TotalCount, bool TotalIsCapped = false);
