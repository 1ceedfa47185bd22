using BlazorTickets;
using BlazorTickets.Components;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Health;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Mail;
using BlazorTickets.Features.Mail.Display;
using BlazorTickets.Features.Portal;
using BlazorTickets.Features.ServiceLevels;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;

var builder = WebApplication.CreateBuilder(args);
// Serves MudBlazor's assets from its package when run from the build output outside Development.
builder.WebHost.UseStaticWebAssets();
builder.UseDefaultUrlWhenNoneGiven();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddBlazorTickets(builder.Configuration, builder.Environment);

var app = builder.Build();

if (MailCommandLine.IsMailCommand(args))
{
    return await MailCommandLine.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    // Only sent over HTTPS; tells browsers to stay there.
    app.UseHsts();
}
if (SecurityHeaders.ServesHttps(app.Configuration))
{
    app.UseHttpsRedirection();
}
app.UseSecurityHeaders();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseApiResponses();
app.UseRateLimiter();
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseTenantScope();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapCultureEndpoint();
app.MapTicketEndpoints();
app.MapMailEndpoints();
app.MapPortalEndpoints();
app.MapBillingEndpoints();
app.MapServiceLevelEndpoints();
app.MapMailDisplayEndpoints();
app.MapApi();
app.MapHealth();
// The app's own Content-Security-Policy carries frame-ancestors; a second header from Blazor would only repeat it.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

await app.InitializeDatabaseAsync();
app.Run();
return 0;

public partial class Program;
