using AuthApp.Api.Common;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AuthApp.Api.Auth;

public static class AuthEndpoints
{
    public const string RefreshTokenHeader = "X-Refresh-Token";

    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var user = api.MapGroup("/user").WithTags("Authentication");

        user.MapPost("/login", LoginAsync)
            .WithName("Login")
            .WithSummary("Log in with e-mail (or username) and password; returns an access/refresh token pair.")
            .RequireAddressThrottle(AddressThrottle.Login, o => o.LoginPerAddress)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        user.MapPost("/refresh", RefreshAsync)
            .WithName("Refresh")
            .WithSummary("Exchange a refresh token (X-Refresh-Token header or refresh_token in the body) for a new pair; the old one is spent.")
            .RequireAddressThrottle(AddressThrottle.Refresh, o => o.RefreshPerAddress)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        user.MapPost("/logout", LogoutAsync)
            .WithName("Logout")
            .WithSummary("Revoke the session of the refresh token and stop the presented access token at once.")
            .RequireAccessToken()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        return api;
    }

    private static async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request, AuthService auth, HttpContext http, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var identifier = string.IsNullOrWhiteSpace(request.Email) ? request.Username : request.Email;
        if (string.IsNullOrWhiteSpace(identifier))
        {
            errors.Add("email", UserRules.Required);
        }
        else if (identifier.Length > UserRules.EmailMaxLength)
        {
            errors.Add("email", $"Ensure this field has no more than {UserRules.EmailMaxLength} characters.");
        }
        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", UserRules.Required);
        }
        else if (request.Password.Length > 1024)
        {
            errors.Add("password", "Ensure this field has no more than 1024 characters.");
        }
        if (errors.Any)
        {
            return ApiProblem.Validation(errors.ToDictionary());
        }

        var outcome = await auth.LoginAsync(identifier!.Trim(), request.Password!, ct);
        if (outcome.RetryAfter is { } wait)
        {
            http.Response.SetRetryAfter(wait);
        }
        return outcome.Value is { } login ? TypedResults.Ok(login) : ToProblem(outcome);
    }

    private static async Task<Results<Ok<TokenPairResponse>, ProblemHttpResult>> RefreshAsync(
        [FromHeader(Name = RefreshTokenHeader)] string? headerToken,
        [FromBody] RefreshRequest? body,
        AuthService auth,
        CancellationToken ct)
    {
        var outcome = await auth.RefreshAsync(string.IsNullOrWhiteSpace(headerToken) ? body?.RefreshToken : headerToken, ct);
        return outcome.Value is { } pair ? TypedResults.Ok(pair) : ToProblem(outcome);
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> LogoutAsync(
        [FromHeader(Name = RefreshTokenHeader)] string? headerToken,
        [FromBody] RefreshRequest? body,
        HttpContext http,
        AuthService auth,
        CancellationToken ct)
    {
        var outcome = await auth.LogoutAsync(http.GetAccessToken(), http.GetAccessTokenExpiry(),
            string.IsNullOrWhiteSpace(headerToken) ? body?.RefreshToken : headerToken, ct);
        return outcome.Value is { } message ? TypedResults.Ok(message) : ToProblem(outcome);
    }

    private static ProblemHttpResult ToProblem<T>(AuthOutcome<T> outcome) =>
        ApiProblem.Create(outcome.Status, outcome.Code!, outcome.Status switch
        {
            StatusCodes.Status401Unauthorized => "Unauthorized",
            StatusCodes.Status429TooManyRequests => "Too many requests",
            _ => "Bad request",
        }, outcome.Detail);
}
