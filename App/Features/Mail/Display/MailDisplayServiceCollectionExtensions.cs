using BlazorTickets.Data;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Tickets;
using BlazorTickets.Features.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace BlazorTickets.Features.Mail.Display;

public static class MailDisplayServiceCollectionExtensions
{
    public static IServiceCollection AddMailDisplay(this IServiceCollection services)
    {
        services.AddSingleton<InlineImageLinks>();
        services.AddSingleton<MailHtmlSanitizer>();
        return services;
    }

    /// <summary>
    /// <c>/attachments/{id}/inline</c>: an attachment shown inside a mail, served only when its bytes are a PNG, JPEG,
    /// GIF or WebP image, never SVG or anything else a browser might run. For staff, or for a request carrying an
    /// <see cref="InlineImageLinks"/> permission (the sandboxed mail iframe cannot send the sign-in cookie).
    /// </summary>
    public static IEndpointRouteBuilder MapMailDisplayEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/attachments/{id:int}/inline", async (
            int id,
            [FromQuery(Name = InlineImageLinks.AccessParameter)] string? access,
            HttpContext http,
            InlineImageLinks inlineImageLinks,
            IAuthorizationService authorization,
            IDbContextFactory<AppDbContext> dbFactory,
            TenantScope tenants,
            CancellationToken ct) =>
        {
            // A permission was minted while rendering the ticket for someone allowed to see it.
            var tenantAccess = TenantAccess.All;
            if (!inlineImageLinks.Grants(access, id))
            {
                var staff = await authorization.AuthorizeAsync(http.User, Policies.Staff);
                if (!staff.Succeeded)
                {
                    return http.User.Identity?.IsAuthenticated == true ? Results.Forbid() : Results.Challenge();
                }
                tenantAccess = await tenants.GetAsync(ct);
            }

            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var attachment = db.Set<Attachment>().AsNoTracking().Where(a => a.Id == id).WhereTenantAllowed(tenantAccess, a => a.Message.Ticket.TenantId);
            var content = (await AttachmentContent.Of(attachment).SingleOrDefaultAsync(ct))?.Bytes();
            // The bytes decide, not the Content-Type the sender declared: a "image/png" may well be HTML.
            if (content is null || ImageFormats.Detect(content) is not { } contentType)
            {
                return Results.NotFound();
            }
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'";
            return Results.Bytes(content, contentType);
        }).AllowAnonymous(); // Checked above: staff, or a permission minted for staff.
        return endpoints;
    }
}
