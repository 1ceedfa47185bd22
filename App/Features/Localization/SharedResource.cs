namespace BlazorTickets.Features.Localization;

/// <summary>Marker for the shared UI strings. Keys are the English text; SharedResource.de.resx holds German.</summary>
public sealed class SharedResource;
