using AuthApp.Api.Auth;
using AuthApp.Api.Passwords;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using AuthApp.Data;
using AuthApp.Data.Passwords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Recovery;

/// <summary>Forgot and reset a password; confirm an address and ask for another confirmation.</summary>
public sealed class RecoveryService(
    AuthDbContext db,
    AccountTokens tokens,
    AccountMail mail,
    PasswordHashingGate hashing,
    PasswordValidator passwordValidator,
    SessionRevoker sessions,
    UserCache cache,
    RedisThrottle throttle,
    IOptions<ThrottleOptions> throttling,
    ForgotPasswordQueue forgotQueue,
    ApiTelemetry telemetry,
    ILogger<RecoveryService> logger)
{
    public const string ForgotEmailThrottle = "forgot-email";
    public const string ResendEmailThrottle = "resend-email";

    /// <summary>One answer for every address: whether it has an account, an active one, or a mail this minute.</summary>
    public static readonly MessageResponse ForgotAccepted = new("If an active account uses this address, a link to reset its password is on its way.");

    private static readonly Error InvalidToken = new(ErrorCodes.AccountTokenInvalid, "This link is not valid: it may be mistyped, used or expired. Ask for a new one.");

    public async Task<Outcome<MessageResponse>> ForgotAsync(ForgotPasswordRequest request, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        errors.Add("email", UserRules.ValidateEmail(request.Email));
        if (errors.Any)
        {
            return Error.Validation(errors);
        }
        var normalized = UserNormalization.Email(request.Email!);
        // Counted per submitted address whether or not it has an account, so a 429 says nothing either.
        var gate = await throttle.HitAsync(ForgotEmailThrottle, normalized, throttling.Value.ForgotPerEmail);
        if (!gate.Allowed)
        {
            return new Error(ErrorCodes.RateLimited, "Too many requests for this address; retry after the time in Retry-After.", RetryAfter: gate.RetryAfter);
        }
        if (!forgotQueue.TryEnqueue(new ForgotPasswordWork(normalized, now)))
        {
            Count("forgot", "dropped");
            logger.LogWarning("The forgot-password queue is full; a request was dropped");
        }
        return ForgotAccepted;
    }

    /// <summary>The queued half of a forgot request: an active account gets a reset mail (at most one a minute).</summary>
    public async Task SendResetAsync(ForgotPasswordWork work, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == work.NormalizedEmail && u.IsActive, ct);
        if (user is null)
        {
            Count("forgot", "no_account");
            return;
        }
        var queued = await mail.QueuePasswordResetAsync(user, work.RequestedAt, ct);
        if (!queued.Queued)
        {
            Count("forgot", "recently_mailed");
            return;
        }
        await db.SaveChangesAsync(ct);
        mail.WakeSender();
        Count("forgot", "mailed");
    }

    public async Task<Outcome<MessageResponse>> ResetAsync(ResetPasswordRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = ValidateReset(request);
        if (errors.Any)
        {
            return Error.Validation(errors);
        }

        var token = await tokens.FindUsableAsync(request.Token, AccountTokenPurposes.PasswordReset, now, ct);
        var user = token is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == token.UserId && u.IsActive, ct);
        if (token is null || user is null)
        {
            Count("reset", "invalid_token");
            return InvalidToken;
        }
        errors.Add("password", passwordValidator.Validate(request.Password!, user.Username, user.Email));
        if (errors.Any)
        {
            return Error.Validation(errors);
        }
        var hash = await hashing.HashAsync(request.Password!, ct);
        if (hash.Error is { } busy)
        {
            return busy;
        }

        var revoked = await SpendTokenAndResetAsync(token, hash.Value!, now, ct);
        if (revoked is null)
        {
            Count("reset", "invalid_token");
            return InvalidToken;
        }
        await AfterResetAsync(user, revoked);
        return new MessageResponse("Your password has been reset. Log in with the new one.");
    }

    private static FieldErrors ValidateReset(ResetPasswordRequest request)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(request.Token))
        {
            errors.Add("token", UserRules.Required);
        }
        if (request.Password is null)
        {
            errors.Add("password", UserRules.Required);
        }
        if (request.ConfirmPassword is null)
        {
            errors.Add("confirm_password", UserRules.Required);
        }
        else if (request.Password is not null && request.Password != request.ConfirmPassword)
        {
            errors.Add("confirm_password", "Passwords do not match.");
        }
        return errors;
    }

    /// <summary>
    /// One transaction: the token is spent, the password changes, older reset links and every session end. Null when
    /// another request spent the token first.
    /// </summary>
    private async Task<PendingRevocation?> SpendTokenAndResetAsync(AccountToken token, string hash, DateTimeOffset now, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await tokens.SpendAsync(token.Id, now, ct))
            {
                return (PendingRevocation?)null;
            }
            var account = await db.Users.SingleAsync(u => u.Id == token.UserId, ct);
            account.PasswordHash = hash;
            account.UpdatedAt = now;
            // The link came through the mailbox: the address it was sent to is proven, if it is still the account's.
            if (account.EmailVerifiedAt is null && token.Email == account.NormalizedEmail)
            {
                account.EmailVerifiedAt = now;
            }
            await tokens.VoidOutstandingAsync(account.Id, [AccountTokenPurposes.PasswordReset], now, ct);
            await db.SaveChangesAsync(ct);
            var revoked = await sessions.EndCredentialsInTransactionAsync(account.Id, null, SessionRevocationReasons.PasswordReset, now, ct);
            await transaction.CommitAsync(ct);
            return revoked;
        });
    }

    private async Task AfterResetAsync(User user, PendingRevocation revoked)
    {
        await sessions.PublishAsync(revoked);
        await cache.InvalidateAsync(user.Id);
        // A locked-out owner who just proved control of the mailbox may log in with the new password at once.
        await throttle.ResetAsync(LoginHandler.IdentifierThrottle, user.NormalizedEmail);
        await throttle.ResetAsync(LoginHandler.IdentifierThrottle, user.NormalizedUsername);
        Count("reset", "succeeded");
        logger.LogInformation("Password of {UserId} reset through a mailed link; every session revoked", user.Id);
    }

    public async Task<Outcome<MessageResponse>> ConfirmEmailAsync(ConfirmEmailRequest request, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Token))
        {
            return Error.Validation("token", UserRules.Required);
        }
        var token = await tokens.FindUsableAsync(request.Token, AccountTokenPurposes.EmailConfirmation, now, ct);
        var user = token is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == token.UserId && u.IsActive, ct);
        // A link confirms the address it was sent to; after a change of address it confirms nothing.
        if (token is null || user is null || user.NormalizedEmail != token.Email || !await tokens.SpendAsync(token.Id, now, ct))
        {
            Count("confirm", "invalid_token");
            return InvalidToken;
        }
        user.EmailVerifiedAt ??= now;
        user.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await cache.InvalidateAsync(user.Id);
        Count("confirm", "succeeded");
        return new MessageResponse("Your e-mail address is confirmed.");
    }

    public async Task<Outcome<MessageResponse>> ResendConfirmationAsync(AccessToken caller, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == caller.Ids.UserId && u.IsActive, ct);
        if (user is null)
        {
            return UserService.AccountGone;
        }
        if (user.EmailVerifiedAt is not null)
        {
            return new Error(ErrorCodes.EmailAlreadyVerified, "This address is already confirmed.");
        }
        var gate = await throttle.HitAsync(ResendEmailThrottle, user.NormalizedEmail, throttling.Value.ResendPerEmail);
        var queued = gate.Allowed ? await mail.QueueConfirmationAsync(user, now, ct) : new(false, gate.RetryAfter);
        if (!queued.Queued)
        {
            return new Error(ErrorCodes.RateLimited, "A confirmation was sent to this address moments ago; retry after the time in Retry-After.",
                RetryAfter: queued.RetryAfter);
        }
        await db.SaveChangesAsync(ct);
        mail.WakeSender();
        Count("resend", "mailed");
        return new MessageResponse("A confirmation link is on its way to your address.");
    }

    private void Count(string step, string outcome) => telemetry.RecoveryRequests.Add(1,
        new KeyValuePair<string, object?>("step", step), new KeyValuePair<string, object?>("outcome", outcome));
}
