using AuthApp.Api.Auth;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuthApp.Api.Recovery;

public static class RecoveryEndpoints
{
    public static RouteGroupBuilder MapRecoveryEndpoints(this RouteGroupBuilder api)
    {
        var user = api.MapGroup("/user").WithTags("Account recovery");

        user.MapPost("/password/forgot", ForgotAsync)
            .WithName("ForgotPassword")
            .WithSummary("Ask for a password-reset link by e-mail. Always 202 with the same body, whether or not the address has an account.")
            .RequireAddressThrottle(AddressThrottleFilter.Forgot, o => o.ForgotPerAddress);

        user.MapPost("/password/reset", ResetAsync)
            .WithName("ResetPassword")
            .WithSummary("Choose a new password with the token from a reset link; the token is spent and every session of the account ends.")
            .RequireAddressThrottle(AddressThrottleFilter.Reset, o => o.ResetPerAddress)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        user.MapPost("/email/confirm", ConfirmAsync)
            .WithName("ConfirmEmail")
            .WithSummary("Confirm the account's address with the token from a confirmation link.")
            .RequireAddressThrottle(AddressThrottleFilter.Confirm, o => o.ConfirmPerAddress);

        user.MapPost("/email/resend", ResendAsync)
            .WithName("ResendEmailConfirmation")
            .WithSummary("Send a new confirmation link to the caller's address (at most one a minute).")
            .RequireAccessToken()
            .RequireAddressThrottle(AddressThrottleFilter.Resend, o => o.ResendPerAddress)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    private static async Task<Results<Accepted<MessageResponse>, ValidationProblem, ProblemHttpResult>> ForgotAsync(
        ForgotPasswordRequest request, RecoveryService recovery, TimeProvider time, HttpContext http) =>
        (await recovery.ForgotAsync(request, time.GetUtcNow())).ToResult(http, accepted => TypedResults.Accepted((string?)null, accepted));

    private static async Task<Results<Ok<MessageResponse>, ValidationProblem, ProblemHttpResult>> ResetAsync(
        ResetPasswordRequest request, RecoveryService recovery, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await recovery.ResetAsync(request, time.GetUtcNow(), ct)).ToResult(http, TypedResults.Ok);

    private static async Task<Results<Ok<MessageResponse>, ValidationProblem, ProblemHttpResult>> ConfirmAsync(
        ConfirmEmailRequest request, RecoveryService recovery, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await recovery.ConfirmEmailAsync(request, time.GetUtcNow(), ct)).ToResult(http, TypedResults.Ok);

    private static async Task<Results<Accepted<MessageResponse>, ProblemHttpResult>> ResendAsync(
        RecoveryService recovery, TimeProvider time, HttpContext http, CancellationToken ct) =>
        (await recovery.ResendConfirmationAsync(http.GetAccessToken(), time.GetUtcNow(), ct))
            .ToCodeResult(http, sent => TypedResults.Accepted((string?)null, sent));
}
