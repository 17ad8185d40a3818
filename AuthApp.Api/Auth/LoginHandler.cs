using AuthApp.Api.Passwords;
using AuthApp.Api.Recovery;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using AuthApp.Data;
using AuthApp.Data.Passwords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Auth;

/// <summary>Log in: check the identifier's throttle, verify the password, open a session, issue its first pair.</summary>
public sealed class LoginHandler(
    AuthDbContext db,
    PasswordHashingGate hashing,
    TokenService tokens,
    RedisThrottle throttle,
    IOptions<ThrottleOptions> throttling,
    IOptions<UserOptions> policy,
    AccountMail accountMail,
    ApiTelemetry telemetry,
    ILogger<LoginHandler> logger)
{
    public const string IdentifierThrottle = "login-identifier";
    private const int MaximumPasswordLength = 1024;
    private static readonly Error InvalidCredentials = new(ErrorCodes.InvalidCredentials, "Invalid credentials.");

    public async Task<Outcome<LoginResponse>> LoginAsync(LoginRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var identifier = string.IsNullOrWhiteSpace(request.Email) ? request.Username : request.Email;
        var errors = new FieldErrors();
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
        else if (request.Password.Length > MaximumPasswordLength)
        {
            errors.Add("password", $"Ensure this field has no more than {MaximumPasswordLength} characters.");
        }
        if (errors.Any)
        {
            return Error.Validation(errors);
        }
        return await LoginAsync(identifier!.Trim(), request.Password!, now, ct);
    }

    private async Task<Outcome<LoginResponse>> LoginAsync(string identifier, string password, DateTimeOffset now, CancellationToken ct)
    {
        var byEmail = identifier.Contains('@');
        var normalized = byEmail ? UserNormalization.Email(identifier) : UserNormalization.Username(identifier);

        // Counted per submitted identifier whether or not the account exists, so a 429 reveals nothing;
        // checked before hashing, so a locked-out guesser costs no Argon2id.
        var rule = throttling.Value.LoginFailuresPerIdentifier;
        var gate = await throttle.PeekAsync(IdentifierThrottle, normalized, rule);
        if (!gate.Allowed)
        {
            return new Error(ErrorCodes.RateLimited, "Too many failed logins for this account; retry after the time in Retry-After.",
                RetryAfter: gate.RetryAfter);
        }

        var user = await FindAccountAsync(identifier, byEmail, normalized, ct);
        // Unknown users cost one Argon2id verification too, so timing does not tell which accounts exist.
        var verification = await hashing.VerifyAsync(user?.PasswordHash, password, ct);
        if (verification.Error is { } busy)
        {
            return busy;
        }
        if (user is null || verification.Value == PasswordVerification.Failed || !user.IsActive)
        {
            telemetry.LoginFailures.Add(1);
            await throttle.HitAsync(IdentifierThrottle, normalized, rule);
            return InvalidCredentials;
        }
        await throttle.ResetAsync(IdentifierThrottle, normalized);

        if (await RefuseUnverifiedAsync(user, now, ct) is { } unverified)
        {
            return unverified;
        }
        if (verification.Value == PasswordVerification.SuccessRehashNeeded)
        {
            await UpgradeHashAsync(user, password, ct);
        }
        return await OpenSessionAsync(user, now, ct);
    }

    /// <summary>
    /// The account the identifier names, or null. No stored username or e-mail holds a control character (and PostgreSQL
    /// text cannot hold NUL): such an identifier names no account, and costs the same as any unknown one.
    /// </summary>
    private async Task<User?> FindAccountAsync(string identifier, bool byEmail, string normalized, CancellationToken ct) =>
        identifier.Any(char.IsControl) ? null
            : byEmail
                ? await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct)
                : await db.Users.SingleOrDefaultAsync(u => u.NormalizedUsername == normalized, ct);

    /// <summary>
    /// Under the confirmation policy, an unconfirmed address is refused. Only the password's owner learns this, and gets a
    /// fresh link (at most one a minute) to get past it.
    /// </summary>
    private async Task<Error?> RefuseUnverifiedAsync(User user, DateTimeOffset now, CancellationToken ct)
    {
        if (!policy.Value.RequireVerifiedEmail || user.EmailVerifiedAt is not null)
        {
            return null;
        }
        if ((await accountMail.QueueConfirmationAsync(user, now, ct)).Queued)
        {
            await db.SaveChangesAsync(ct);
            accountMail.WakeSender();
        }
        return new Error(ErrorCodes.EmailNotVerified, "Confirm your e-mail address first: a confirmation link has been mailed to it.");
    }

    /// <summary>An older format becomes Argon2id, saved with the session; when hashing is busy the old hash still verifies.</summary>
    private async Task UpgradeHashAsync(User user, string password, CancellationToken ct)
    {
        var rehashed = await hashing.HashAsync(password, ct);
        if (rehashed.Value is { } upgraded)
        {
            user.PasswordHash = upgraded;
            logger.LogInformation("Upgraded the password hash of {UserId} to Argon2id", user.Id);
        }
    }

    private async Task<LoginResponse> OpenSessionAsync(User user, DateTimeOffset now, CancellationToken ct)
    {
        user.LastLogin = now;
        var session = new Session { Id = Guid.CreateVersion7(now), UserId = user.Id, CreatedAt = now, ExpiresAt = now + tokens.Options.SessionLifetime };
        var pair = tokens.IssuePair(user, session.Id, session.ExpiresAt, now);
        session.StartChain(pair.RefreshJti, now, pair.RefreshExpiresAt);
        db.Sessions.Add(session);
        await db.SaveChangesAsync(ct);
        telemetry.Logins.Add(1);

        return new LoginResponse("Login successful", pair.AccessToken, pair.RefreshToken, "Bearer",
            pair.ExpiresIn(now), new LoginUser(user.Id, user.Username, user.Email));
    }
}
