using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace BlazorTickets.Features.Portal;

/// <summary>What every portal page needs: the signed-in customer from the claims, and an honest 404.</summary>
public abstract class PortalPageBase : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>Present while the page is prerendered on the HTTP request, null once it runs on the circuit.</summary>
    [CascadingParameter]
    private HttpContext? HttpContext { get; set; }

    private PortalCustomer? me;

    protected async Task<PortalCustomer?> CurrentCustomerAsync() =>
        me ??= PortalCustomer.From((await AuthenticationState).User);

    /// <summary>
    /// Answers the HTTP request with 404 while prerendering (the app's status code pages then show /not-found); on the
    /// circuit the page shows its own not-found content. The same for "does not exist" and "not yours".
    /// </summary>
    protected void RespondNotFound()
    {
        if (HttpContext is { Response.HasStarted: false } http)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    public static string FormatEffort(decimal? hours) =>
        hours is decimal h ? h.ToString("0.##", CultureInfo.CurrentCulture) + " h" : "—";

    public static string FormatDate(DateOnly? date) => date?.ToString("d", CultureInfo.CurrentCulture) ?? "—";

    public static string FormatTime(DateTime utc) => utc.ToLocalTime().ToString("g", CultureInfo.CurrentCulture);
}
