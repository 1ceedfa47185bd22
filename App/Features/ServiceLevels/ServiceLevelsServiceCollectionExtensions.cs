using BlazorTickets.Features.Account;
using BlazorTickets.Features.Localization;
using BlazorTickets.Features.ServiceLevels.Reports;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Features.ServiceLevels;

public static class ServiceLevelsServiceCollectionExtensions
{
    public static IServiceCollection AddServiceLevels(this IServiceCollection services)
    {
        services.AddOptions<SlaOptions>().BindConfiguration("BlazorTickets:ServiceLevels");
        services.AddSingleton<BusinessCalendarService>();
        services.AddSingleton<SlaRecomputeSignal>();
        services.AddSingleton<SlaWatchSignal>();
        services.AddSingleton<SlaPolicyService>();
        services.AddSingleton<SlaRecompute>();
        services.AddSingleton<SlaWatch>();
        services.AddScoped<SlaTicketService>();
        services.AddHostedService<SlaWorker>();
        services.AddScoped<SlaReportService>();
        return services;
    }

    public static IEndpointRouteBuilder MapServiceLevelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/reports/sla.csv", async (HttpContext http, SlaReportService reports, IStringLocalizer<SharedResource> L, CancellationToken ct) =>
        {
            var period = SlaReportPeriod.FromQuery(http.Request.Query["from"], http.Request.Query["to"], reports.Today);
            if (period is null)
            {
                return Results.Text(L["Enter the dates as yyyy-MM-dd."], statusCode: StatusCodes.Status400BadRequest);
            }
            var result = await reports.GetAsync(period, ct);
            if (result is SlaReportResult.Invalid invalid)
            {
                return Results.Text(string.Join(" ", invalid.Errors.AllTexts(L)), statusCode: StatusCodes.Status400BadRequest);
            }
            var report = ((SlaReportResult.Ready)result).Report;
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"sla-{period.From:yyyy-MM-dd}-{period.To:yyyy-MM-dd}.csv\"";
            await SlaReportService.WriteCsvAsync(report, http.Response.Body, ct);
            return Results.Empty;
        }).RequireAuthorization(Policies.TeamLead);
        return endpoints;
    }
}
