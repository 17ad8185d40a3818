using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Users;

public static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var user = api.MapGroup("/user").WithTags("Users");

        user.MapPost("/create", CreateAsync)
            .WithName("CreateUser")
            .WithSummary("Register a user. Passwords follow Django's validators; username and e-mail are unique without regard to case.")
            .RequireAddressThrottle(AddressThrottleFilter.Register, o => o.RegisterPerAddress)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        user.MapPut("/update", UpdateAsync)
            .WithName("UpdateUser")
            .WithSummary("Change username, e-mail or password (a password change needs current_password and revokes the other sessions).")
            .RequireAccessToken();

        user.MapGet("/me", MeAsync)
            .WithName("Me")
            .WithSummary("The caller's profile, served from the Redis user cache.")
            .RequireAccessToken()
            .PrefetchRedisEntry(ids => UserCache.Key(ids.UserId)); // read with the revocation check: one Redis round trip

        api.MapGet("/users", ListAsync)
            .WithName("ListUsers")
            .WithTags("Users")
            .WithSummary("Public list of users (no e-mail addresses), oldest first, paged by cursor.")
            .RequireAddressThrottle(AddressThrottleFilter.UserList, o => o.UserListPerAddress);

        return api;
    }

    private static async Task<Results<Created<CreatedUserResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateUserRequest request, UserService users, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await users.CreateAsync(request, time.GetUtcNow(), ct)).ToResult(http, created => TypedResults.Created((string?)null, created));

    private static async Task<Results<Ok<UpdateUserResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        UpdateUserRequest request, UserService users, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await users.UpdateAsync(http.GetAccessToken(), request, time.GetUtcNow(), ct))
            .ToResult(http, profile => TypedResults.Ok(new UpdateUserResponse("User updated successfully", profile)));

    private static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> MeAsync(UserCache profiles, HttpContext http, CancellationToken ct) =>
        (await profiles.GetActiveAsync(http.GetAccessToken().Ids.UserId, http.GetPrefetchedRedisEntry(), ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<Page<PublicUser>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? cursor, string? limit, UserService users, HttpContext http, CancellationToken ct) =>
        (await users.ListAsync(cursor, limit, ct)).ToResult(http, page => TypedResults.Ok(page.WithNextUrl(http.Request)));
}
