namespace BlazorTickets;

/// <summary>Response headers that keep pages from being framed, sniffed or used to run foreign scripts.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Scripts only from this site (Blazor Server needs no eval); inline styles because MudBlazor sets style attributes;
    /// remote images because a mail's frame (srcdoc inherits this policy) may show them on request, and the frame's own
    /// stricter policy decides; the circuit's WebSocket to this site.
    /// </summary>
    /// <remarks>
    /// A srcdoc frame is bound by this policy as well as its own, so the mail frame's sizing script is admitted here
    /// too, by its hash alone.
    /// </remarks>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'self'; script-src 'self' 'sha256-{BlazorTickets.Features.Mail.Display.MailHtmlView.SizingScriptHash}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; " +
        "font-src 'self' data:; connect-src 'self' ws: wss:; frame-src 'self'; frame-ancestors 'self'; base-uri 'self'; " +
        "form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // An endpoint with a stricter policy of its own (attachments, mail frames) keeps it.
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                }
                headers.XContentTypeOptions = "nosniff";
                // A page with a token in its address (set-password) sends no referrer at all; keep that.
                if (!headers.ContainsKey("Referrer-Policy"))
                {
                    headers["Referrer-Policy"] = "same-origin";
                }
                return Task.CompletedTask;
            });
            await next();
        });

    /// <summary>True when the app serves HTTPS (an https:// address or HTTPS port), so redirecting to it can work.</summary>
    public static bool ServesHttps(IConfiguration configuration) =>
        (configuration["urls"] ?? "").Contains("https://", StringComparison.OrdinalIgnoreCase)
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || !string.IsNullOrWhiteSpace(configuration["HTTPS_PORT"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any(e => (e["Url"] ?? "").StartsWith("https://", StringComparison.OrdinalIgnoreCase));
}
