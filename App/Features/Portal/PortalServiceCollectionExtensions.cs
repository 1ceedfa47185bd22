using BlazorTickets.Features.Account;
using BlazorTickets.Features.Tickets;
using Microsoft.AspNetCore.SignalR;

namespace BlazorTickets.Features.Portal;

public static class PortalServiceCollectionExtensions
{
    public const string AttachmentPath = "/portal/attachments";

    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddSingleton<ITicketTouches, PortalTicketTouches>();
        services.AddScoped<PortalService>();
        services.AddScoped<PortalAccessService>();
        services.AddSingleton<PortalLinkAddress>();
        services.AddSingleton<PasswordResetThrottle>();
        // A pasted log or a long description arrives as one circuit message; SignalR's default of 32 KB would drop the
        // circuit (and the typed text with it) instead of letting the portal answer with a clear error. Room for
        // PortalLimits.MaxTextLength characters of any script, JSON-escaped.
        services.Configure<HubOptions>(o => o.MaximumReceiveMessageSize = Math.Max(o.MaximumReceiveMessageSize ?? 0, 512 * 1024));
        return services;
    }

    public static IEndpointRouteBuilder MapPortalEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AttachmentPath + "/{id:int}", async (int id, PortalService portal, HttpContext http, CancellationToken ct) =>
        {
            // Same answer for "no such attachment", "another customer's" and "an internal note's": 404.
            var me = PortalCustomer.From(http.User);
            var attachment = me is null ? null : await portal.GetAttachmentAsync(me, id, ct);
            if (attachment is null)
            {
                return Results.NotFound();
            }
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "private, no-store";
            // Always a download, never rendered inline: an attachment may be hostile HTML or SVG.
            return Results.File(attachment.Content, "application/octet-stream", SafeFileName.From(attachment.FileName));
        }).RequireAuthorization(Policies.Customer);
        return endpoints;
    }
}
