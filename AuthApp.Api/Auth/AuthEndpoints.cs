using AuthApp.Api.Sessions;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
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
            .RequireAddressThrottle(AddressThrottleFilter.Login, o => o.LoginPerAddress)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        user.MapPost("/refresh", RefreshAsync)
            .WithName("Refresh")
            .WithSummary("Exchange a refresh token (X-Refresh-Token header or refresh_token in the body) for a new pair; the old one is spent.")
            .RequireAddressThrottle(AddressThrottleFilter.Refresh, o => o.RefreshPerAddress)
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
        LoginRequest request, LoginHandler login, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await login.LoginAsync(request, SessionOrigin.Of(http), time.GetUtcNow(), ct)).ToResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<TokenPairResponse>, ProblemHttpResult>> RefreshAsync(
        [FromHeader(Name = RefreshTokenHeader)] string? headerToken,
        [FromBody] RefreshRequest? body,
        RefreshHandler refresh,
        TimeProvider time,
        HttpContext http,
        CancellationToken ct) =>
        (await refresh.RefreshAsync(PresentedRefreshToken(headerToken, body), time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> LogoutAsync(
        [FromHeader(Name = RefreshTokenHeader)] string? headerToken,
        [FromBody] RefreshRequest? body,
        LogoutHandler logout,
        TimeProvider time,
        HttpContext http,
        CancellationToken ct) =>
        (await logout.LogoutAsync(http.GetAccessToken(), PresentedRefreshToken(headerToken, body), time.GetUtcNow(), ct))
            .ToCodeResult(http, TypedResults.Ok);

    /// <summary>The header wins; the body is the original's other way to send it.</summary>
    private static string? PresentedRefreshToken(string? headerToken, RefreshRequest? body) =>
        string.IsNullOrWhiteSpace(headerToken) ? body?.RefreshToken : headerToken;
}
