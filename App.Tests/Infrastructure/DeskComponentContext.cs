using System.Security.Claims;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace BlazorTickets.Tests.Infrastructure;

/// <summary>
/// A bUnit context wired to the app's real ticket services over a demo-seeded SQLite file, signed in as an agent.
/// </summary>
public static class DeskComponentContext
{
    public const string AgentEmail = "anna@contoso.example";

    public static async Task<(string UserId, string Name)> SignInAsAgentAsync(this BunitContext context, TestServices app, string email = AgentEmail)
    {
        await using var db = await app.DbFactory.CreateDbContextAsync();
        var user = await db.Users.SingleAsync(u => u.Email == email);

        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLocalization();
        context.Services.AddSingleton(app.Get<TicketChangeNotifier>());
        context.Services.AddSingleton(app.Get<PresenceTracker>());
        context.Services.AddSingleton(app.Get<LiveTicketRows>());
        context.Services.AddScoped<CircuitPresence>();
        context.Services.AddScoped(sp => new TenantScope(sp, app.Get<UserTenantCache>()));
        context.Services.AddScoped(sp => new TicketService(app.DbFactory, app.Get<TimeProvider>(), sp.GetRequiredService<TenantScope>()));
        context.Services.AddScoped(sp => new PickerService(app.DbFactory, sp.GetRequiredService<TenantScope>()));
        context.Services.AddSingleton(app.Get<BlazorTickets.Features.Mail.MailboxSettingsService>());
        context.Services.AddSingleton(app.Get<BlazorTickets.Features.Mail.MailFetchService>());

        var authorization = context.AddAuthorization();
        authorization.SetAuthorized(user.UserName!);
        authorization.SetRoles(Groups.TicketSupport);
        authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, user.Id),
            new Claim(BlazorTickets.Features.Account.AppClaimsPrincipalFactory.DisplayNameClaim, user.DisplayName));
        return (user.Id, user.DisplayName);
    }
}
