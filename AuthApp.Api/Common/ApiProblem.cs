using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Common;

/// <summary>
/// RFC 9457 problem details with a stable machine-readable <c>code</c>. The <c>traceId</c> is added
/// for every problem by the problem-details service (see <see cref="ProblemDetailsSetup"/>).
/// </summary>
public static class ApiProblem
{
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null,
        IReadOnlyDictionary<string, string[]>? fields = null, IReadOnlyDictionary<string, object?>? more = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (fields is not null)
        {
            extensions["errors"] = fields;
        }
        foreach (var (name, value) in more ?? new Dictionary<string, object?>())
        {
            extensions[name] = value;
        }
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    public static ValidationProblem Validation(IReadOnlyDictionary<string, string[]> errors, string detail = Error.InvalidFieldsDetail) =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "One or more validation errors occurred.",
            extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.ValidationFailed });

    public static string TitleFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status403Forbidden => "Forbidden",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status429TooManyRequests => "Too many requests",
        StatusCodes.Status503ServiceUnavailable => "Service unavailable",
        _ => "Bad request",
    };
}

/// <summary>The <c>code</c> values clients may rely on. Never renamed once published.</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string InvalidCredentials = "invalid_credentials";
    public const string RateLimited = "rate_limited";
    public const string ServerBusy = "server_busy";
    public const string DatabaseUnavailable = "database_unavailable";
    public const string InvalidRequest = "invalid_request";
    public const string MalformedJson = "malformed_json";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string PayloadTooLarge = "payload_too_large";
    public const string InternalError = "internal_error";
    public const string NotAuthenticated = "not_authenticated";
    public const string TokenInvalid = "token_invalid";
    public const string TokenExpired = "token_expired";
    public const string TokenRevoked = "token_revoked";
    public const string Forbidden = "forbidden";
    public const string RefreshTokenMissing = "refresh_token_missing";
    public const string RefreshTokenInvalid = "refresh_token_invalid";
    public const string RefreshTokenExpired = "refresh_token_expired";
    public const string RefreshTokenRevoked = "refresh_token_revoked";
    public const string RefreshTokenReused = "refresh_token_reused";
    public const string TokenUserMismatch = "token_user_mismatch";
    public const string UserNotFound = "user_not_found";
    public const string SessionNotFound = "session_not_found";
    public const string ClientNotFound = "client_not_found";
    public const string ClientExists = "client_exists";
    public const string KeyRotationUnavailable = "key_rotation_unavailable";
    public const string AccountTokenInvalid = "account_token_invalid";
    public const string EmailNotVerified = "email_not_verified";
    public const string EmailAlreadyVerified = "email_already_verified";
    public const string SecondFactorRequired = "second_factor_required";
    public const string ChallengeInvalid = "challenge_invalid";
    public const string InvalidCode = "invalid_code";
    public const string FactorExists = "factor_exists";
    public const string FactorNotFound = "factor_not_found";
    public const string StepUpRequired = "step_up_required";
    public const string PasskeyInvalid = "passkey_invalid";
    public const string PasskeysUnavailable = "passkeys_unavailable";
}
