using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Common;

/// <summary>
/// The one place where outcomes become HTTP: the error code decides the status, validation errors
/// become a validation problem, and a retry-after becomes the header. Endpoints declare the typed
/// results they can return, so OpenAPI still sees every response.
/// </summary>
public static class OutcomeResults
{
    private static readonly FrozenDictionary<string, int> StatusByCode = new Dictionary<string, int>
    {
        [ErrorCodes.ValidationFailed] = StatusCodes.Status400BadRequest,
        [ErrorCodes.InvalidCredentials] = StatusCodes.Status400BadRequest,
        [ErrorCodes.RefreshTokenMissing] = StatusCodes.Status400BadRequest,
        [ErrorCodes.RefreshTokenInvalid] = StatusCodes.Status400BadRequest,
        [ErrorCodes.RefreshTokenExpired] = StatusCodes.Status400BadRequest,
        [ErrorCodes.TokenUserMismatch] = StatusCodes.Status400BadRequest,
        [ErrorCodes.AccountTokenInvalid] = StatusCodes.Status400BadRequest,
        [ErrorCodes.NotAuthenticated] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.TokenInvalid] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.TokenExpired] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.TokenRevoked] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.RefreshTokenRevoked] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.RefreshTokenReused] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.Forbidden] = StatusCodes.Status403Forbidden,
        [ErrorCodes.EmailNotVerified] = StatusCodes.Status403Forbidden,
        [ErrorCodes.SecondFactorRequired] = StatusCodes.Status401Unauthorized,
        [ErrorCodes.ChallengeInvalid] = StatusCodes.Status400BadRequest,
        [ErrorCodes.InvalidCode] = StatusCodes.Status400BadRequest,
        [ErrorCodes.FactorExists] = StatusCodes.Status409Conflict,
        [ErrorCodes.FactorNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.StepUpRequired] = StatusCodes.Status403Forbidden,
        [ErrorCodes.PasskeyInvalid] = StatusCodes.Status400BadRequest,
        [ErrorCodes.PasskeysUnavailable] = StatusCodes.Status404NotFound,
        [ErrorCodes.UserNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.SessionNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.ClientNotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.ClientExists] = StatusCodes.Status409Conflict,
        [ErrorCodes.KeyRotationUnavailable] = StatusCodes.Status409Conflict,
        [ErrorCodes.EmailAlreadyVerified] = StatusCodes.Status409Conflict,
        [ErrorCodes.RateLimited] = StatusCodes.Status429TooManyRequests,
        [ErrorCodes.ServerBusy] = StatusCodes.Status503ServiceUnavailable,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static int StatusOf(string code) => StatusByCode.GetValueOrDefault(code, StatusCodes.Status400BadRequest);

    /// <summary>For routes whose failures include field validation.</summary>
    public static Results<TSuccess, ValidationProblem, ProblemHttpResult> ToResult<T, TSuccess>(
        this Outcome<T> outcome, HttpContext http, Func<T, TSuccess> success) where TSuccess : IResult
    {
        if (outcome.Error is not { } error)
        {
            return success(outcome.Value!);
        }
        if (error.Fields is { } fields)
        {
            return ApiProblem.Validation(fields, error.Detail);
        }
        return error.ToProblem(http);
    }

    /// <summary>For routes that fail only with a code (no field errors).</summary>
    public static Results<TSuccess, ProblemHttpResult> ToCodeResult<T, TSuccess>(
        this Outcome<T> outcome, HttpContext http, Func<T, TSuccess> success) where TSuccess : IResult =>
        outcome.Error is { } error ? error.ToProblem(http) : success(outcome.Value!);

    public static ProblemHttpResult ToProblem(this Error error, HttpContext http)
    {
        if (error.RetryAfter is { } wait)
        {
            http.Response.SetRetryAfter(wait);
        }
        var status = StatusOf(error.Code);
        return ApiProblem.Create(status, error.Code, ApiProblem.TitleFor(status), error.Detail, error.Fields, error.Extensions);
    }
}
