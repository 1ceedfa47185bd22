using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Security.Claims;
using BlazorTickets.Data;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Account;

/// <summary>The tenants whose tickets, customers and quotes someone may see; <see cref="All"/> is unrestricted.</summary>
public sealed class TenantAccess
{
    public static readonly TenantAccess All = new(null);
    public static readonly TenantAccess None = new([]);

    private TenantAccess(IReadOnlyList<int>? tenantIds) => TenantIds = tenantIds;

    public static TenantAccess Only(IEnumerable<int> tenantIds) => new(tenantIds.Distinct().Order().ToList());

    /// <summary>Null: every tenant.</summary>
    public IReadOnlyList<int>? TenantIds { get; }

    public bool IsRestricted => TenantIds is not null;

    public bool Allows(int tenantId) => TenantIds is null || TenantIds.Contains(tenantId);
}

public static class TenantAccessQueries
{
    /// <summary>
    /// The one "tenant allowed" predicate every service applies: keeps the rows whose tenant (<paramref name="tenantOf"/>,
    /// e.g. <c>t => t.TenantId</c> or <c>a => a.Message.Ticket.TenantId</c>) the access allows.
    /// </summary>
    public static IQueryable<T> WhereTenantAllowed<T>(this IQueryable<T> query, TenantAccess access, Expression<Func<T, int>> tenantOf)
    {
        if (access.TenantIds is not { } ids)
        {
            return query;
        }
        var allowed = ids.ToList();
        // Read through a closure so EF Core sends the ids as a parameter rather than a new statement per list.
        Expression<Func<List<int>>> allowedIds = () => allowed;
        var contains = Expression.Call(allowedIds.Body, typeof(List<int>).GetMethod(nameof(List<int>.Contains))!, tenantOf.Body);
        return query.Where(Expression.Lambda<Func<T, bool>>(contains, tenantOf.Parameters));
    }
}

/// <summary>
/// The signed-in user's <see cref="TenantAccess"/>: admins and users without chosen tenants see all, others only theirs.
/// HTTP requests hand their user over (<see cref="Use"/>, done by <see cref="TenantScopeMiddleware"/>); a Blazor
/// circuit's own scope asks its authentication state. Work without any user (jobs, the command line) is unrestricted.
/// </summary>
public sealed class TenantScope(IServiceProvider services, UserTenantCache cache)
{
    private ClaimsPrincipal? user;

    public void Use(ClaimsPrincipal principal) => user = principal;

    /// <summary>The signed-in user of this request or circuit; null for work without a user.</summary>
    public async Task<ClaimsPrincipal?> UserAsync() => user ?? await CircuitUserAsync();

    public async Task<TenantAccess> GetAsync(CancellationToken ct = default)
    {
        var principal = await UserAsync();
        if (principal is null)
        {
            return TenantAccess.All;
        }
        // The claim Account's UserId() reads; Users sits below Account and reads it directly.
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            return TenantAccess.None;
        }
        if (principal.IsInRole(Groups.Admins))
        {
            return TenantAccess.All;
        }
        var tenantIds = await cache.GetAsync(userId, ct);
        return tenantIds.Count == 0 ? TenantAccess.All : TenantAccess.Only(tenantIds);
    }

    private async Task<ClaimsPrincipal?> CircuitUserAsync()
    {
        if (services.GetService<AuthenticationStateProvider>() is not { } provider)
        {
            return null;
        }
        try
        {
            return (await provider.GetAuthenticationStateAsync()).User;
        }
        catch (InvalidOperationException)
        {
            // A scope outside any request or circuit: its provider never got a user.
            return null;
        }
    }
}

/// <summary>Each user's chosen tenants, read once and forgotten when an admin changes them, so no request pays a query.</summary>
public sealed class UserTenantCache(IDbContextFactory<AppDbContext> dbFactory)
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<int>> tenantsByUser = new();
    private long generation;

    public async Task<IReadOnlyList<int>> GetAsync(string userId, CancellationToken ct = default)
    {
        if (tenantsByUser.TryGetValue(userId, out var cached))
        {
            return cached;
        }
        var readAt = Interlocked.Read(ref generation);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var tenantIds = await db.Set<UserTenant>().AsNoTracking().Where(u => u.UserId == userId).Select(u => u.TenantId).ToListAsync(ct);
        // A change saved while we read must not be covered up by what we read before it.
        if (Interlocked.Read(ref generation) == readAt)
        {
            tenantsByUser[userId] = tenantIds;
        }
        return tenantIds;
    }

    public void Forget(string userId)
    {
        Interlocked.Increment(ref generation);
        tenantsByUser.TryRemove(userId, out _);
    }
}

/// <summary>Gives every HTTP request's <see cref="TenantScope"/> the request's user (endpoints have no authentication state).</summary>
public static class TenantScopeMiddleware
{
    public static IApplicationBuilder UseTenantScope(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.RequestServices.GetRequiredService<TenantScope>().Use(http.User);
            return next(http);
        });
}
