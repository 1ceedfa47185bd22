using System.Security.Claims;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Users;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace BlazorTickets.Tests.Features.TimeTracking;

/// <summary>A bUnit context on the host's real singletons (ticker, timer registry, notifier) and services, signed in as someone.</summary>
public static class TimeTrackingComponentContext
{
    public static void SignInForTimeTracking(this BunitContext context, TimeTrackingHost host, string userId, string name, bool teamLead = false, bool billingClerk = false)
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddLocalization();
        context.Services.AddSingleton<TimeProvider>(host.Clock);
        context.Services.AddSingleton(host.Ticker);
        context.Services.AddSingleton(host.Registry);
        context.Services.AddSingleton(host.Notifier);
        context.Services.AddSingleton<IDbContextFactory<AppDbContext>>(host.DbFactory);
        context.Services.AddScoped<TimeTrackingService>();
        context.Services.AddScoped<WorkloadService>();
        context.Services.AddScoped<TimerActions>();

        var authorization = context.AddAuthorization();
        authorization.SetAuthorized(name);
        authorization.SetRoles(teamLead ? Groups.TeamLeads : billingClerk ? Groups.Billing : Groups.TicketSupport);
        authorization.SetPolicies(teamLead ? [Policies.Staff, Policies.TeamLead] : billingClerk ? [Policies.Staff, Policies.Billing] : [Policies.Staff]);
        authorization.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, userId),
            new Claim(AppClaimsPrincipalFactory.DisplayNameClaim, name));
    }
}
