using System.Diagnostics;

namespace AuthApp.Api.Common;

public static class ProblemDetailsSetup
{
    /// <summary>Every problem (ours, the framework's, status-code pages) carries a traceId and a code.</summary>
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // The contract names it traceId; .NET 10 would also write it under the JSON naming policy (trace_id).
            context.ProblemDetails.Extensions.Remove("trace_id");
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                context.ProblemDetails.Extensions["code"] = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status401Unauthorized => ErrorCodes.NotAuthenticated,
                    StatusCodes.Status403Forbidden => ErrorCodes.Forbidden,
                    StatusCodes.Status404NotFound => "not_found",
                    StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
                    StatusCodes.Status413PayloadTooLarge => ErrorCodes.PayloadTooLarge,
                    StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedMediaType,
                    StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
                    >= 500 => ErrorCodes.InternalError,
                    _ => ErrorCodes.InvalidRequest,
                };
            }
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        return services;
    }
}
