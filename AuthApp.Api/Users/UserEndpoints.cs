using AuthApp.Api.Common;
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
            .RequireAddressThrottle(AddressThrottle.Register, o => o.RegisterPerAddress)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        user.MapPut("/update", UpdateAsync)
            .WithName("UpdateUser")
            .WithSummary("Change username, e-mail or password (a password change needs current_password and revokes the other sessions).")
            .RequireAccessToken();

        user.MapGet("/me", MeAsync)
            .WithName("Me")
            .WithSummary("The caller's profile, served from the Redis user cache.")
            .RequireAccessToken();

        api.MapGet("/users", ListAsync)
            .WithName("ListUsers")
            .WithTags("Users")
            .WithSummary("Public list of users (no e-mail addresses), oldest first, paged by cursor.");

        return api;
    }

    private static async Task<Results<Created<CreatedUserResponse>, ValidationProblem>> CreateAsync(
        CreateUserRequest request, UserService users, CancellationToken ct)
    {
        var outcome = await users.CreateAsync(request, ct);
        return outcome.Value is { } created
            ? TypedResults.Created((string?)null, created)
            : ApiProblem.Validation(outcome.Errors!);
    }

    private static async Task<Results<Ok<UpdateUserResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        UpdateUserRequest request, HttpContext http, UserService users, CancellationToken ct)
    {
        var token = http.GetAccessToken();
        var outcome = await users.UpdateAsync(token.UserId, token.SessionId, request, ct);
        if (outcome.AccountGone)
        {
            return ApiProblem.Unauthorized(ErrorCodes.TokenInvalid, "The account for this token no longer exists or is inactive.");
        }
        return outcome.Value is { } profile
            ? TypedResults.Ok(new UpdateUserResponse("User updated successfully", profile))
            : ApiProblem.Validation(outcome.Errors!);
    }

    private static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> MeAsync(HttpContext http, UserCache cache, CancellationToken ct)
    {
        var profile = await cache.GetAsync(http.GetAccessToken().UserId, ct);
        return profile is { IsActive: true }
            ? TypedResults.Ok(profile)
            : ApiProblem.Unauthorized(ErrorCodes.TokenInvalid, "The account for this token no longer exists or is inactive.");
    }

    private static async Task<Results<Ok<Page<PublicUser>>, ValidationProblem>> ListAsync(
        string? cursor, string? limit, HttpRequest request, UserService users, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (after, pageSize) = UserPaging.ReadQuery(cursor, limit, errors);
        if (errors.Any)
        {
            return ApiProblem.Validation(errors.ToDictionary());
        }

        var page = await users.ListAsync(after, pageSize, ct);
        return TypedResults.Ok(page with { Next = page.Next is null ? null : PageLimit.NextUrl(request, page.Next, pageSize) });
    }
}
