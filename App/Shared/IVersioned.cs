namespace BlazorTickets.Shared;

/// <summary>
/// An entity whose version goes up with every saved change: an optimistic concurrency token, and the number a live
/// screen compares to know whether the change it hears about is newer than what it shows.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}
