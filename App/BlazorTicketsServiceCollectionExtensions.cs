using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Api;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Health;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Mail.Display;
using BlazorTickets.Features.Merging;
using BlazorTickets.Features.Notifications;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.Replies;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using BlazorTickets.Features.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;

namespace BlazorTickets;

public static class BlazorTicketsServiceCollectionExtensions
{
    /// <summary>
    /// Every feature's services, MudBlazor's included. Program.cs and every test host (App.Tests/Infrastructure:
    /// TestServices, BlazorTicketsTestContext, AppFactory through Program.cs) call this and only add overrides
    /// (test database, clock, sign-in), so a service missing here fails the tests too.
    /// </summary>
    public static IServiceCollection AddBlazorTickets(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddData(configuration, environment);
        services.AddMudServices(config =>
        {
            // Each circuit's popover service ticks at this period to detach closed popovers in the browser; at the
            // default 500 ms a hundred idle desks keep a core busy. Detaching a few seconds later changes nothing seen.
            config.PopoverOptions.QueueDelay = TimeSpan.FromSeconds(5);
        });
        // After AddMudServices: it replaces MudBlazor's localizer with the app's German one.
        services.AddAppLocalization();
        services.AddAccount(configuration);
        services.AddDemo();
        services.AddTickets();
        services.AddAdmin();
        services.AddMail(configuration);
        services.AddMailDisplay();
        services.AddPortal();
        services.AddTimeTracking();
        services.AddBilling();
        services.AddReplies();
        services.AddNotifications();
        services.AddServiceLevels();
        services.AddMerging();
        services.AddApi(configuration);
        services.AddHealth();
        services.AddWebhooks();
        return services;
    }
}
