using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace BlazorTickets.Features.Localization;

public static class LocalizationServiceCollectionExtensions
{
    public static readonly string[] SupportedCultures = ["en", "de"];

    public static IServiceCollection AddAppLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddSingleton<IStringLocalizer<SharedResource>, SharedLocalizer>();
        // After AddMudServices, so MudBlazor's components take this one.
        services.AddTransient<MudLocalizer, GermanMudLocalizer>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(SupportedCultures[0])
                .AddSupportedCultures(SupportedCultures)
                .AddSupportedUICultures(SupportedCultures);
            o.ApplyCurrentCultureToResponseHeaders = true;
        });
        return services;
    }

    /// <summary>The app-bar switcher posts here; the cookie wins over the browser's Accept-Language from then on.</summary>
    public static IEndpointRouteBuilder MapCultureEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/culture/set", (string culture, string? redirectUri, HttpContext http) =>
        {
            if (!SupportedCultures.Contains(culture))
            {
                return Results.BadRequest($"Unsupported culture '{culture}'. Supported: {string.Join(", ", SupportedCultures)}.");
            }
            http.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
            return Results.LocalRedirect(LocalUrl.OrDefault(redirectUri, "/"));
        });
        return endpoints;
    }
}
