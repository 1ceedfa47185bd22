using BlazorTickets.Features.Account;
using BlazorTickets.Features.Api.Tokens;
using BlazorTickets.Features.Billing;
using BlazorTickets.Features.Localization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace BlazorTickets.Features.Api.Resources;

/// <summary>Quotes as the billing pages show them: the list with its filters, a quote with its lines, its PDF and its status.</summary>
public static class QuoteApi
{
    public const int DefaultPageSize = 50;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/quotes", ListAsync)
            .RequireScope(Policies.Billing, ApiScopes.QuotesRead)
            .WithName("listQuotes").WithTags("Quotes")
            .WithSummary("Lists quotes, newest first by page, or oldest first after sinceId/createdAfter to fetch new ones")
            .WithDescription("Filters as the quote list: status, customerId, tenantId, from and to (days, inclusive). Without sinceId and "
                + "createdAfter the answer is a page (page from 1) with the total count and the sums per currency. With either, it holds "
                + "up to pageSize quotes oldest first; pass its nextSinceId as sinceId to get the next ones. createdAfter is a time with its "
                + "offset, e.g. 2026-03-16T10:00:00Z.");

        api.MapGet("/quotes/{id:int}", GetAsync)
            .RequireScope(Policies.Billing, ApiScopes.QuotesRead)
            .WithName("getQuote").WithTags("Quotes")
            .WithSummary("Reads a quote with its lines and the statuses it may change to")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/quotes/{id:int}/pdf", PdfAsync)
            .RequireScope(Policies.Billing, ApiScopes.QuotesRead)
            .WithName("getQuotePdf").WithTags("Quotes")
            .WithSummary("Downloads the quote as the PDF the quote page offers")
            .Produces(StatusCodes.Status200OK, typeof(Stream), QuotePdfFile.ContentType)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/quotes/{id:int}/status", SetStatusAsync)
            .RequireScope(Policies.Billing, ApiScopes.QuotesWrite)
            .WithName("setQuoteStatus").WithTags("Quotes")
            .WithSummary("Changes a quote's status: Draft to Sent or Cancelled, Sent to Accepted, Rejected or Cancelled")
            .WithDescription("Cancelling a draft releases its time back to unbilled. With expectedStatus the change only happens from that "
                + "status; otherwise from whatever status the quote has now. A refused change answers 409 with currentStatus and allowedStatuses.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<QuoteListPage>, ValidationProblem>> ListAsync(
        QuoteService quotes, string? status, int? customerId, int? tenantId, DateOnly? from, DateOnly? to,
        int? sinceId, DateTimeOffset? createdAfter, int? page, int? pageSize, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var parsedStatus = ParseStatus(status, "status", errors);
        var size = pageSize ?? DefaultPageSize;
        if (size is < 1 or > QuoteService.MaxPageSize)
        {
            errors.Add("pageSize", "The page size must be between 1 and {0}.", QuoteService.MaxPageSize);
        }
        var incremental = sinceId is not null || createdAfter is not null;
        if (page is < 1)
        {
            errors.Add("page", "Pages are counted from 1.");
        }
        else if (page is not null && incremental)
        {
            errors.Add("page", "New quotes are fetched with sinceId, not by page.");
        }
        if (!errors.IsEmpty)
        {
            return ApiResults.Invalid(errors);
        }
        var filter = new QuoteListFilter { Status = parsedStatus, CustomerId = customerId, TenantId = tenantId, From = from, To = to };
        if (incremental)
        {
            var rows = await quotes.ListNewAsync(filter, sinceId, createdAfter?.UtcDateTime, size, ct);
            return TypedResults.Ok(new QuoteListPage(rows.Select(QuoteSummary.From).ToList(), size, null, null, null,
                rows.Count > 0 ? rows[^1].Id : sinceId));
        }
        var result = await quotes.QueryAsync(filter, (page ?? 1) - 1, size, ct);
        return TypedResults.Ok(new QuoteListPage(result.Rows.Select(QuoteSummary.From).ToList(), size, page ?? 1, result.TotalCount,
            result.Totals, null));
    }

    private static async Task<Results<Ok<QuoteResource>, ProblemHttpResult>> GetAsync(int id, QuoteService quotes, CancellationToken ct) =>
        await quotes.GetAsync(id, ct) is { } quote ? TypedResults.Ok(QuoteResource.From(quote)) : ApiResults.NotFound("quote");

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PdfAsync(
        int id, QuoteService quotes, IStringLocalizer<SharedResource> L, CancellationToken ct) =>
        await quotes.PdfAsync(id, key => L[key], ct) is { } pdf
            ? TypedResults.File(pdf.Content, QuotePdfFile.ContentType, pdf.FileName)
            : ApiResults.NotFound("quote");

    private static async Task<Results<Ok<QuoteResource>, ValidationProblem, ProblemHttpResult>> SetStatusAsync(
        int id, QuoteStatusChange change, QuoteService quotes, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var next = ParseStatus(change.Status, "status", errors);
        if (next is null && !errors.Has("status"))
        {
            errors.Add("status", "Name the status the quote should change to.");
        }
        var expected = ParseStatus(change.ExpectedStatus, "expectedStatus", errors);
        if (!errors.IsEmpty)
        {
            return ApiResults.Invalid(errors);
        }
        var result = await quotes.SetStatusAsync(id, next!.Value, expected, ct);
        if (result is QuoteStatusResult.Refused refused)
        {
            var reason = refused.Errors.FormErrors.FirstOrDefault()?.Format;
            if (reason == QuoteMessages.NotFound || await quotes.GetAsync(id, ct) is not { } now)
            {
                return ApiResults.NotFound("quote");
            }
            // The status it has now and where it may go from there, so a client can correct itself without a second read.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: refused.Errors.All.First().ToString(),
                extensions: new Dictionary<string, object?>
                {
                    ["currentStatus"] = now.Status.ToString(),
                    ["allowedStatuses"] = QuoteService.NextStatuses(now.Status).Select(s => s.ToString()).ToArray(),
                });
        }
        return TypedResults.Ok(QuoteResource.From((await quotes.GetAsync(id, ct))!));
    }

    /// <summary>Statuses arrive by name (any case); numbers are refused so that a renumbered enum cannot change their meaning.</summary>
    private static QuoteStatus? ParseStatus(string? value, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (ApiEnums.TryParse<QuoteStatus>(value.Trim(), out var status))
        {
            return status;
        }
        errors.Add(field, "The status must be one of {0}.", string.Join(", ", Enum.GetNames<QuoteStatus>()));
        return null;
    }
}

public sealed record QuoteStatusChange(string? Status, string? ExpectedStatus = null);

public sealed record QuoteListPage(
    IReadOnlyList<QuoteSummary> Items,
    int PageSize,
    int? Page,
    int? TotalCount,
    IReadOnlyList<QuoteTotals>? Totals,
    int? NextSinceId);

public sealed record QuoteSummary(
    int Id,
    string Number,
    QuoteStatus Status,
    DateTime CreatedAt,
    int CustomerId,
    string CustomerName,
    int TenantId,
    string TenantName,
    string Currency,
    decimal Net,
    decimal Vat,
    decimal Gross,
    int LineCount)
{
    public static QuoteSummary From(QuoteRow row) => new(
        row.Id, row.Number, row.Status, ApiTime.Utc(row.CreatedAt), row.CustomerId, row.CustomerName,
        row.TenantId, row.TenantName, row.Currency, row.Net, row.Vat, row.Gross, row.LineCount);
}

public sealed record QuoteResource(
    int Id,
    string Number,
    QuoteStatus Status,
    IReadOnlyList<QuoteStatus> NextStatuses,
    DateTime CreatedAt,
    string? CreatedByName,
    int TenantId,
    string TenantName,
    int CustomerId,
    string CustomerNumber,
    string CustomerName,
    string CustomerCompany,
    string CustomerAddress,
    string Currency,
    decimal VatRate,
    decimal Net,
    decimal Vat,
    decimal Gross,
    decimal Hours,
    IReadOnlyList<QuoteLineResource> Lines)
{
    public static QuoteResource From(QuoteDetails q) => new(
        q.Id, q.Number, q.Status, QuoteService.NextStatuses(q.Status), ApiTime.Utc(q.CreatedAt), q.CreatedByName,
        q.TenantId, q.TenantName, q.CustomerId, q.CustomerNumber, q.CustomerName, q.CustomerCompany, q.CustomerAddress,
        q.Currency, q.VatRate, q.Net, q.Vat, q.Gross, q.Hours,
        q.Lines.Select(l => new QuoteLineResource(l.Id, l.TicketId, l.TicketNumber, l.Text, l.UserGroupName, l.Hours, l.Rate, l.Amount, l.EntryCount)).ToList());
}

public sealed record QuoteLineResource(int Id, int TicketId, int TicketNumber, string Text, string UserGroupName, decimal Hours, decimal Rate, decimal Amount, int TimeEntryCount);
