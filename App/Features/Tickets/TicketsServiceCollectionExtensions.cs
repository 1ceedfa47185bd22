using BlazorTickets.Data;
using BlazorTickets.Data.Postgres;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BlazorTickets.Features.Tickets;

public static class TicketsServiceCollectionExtensions
{
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddSingleton<TicketChangeNotifier>();
        services.AddCrossNodeChannel(TicketChangeNotifier.CrossNodeChannel);
        services.AddSingleton<TicketChangeInterceptor>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<TicketChangeInterceptor>());
        services.AddSingleton<IInterceptor>(SqliteFunctionsInterceptor.Instance);
        services.AddSingleton<IInterceptor, History.TicketHistoryInterceptor>();
        services.AddScoped<History.TicketHistoryService>();
        services.AddSingleton<LiveTicketRows>();
        services.AddSingleton<PresenceTracker>();
        services.AddCrossNodeChannel(sp => ActivatorUtilities.CreateInstance<PresenceChannel>(sp));
        services.AddScoped<CircuitPresence>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitPresence>());
        services.AddScoped<TicketService>();
        services.AddScoped<PickerService>();
        return services;
    }

    public static IEndpointRouteBuilder MapTicketEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/attachments/{id:int}", AttachmentDownloadAsync).RequireAuthorization(Policies.Staff);

        endpoints.MapGet("/admin/history.csv", async (HttpContext http, History.TicketHistoryService history, CancellationToken ct) =>
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"ticket-history.csv\"";
            await history.WriteCsvAsync(History.HistoryQuery.FromQuery(http.Request.QueryString.Value ?? ""), http.Response.Body, ct);
        }).RequireAuthorization(Policies.Admin);
        return endpoints;
    }

    /// <summary>
    /// An attachment of a ticket the signed-in user may see, always as a download, never rendered inline: it may be
    /// hostile HTML or SVG. Another tenant's attachment is as missing as one that does not exist.
    /// </summary>
    public static async Task<IResult> AttachmentDownloadAsync(int id, IDbContextFactory<AppDbContext> dbFactory, TenantScope tenants, HttpContext http, CancellationToken ct)
    {
        var access = await tenants.GetAsync(ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ofTicket = db.Set<Attachment>().AsNoTracking().Where(a => a.Id == id).WhereTenantAllowed(access, a => a.Message.Ticket.TenantId);
        var attachment = await AttachmentContent.Of(ofTicket).SingleOrDefaultAsync(ct);
        if (attachment is null)
        {
            return Results.NotFound();
        }
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.File(attachment.Bytes(), "application/octet-stream", SafeFileName.From(attachment.FileName));
    }
}
