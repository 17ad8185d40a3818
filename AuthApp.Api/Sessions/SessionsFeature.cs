using AuthApp.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Sessions;

/// <summary>The user's own sessions: <c>GET /api/v1/user/sessions</c> and <c>DELETE /api/v1/user/sessions/{id}</c>.</summary>
public static class SessionsFeature
{
    public static IServiceCollection AddUserSessions(this IServiceCollection services) =>
        services.AddScoped<UserSessionService>();

    public static IEndpointRouteBuilder MapUserSessions(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup(ApiRoutes.Version1).MapGroup("/user/sessions").WithTags("Sessions").RequireAccessToken();
        sessions.MapGet("", ListAsync)
            .WithName("ListMySessions")
            .WithSummary("The caller's live sessions: what opened each, from where, when last used; `current` marks the caller's.");
        sessions.MapDelete("/{id:guid}", EndAsync)
            .WithName("EndMySession")
            .WithSummary("End one of the caller's sessions (its tokens stop at once); a browser's ends the apps signed in from it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<UserSessionList>, ProblemHttpResult>> ListAsync(
        UserSessionService sessions, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var token = http.GetAccessToken().Ids;
        return (await sessions.ListAsync(token.UserId, token.SessionId, time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndAsync(
        Guid id, UserSessionService sessions, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await sessions.EndAsync(http.GetAccessToken().Ids.UserId, id, time.GetUtcNow(), ct))
            .ToCodeResult(http, _ => TypedResults.NoContent());
}
