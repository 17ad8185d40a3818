using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.Common;

/// <summary>
/// Turns what the framework throws for bad input (unreadable JSON, wrong content type, oversized
/// bodies) into the matching 4xx problem, and anything unexpected into a 500 that reveals nothing.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                (415, ErrorCodes.UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, ErrorCodes.PayloadTooLarge, "Payload too large", "The request body is larger than this service accepts."),
            BadHttpRequestException { InnerException: JsonException json } =>
                (400, ErrorCodes.MalformedJson, "Malformed JSON", DescribeJsonError(json)),
            BadHttpRequestException bad =>
                (bad.StatusCode, ErrorCodes.InvalidRequest, "Bad request", "The request could not be read."),
            _ when DatabaseOutage.Explains(exception) =>
                (503, ErrorCodes.DatabaseUnavailable, "Service unavailable", "The database is not answering; retry after the time in Retry-After."),
            _ => (500, ErrorCodes.InternalError, "Internal server error", "An unexpected error occurred."),
        };

        if (status == 503)
        {
            httpContext.Response.SetRetryAfter(DatabaseOutage.RetryAfter);
            logger.LogWarning("PostgreSQL did not answer {Method} {Path}: {Reason}", httpContext.Request.Method, httpContext.Request.Path,
                exception.GetBaseException().Message);
        }
        else if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
                Extensions = { ["code"] = code },
            },
        });
    }

    /// <summary>Where the JSON went wrong, without echoing the input (it may hold a password).</summary>
    private static string DescribeJsonError(JsonException json) =>
        json.Path is { Length: > 1 } path
            ? $"The JSON body is not valid at '{path}': a field is malformed, of the wrong type, or not allowed."
            : "The request body is not valid JSON of the expected shape.";
}
