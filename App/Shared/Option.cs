namespace BlazorTickets.Shared;

/// <summary>One choice in a picker or a filter: what is stored and what is shown.</summary>
public sealed record Option<TKey>(TKey Id, string Name);
