using System.Security.Claims;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Users;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// A bUnit context that is one circuit on a <see cref="TestServices"/> "server": its services are the app's own
/// (<see cref="BlazorTicketsServiceCollectionExtensions.AddBlazorTickets"/>, MudBlazor included) over the server's
/// database and clock, and it shares the server's app singletons (notifiers, trackers, registries, caches) the way
/// circuits on one server do. Tests only add overrides and a faked sign-in; no test lists services by hand.
/// </summary>
public class BlazorTicketsTestContext : BunitContext, IAsyncLifetime
{
    public const string AgentEmail = "anna@contoso.example";

    private TestServices? app;
    private bool ownsApp;

    public BlazorTicketsTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>A circuit on <paramref name="server"/>, e.g. a class fixture's seeded database.</summary>
    public BlazorTicketsTestContext(TestServices server) : this()
    {
        UseApp(server);
    }

    /// <summary>The server this circuit runs on.</summary>
    public TestServices App => app ?? throw new InvalidOperationException($"Call {nameof(UseApp)} or {nameof(UseNewAppAsync)} first.");

    /// <summary>
    /// Registers the app's services the way <paramref name="server"/> registered its own, sharing its app singletons;
    /// <paramref name="overrides"/> then replaces what the test needs different. Call before anything renders.
    /// </summary>
    public void UseApp(TestServices server, Action<IServiceCollection>? overrides = null)
    {
        if (app is not null)
        {
            throw new InvalidOperationException("This context already runs on a server.");
        }
        app = server;

        var registrations = new ServiceCollection();
        server.Options.AddAppServices(registrations);
        var appAssembly = typeof(Program).Assembly;
        var seen = new Dictionary<Type, int>();
        foreach (var descriptor in registrations)
        {
            var shared = descriptor.Lifetime == ServiceLifetime.Singleton
                && !descriptor.IsKeyedService
                && !descriptor.ServiceType.IsGenericTypeDefinition
                && descriptor.ServiceType.Assembly == appAssembly;
            if (!shared)
            {
                Services.Add(descriptor);
                continue;
            }
            // The n-th registration of a type is the n-th instance the server resolves for it.
            var index = seen.GetValueOrDefault(descriptor.ServiceType);
            seen[descriptor.ServiceType] = index + 1;
            var instance = server.Services.GetServices(descriptor.ServiceType).ElementAt(index)!;
            // An instance, not a factory: the server owns it, so disposing this circuit leaves it alone.
            Services.Add(ServiceDescriptor.Singleton(descriptor.ServiceType, instance));
        }
        overrides?.Invoke(Services);
    }

    /// <summary>Starts a server of this context's own (disposed with it) and runs on it.</summary>
    public async Task<TestServices> UseNewAppAsync(
        bool seedDemoData = true, TimeProvider? clock = null, Action<IServiceCollection>? overrides = null, bool initializeDatabase = true,
        DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var server = await TestServices.CreateAsync(seedDemoData, clock, initializeDatabase, provider: provider);
        ownsApp = true;
        UseApp(server, overrides);
        return server;
    }

    /// <summary>Fakes a sign-in with the claims the app's own sign-in would issue.</summary>
    public BunitAuthorizationContext SignIn(string userName, string userId, string displayName, string[] roles, string[]? policies = null, params Claim[] claims)
    {
        var authorization = AddAuthorization();
        authorization.SetAuthorized(userName);
        authorization.SetRoles(roles);
        if (policies is not null)
        {
            authorization.SetPolicies(policies);
        }
        authorization.SetClaims([
            new Claim(ClaimTypes.NameIdentifier, userId),
            new Claim(AppClaimsPrincipalFactory.DisplayNameClaim, displayName),
            .. claims,
        ]);
        return authorization;
    }

    /// <summary>Signs in as a demo agent (group Ticket-Support) from the server's database.</summary>
    public Task<(string UserId, string Name)> SignInAsAgentAsync(string email = AgentEmail) => SignInAsUserAsync(email, Groups.TicketSupport);

    /// <summary>Signs in as the user with <paramref name="email"/> from the server's database, in <paramref name="roles"/>.</summary>
    public async Task<(string UserId, string Name)> SignInAsUserAsync(string email, params string[] roles)
    {
        await using var db = await App.DbFactory.CreateDbContextAsync();
        var user = await db.Users.SingleAsync(u => u.Email == email);
        SignIn(user.UserName!, user.Id, user.DisplayName, roles);
        return (user.Id, user.DisplayName);
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Stops what the test started besides the context (e.g. a mail server), after the circuit is gone.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await CleanUpAsync();
        if (ownsApp && app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
