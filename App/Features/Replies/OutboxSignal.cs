namespace BlazorTickets.Features.Replies;

/// <summary>Wakes the outbox worker when a mail was queued.</summary>
public sealed class OutboxSignal : WakeSignal;
