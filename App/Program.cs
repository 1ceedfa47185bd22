using BlazorTickets;
using BlazorTickets.Components;
using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Admin;
using BlazorTickets.Features.Demo;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.TimeTracking;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);
// Serves MudBlazor's assets from its package when run from the build output outside Development.
builder.WebHost.UseStaticWebAssets();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddData(builder.Configuration, builder.Environment);
builder.Services.AddAppLocalization();
builder.Services.AddAccount();
builder.Services.AddDemo();
builder.Services.AddTickets();
builder.Services.AddAdmin();
builder.Services.AddTimeTracking();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseRequestLocalization();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapCultureEndpoint();
app.MapTicketEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.InitializeDatabaseAsync();
app.Run();

public partial class Program;
