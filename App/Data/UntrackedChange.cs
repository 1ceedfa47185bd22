namespace BlazorTickets.Data;

/// <summary>
/// A change written with ExecuteUpdate, which the change tracker does not see, told to the save interceptors: the
/// writer notes it on the context (<see cref="AppDbContext.NoteUntrackedChange"/>) and then calls SaveChanges inside
/// its transaction, so whatever an interceptor derives from it commits with the change.
/// </summary>
public sealed record UntrackedChange(Type EntityType, int Id, string Property, object? OldValue, object? NewValue);
