using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BlazorTickets.Features.Api;

/// <summary>RFC 9457 problem details for the API's refusals, with the services' field errors in English.</summary>
public static class ApiResults
{
    /// <summary>A refused body: 400 with "errors" keyed by the JSON field names, as ASP.NET's own validation answers.</summary>
    public static ValidationProblem Invalid(FieldErrors errors) =>
        TypedResults.ValidationProblem(
            errors.ToDictionary(e => JsonName(e.Key), e => e.Value.Select(m => m.ToString()).ToArray()),
            detail: errors.FormErrors.Count > 0 ? string.Join(" ", errors.FormErrors.Select(m => m.ToString())) : null,
            title: "The request is not valid.");

    public static ValidationProblem Invalid(string field, string message) => Invalid(FieldErrors.Of(field, message));

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: $"There is no {what} with this id that you may see.");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: detail);

    /// <summary>The entity changed since the client read it (its If-Match no longer holds).</summary>
    public static ProblemHttpResult PreconditionFailed(long currentVersion) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The resource changed since you read it.",
            detail: "Read it again (its ETag is now " + ETag(currentVersion) + "), apply your change to that and send it with the new If-Match.");

    public static ProblemHttpResult PreconditionRequired() =>
        TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match is required.",
            detail: "Send the ETag you read with GET in an If-Match header, so that a change made meanwhile is not overwritten.");

    public static string ETag(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>The version an If-Match header names; null without the header, -1 for one that names no version of ours.</summary>
    public static long? IfMatchVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }
        if (header.StartsWith("W/", StringComparison.Ordinal))
        {
            header = header[2..];
        }
        return long.TryParse(header.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;
    }

    /// <summary>A service's property name as the JSON field it arrives in (camelCase); the form-wide key stays empty.</summary>
    public static string JsonName(string property) =>
        property.Length == 0 ? property : char.ToLowerInvariant(property[0]) + property[1..];
}
