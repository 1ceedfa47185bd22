namespace BlazorTickets;

public static class HostingDefaults
{
    public const string DefaultUrl = "http://localhost:5000";

    /// <summary>
    /// The address to listen on when nothing else says where: not ASPNETCORE_URLS / --urls, ASPNETCORE_HTTP_PORTS,
    /// ASPNETCORE_HTTPS_PORTS nor Kestrel endpoints. Null when one of those is set, so the standard settings win.
    /// </summary>
    public static string? FallbackUrl(IConfiguration configuration)
    {
        var configured = !string.IsNullOrWhiteSpace(configuration["urls"])
            || !string.IsNullOrWhiteSpace(configuration["http_ports"])
            || !string.IsNullOrWhiteSpace(configuration["https_ports"])
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        return configured ? null : DefaultUrl;
    }

    public static WebApplicationBuilder UseDefaultUrlWhenNoneGiven(this WebApplicationBuilder builder)
    {
        if (FallbackUrl(builder.Configuration) is { } url)
        {
            builder.WebHost.UseUrls(url);
        }
        return builder;
    }
}
