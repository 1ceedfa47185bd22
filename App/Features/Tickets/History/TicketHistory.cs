using System.Security.Claims;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Users;

namespace BlazorTickets.Features.Tickets.History;

/// <summary>Who is changing tickets right now, for the history; set around a service's work, flows with the async call.</summary>
public sealed record HistoryActor(ActorKind Kind, string Name, string? Id = null)
{
    public static HistoryActor User(string id, string name) => new(ActorKind.User, name, id);
    public static HistoryActor Customer(string id, string name) => new(ActorKind.Customer, name, id);
    public static HistoryActor Job(string name) => new(ActorKind.Job, name);

    /// <summary>The signed-in user as an actor; null for a principal without a user id.</summary>
    public static HistoryActor? Of(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true || principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id)
        {
            return null;
        }
        var name = principal.FindFirstValue(AppClaimsPrincipalFactory.DisplayNameClaim) ?? principal.Identity.Name ?? "";
        return principal.IsInRole(Groups.Customer) ? Customer(id, name) : User(id, name);
    }
}

public static class TicketHistory
{
    public const int MaxValueLength = 2000;

    private static readonly AsyncLocal<HistoryActor?> Current = new();

    /// <summary>The actor of changes saved until the returned scope ends (or the async flow that set it returns).</summary>
    public static IDisposable ActAs(HistoryActor actor)
    {
        var previous = Current.Value;
        Current.Value = actor;
        return new Scope(previous);
    }

    /// <summary>The actor set with <see cref="ActAs"/>, else null.</summary>
    public static HistoryActor? Actor => Current.Value;

    /// <summary>The signed-in user of <paramref name="scope"/> as an actor; null without one.</summary>
    public static async Task<HistoryActor?> SignedInUserAsync(TenantScope? scope) => scope is null ? null : HistoryActor.Of(await scope.UserAsync());

    /// <summary>
    /// <see cref="ActAs"/> unless an actor is set already (a job acting for someone keeps its own). Call it in the method
    /// that saves, not in an async helper: an async method's changes to the actor do not reach its caller.
    /// </summary>
    public static IDisposable? ActAsUnlessSet(HistoryActor? actor) => Actor is null && actor is not null ? ActAs(actor) : null;

    /// <summary>An entry written by hand, for changes made with ExecuteUpdate, which the history interceptor does not see.</summary>
    public static TicketHistoryEntry Entry(int ticketId, HistoryKind kind, string? field, string? oldValue, string? newValue, bool isInternal, DateTime at)
    {
        var actor = Actor ?? new HistoryActor(ActorKind.System, "System");
        return new TicketHistoryEntry
        {
            TicketId = ticketId, Kind = kind, Field = field, OldValue = Clip(oldValue), NewValue = Clip(newValue), IsInternal = isInternal,
            At = at, ActorKind = actor.Kind, ActorId = actor.Id, ActorName = Clip(actor.Name)!,
        };
    }

    public const int MaxFieldLength = 200;

    public static string? Clip(string? value, int length = MaxValueLength) => value is null || value.Length <= length ? value : value[..(length - 1)] + "…";

    private sealed class Scope(HistoryActor? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
