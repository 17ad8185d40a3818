using AuthApp.Api.Auth;
using AuthApp.Api.Sessions;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Factors;

/// <summary>
/// Passkeys through the JSON API: each ceremony is two requests — options for <c>navigator.credentials</c>, then the
/// browser's answer with the ceremony's id. Under <c>/api/v1/user/login/…</c> (anonymous, throttled like the login):
/// sign in with a passkey alone, or answer a login's second-factor challenge with one. Under
/// <c>/api/v1/user/passkeys</c> (the owner): register, list, rename, remove.
/// </summary>
public static class PasskeyEndpoints
{
    public static void MapPasskeys(RouteGroupBuilder user)
    {
        user.MapPost("/login/passkey/options", LoginOptionsAsync).WithTags("Authentication").WithName("PasskeyLoginOptions")
            .WithSummary("Start a sign-in with a passkey alone: options for navigator.credentials.get().")
            .RequireAddressThrottle(AddressThrottleFilter.Login, o => o.LoginPerAddress);
        user.MapPost("/login/passkey", LoginAsync).WithTags("Authentication").WithName("PasskeyLogin")
            .WithSummary("Finish a sign-in with a passkey alone: the ceremony and the browser's credential; answers the login's tokens.")
            .RequireAddressThrottle(AddressThrottleFilter.Login, o => o.LoginPerAddress);
        user.MapPost("/login/second-factor/passkey-options", SecondFactorOptionsAsync).WithTags("Authentication")
            .WithName("PasskeySecondFactorOptions")
            .WithSummary("Options for answering a login's second-factor challenge with one of the account's passkeys.")
            .RequireAddressThrottle(AddressThrottleFilter.Login, o => o.LoginPerAddress);

        var passkeys = user.MapGroup("/passkeys").WithTags("Passkeys").RequireAccessToken();
        passkeys.MapGet("", ListAsync).WithName("ListMyPasskeys").WithSummary("The caller's passkeys (names and dates, never keys).");
        passkeys.MapPost("/options", RegistrationOptionsAsync).WithName("PasskeyRegistrationOptions")
            .WithSummary("Start registering a passkey: options for navigator.credentials.create(). Needs a second factor when the account has one.");
        passkeys.MapPost("", RegisterAsync).WithName("RegisterPasskey")
            .WithSummary("Finish registering: the ceremony, the browser's credential and a name.");
        passkeys.MapPost("/assertion-options", AssertionOptionsAsync).WithName("PasskeyStepUpOptions")
            .WithSummary("Options for proving a change with one of the caller's passkeys (second_factor_passkey).");
        passkeys.MapPatch("/{id:guid}", RenameAsync).WithName("RenamePasskey").WithSummary("Rename a passkey.");
        passkeys.MapPost("/{id:guid}/remove", RemoveAsync).WithName("RemovePasskey")
            .WithSummary("Remove a passkey, with a second factor (another passkey, or a code) when the account has one.");
    }

    private static async Task<Results<Ok<PasskeyCeremonyResponse>, ProblemHttpResult>> LoginOptionsAsync(Passkeys passkeys,
        TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await passkeys.BeginAssertionAsync(null, PasskeyPurpose.SignIn, time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> LoginAsync(PasskeyAnswer answer, LoginHandler login,
        TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await login.LoginWithPasskeyAsync(answer, SessionOrigin.Of(http), time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<PasskeyCeremonyResponse>, ProblemHttpResult>> SecondFactorOptionsAsync(
        LoginChallengeRequest request, LoginChallenges challenges, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await challenges.BeginPasskeyAsync(request.Challenge, time.GetUtcNow(), ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Ok<IReadOnlyList<PasskeyView>>> ListAsync(Passkeys passkeys, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await passkeys.ListAsync(http.GetAccessToken().Ids.UserId, ct));

    private static async Task<Results<Ok<PasskeyCeremonyResponse>, ProblemHttpResult>> RegistrationOptionsAsync(FactorChangeProof? proof,
        Passkeys passkeys, StepUp stepUp, AuthDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var userId = http.GetAccessToken().Ids.UserId;
        var now = time.GetUtcNow();
        if (await stepUp.CheckAsync(userId, proof, now, ct) is { } notProven)
        {
            return notProven.ToProblem(http);
        }
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
        return (await passkeys.BeginRegistrationAsync(user, now, ct)).ToCodeResult(http, TypedResults.Ok);
    }

    private static async Task<Results<Created<PasskeyView>, ProblemHttpResult>> RegisterAsync(PasskeyRegistrationRequest request,
        Passkeys passkeys, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await passkeys.FinishRegistrationAsync(http.GetAccessToken().Ids.UserId, request, time.GetUtcNow(), ct))
            .ToCodeResult(http, view => TypedResults.Created($"/api/v1/user/passkeys/{view.Id}", view));

    private static async Task<Results<Ok<PasskeyCeremonyResponse>, ProblemHttpResult>> AssertionOptionsAsync(Passkeys passkeys,
        TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await passkeys.BeginAssertionAsync(http.GetAccessToken().Ids.UserId, PasskeyPurpose.StepUp, time.GetUtcNow(), ct))
            .ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<PasskeyView>, ProblemHttpResult>> RenameAsync(Guid id, PasskeyRenameRequest request,
        Passkeys passkeys, HttpContext http, CancellationToken ct) =>
        (await passkeys.RenameAsync(http.GetAccessToken().Ids.UserId, id, request.Name, ct)).ToCodeResult(http, TypedResults.Ok);

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(Guid id, FactorChangeProof? proof, Passkeys passkeys,
        StepUp stepUp, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var userId = http.GetAccessToken().Ids.UserId;
        if (await stepUp.CheckAsync(userId, proof, time.GetUtcNow(), ct) is { } notProven)
        {
            return notProven.ToProblem(http);
        }
        return (await passkeys.RemoveAsync(userId, id, ct)).ToCodeResult(http, _ => TypedResults.NoContent());
    }
}
