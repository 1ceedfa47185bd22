using System.Globalization;
using System.Text;
using BlazorTickets.Data.Postgres;
using BlazorTickets.Features.Account;
using BlazorTickets.Features.Localization;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Features.Billing;

public static class BillingServiceCollectionExtensions
{
    public static IServiceCollection AddBilling(this IServiceCollection services)
    {
        services.AddScoped<BillingService>();
        services.AddScoped<QuoteService>();
        services.AddSingleton<QuoteChangeNotifier>();
        services.AddCrossNodeChannel(QuoteChangeNotifier.CrossNodeChannel);
        return services;
    }

    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/quotes/{id:int}/pdf", async (int id, QuoteService quotes, IStringLocalizer<SharedResource> L, CancellationToken ct) =>
        {
            var pdf = await quotes.PdfAsync(id, key => L[key], ct);
            return pdf is null ? Results.NotFound() : Results.File(pdf.Content, QuotePdfFile.ContentType, pdf.FileName);
        }).RequireAuthorization(Policies.Billing);

        endpoints.MapGet("/quotes.csv", async (HttpContext http, QuoteService quotes, CancellationToken ct) =>
        {
            var filter = QuoteListFilter.FromQuery(http.Request.QueryString.Value ?? "");
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"quotes.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            await writer.WriteLineAsync(QuoteCsv.Header);
            await foreach (var row in quotes.StreamAsync(filter, ct))
            {
                await writer.WriteLineAsync(QuoteCsv.Line(row));
            }
        }).RequireAuthorization(Policies.Billing);
        return endpoints;
    }
}

/// <summary>The quote list as CSV: comma-separated, invariant numbers, dates as yyyy-MM-dd.</summary>
public static class QuoteCsv
{
    public const string Header = "Number,Date,Customer,Tenant,Status,Currency,Net,VAT,Gross,Lines";

    public static string Line(QuoteRow row) => string.Join(",",
        Field(row.Number),
        row.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Field(row.CustomerName),
        Field(row.TenantName),
        row.Status.ToString(),
        Field(row.Currency),
        row.Net.ToString("0.00", CultureInfo.InvariantCulture),
        row.Vat.ToString("0.00", CultureInfo.InvariantCulture),
        row.Gross.ToString("0.00", CultureInfo.InvariantCulture),
        row.LineCount.ToString(CultureInfo.InvariantCulture));

    private static string Field(string value)
    {
        // A leading = + - @ would make a spreadsheet run the cell as a formula.
        if (value.Length > 0 && "=+-@".Contains(value[0]))
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
