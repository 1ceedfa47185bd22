using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Tickets;

public static class TicketsServiceCollectionExtensions
{
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddSingleton<TicketChangeNotifier>();
        services.AddSingleton<TicketChangeInterceptor>();
        services.AddSingleton<PresenceTracker>();
        services.AddScoped<CircuitPresence>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitPresence>());
        services.AddScoped<TicketService>();
        return services;
    }

    public static IEndpointRouteBuilder MapTicketEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/attachments/{id:int}", async (int id, IDbContextFactory<AppDbContext> dbFactory, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var attachment = await AttachmentContent.Of(db.Attachments.AsNoTracking().Where(a => a.Id == id)).SingleOrDefaultAsync(ct);
            if (attachment is null)
            {
                return Results.NotFound();
            }
            http.Response.Headers.XContentTypeOptions = "nosniff";
            // Always a download, never rendered inline: an attachment may be hostile HTML or SVG.
            return Results.File(attachment.Bytes(), "application/octet-stream", SafeFileName.From(attachment.FileName));
        }).RequireAuthorization(Policies.Staff);
        return endpoints;
    }
}
