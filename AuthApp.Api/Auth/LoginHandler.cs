using AuthApp.Api.Passwords;
using AuthApp.Api.Recovery;
using AuthApp.Api.Sessions;
using AuthApp.Api.Throttling;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using AuthApp.Data;
using AuthApp.Data.Passwords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace AuthApp.Api.Auth;

/// <summary>
/// Log in: check the identifier's throttle, verify the password, open a session. The JSON route's session gets its first
/// token pair; the sign-in page's is the browser's single sign-on session, which holds no tokens of its own.
/// </summary>
public sealed class LoginHandler(
    AuthDbContext db,
    PasswordHashingGate hashing,
    TokenService tokens,
    RedisThrottle throttle,
    IOptions<ThrottleOptions> throttling,
    IOptions<UserOptions> policy,
    AccountMail accountMail,
    ApiTelemetry telemetry,
    LoginPhases phases,
    Factors.LoginChallenges challenges,
    Factors.Passkeys passkeys,
    ILogger<LoginHandler> logger)
{
    public const string IdentifierThrottle = "login-identifier";
    private const int MaximumPasswordLength = 1024;
    private static readonly Error InvalidCredentials = new(ErrorCodes.InvalidCredentials, "Invalid credentials.");

    public async Task<Outcome<LoginResponse>> LoginAsync(LoginRequest request, SessionOrigin origin, DateTimeOffset now,
        CancellationToken ct)
    {
        var opened = await OpenAsync(request, SessionKinds.Api, origin, now, ct);
        return opened.Error is { } error ? error : ToResponse(opened.Value!, now);
    }

    /// <summary>
    /// The second half of an account's login with a second factor (<see cref="Factors.LoginChallenges"/>): the challenge the
    /// first half answered with and a code; then the session the first half would have opened.
    /// </summary>
    public async Task<Outcome<LoginResponse>> LoginWithSecondFactorAsync(Factors.SecondFactorRequest request, DateTimeOffset now,
        CancellationToken ct)
    {
        var opened = await FinishSecondFactorAsync(request, SessionKinds.Api, now, ct);
        return opened.Error is { } error ? error : ToResponse(opened.Value!, now);
    }

    public async Task<Outcome<OpenedSession>> FinishSecondFactorAsync(Factors.SecondFactorRequest request, string kind,
        DateTimeOffset now, CancellationToken ct)
    {
        var answered = await challenges.AnswerAsync(request, kind, now, ct);
        if (answered.Error is { } error)
        {
            return error;
        }
        var (user, challenge) = answered.Value;
        var session = new NewSession(challenge.SessionKind, new SessionOrigin(challenge.UserAgent, challenge.Address));
        return await OpenSessionAsync(user, upgradedHash: null, session, now, ct) is { } opened
            ? opened
            : new Error(ErrorCodes.ChallengeInvalid, "The account changed during the sign-in. Sign in again with your password.");
    }

    /// <summary>
    /// A sign-in with a passkey alone: the passkey names the account and proves the person (it verified them: a PIN, a
    /// fingerprint), so it is both factors. The account must be active (and confirmed, under that policy).
    /// </summary>
    public async Task<Outcome<OpenedSession>> SignInWithPasskeyAsync(Factors.PasskeyAnswer? answer, string kind, SessionOrigin origin,
        DateTimeOffset now, CancellationToken ct)
    {
        var verified = await passkeys.VerifyAssertionAsync(null, Factors.PasskeyPurpose.SignIn, answer, now, ct);
        if (verified.Error is { } refused)
        {
            telemetry.LoginFailures.Add(1);
            return refused;
        }
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == verified.Value, ct);
        if (user is not { IsActive: true })
        {
            telemetry.LoginFailures.Add(1);
            return InvalidCredentials;
        }
        if (await RefuseUnverifiedAsync(user, now, ct) is { } unverified)
        {
            return unverified;
        }
        return await OpenSessionAsync(user, upgradedHash: null, new NewSession(kind, origin), now, ct) is { } opened
            ? opened
            : InvalidCredentials;
    }

    public async Task<Outcome<LoginResponse>> LoginWithPasskeyAsync(Factors.PasskeyAnswer? answer, SessionOrigin origin,
        DateTimeOffset now, CancellationToken ct)
    {
        var opened = await SignInWithPasskeyAsync(answer, SessionKinds.Api, origin, now, ct);
        return opened.Error is { } error ? error : ToResponse(opened.Value!, now);
    }

    /// <summary>The sign-in page's login: the same checks, throttles and messages; a browser session, no tokens.</summary>
    public Task<Outcome<OpenedSession>> SignInBrowserAsync(LoginRequest request, SessionOrigin origin, DateTimeOffset now,
        CancellationToken ct) => OpenAsync(request, SessionKinds.Browser, origin, now, ct);

    private async Task<Outcome<OpenedSession>> OpenAsync(LoginRequest request, string kind, SessionOrigin origin,
        DateTimeOffset now, CancellationToken ct)
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
        return await OpenAsync(identifier!.Trim(), request.Password!, new NewSession(kind, origin), now, ct);
    }

    private static LoginResponse ToResponse(OpenedSession opened, DateTimeOffset now) =>
        new("Login successful", opened.Tokens!.AccessToken, opened.Tokens.RefreshToken, "Bearer", opened.Tokens.ExpiresIn(now),
            new LoginUser(opened.User.Id, opened.User.Username, opened.User.Email));

    private sealed record NewSession(string Kind, SessionOrigin Origin);

    private async Task<Outcome<OpenedSession>> OpenAsync(string identifier, string password, NewSession session,
        DateTimeOffset now, CancellationToken ct)
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
        var upgraded = verification.Value == PasswordVerification.SuccessRehashNeeded ? await UpgradedHashAsync(password, ct) : null;
        await phases.PasswordVerifiedAsync(user.Id, ct);
        if (await challenges.FactorsOfAsync(user.Id, ct) is { Count: > 0 } factors)
        {
            // No session yet: the second half opens it. The password is proven, so an older hash format is upgraded now.
            if (upgraded is not null)
            {
                await db.Users.Where(u => u.Id == user.Id && u.PasswordHash == user.PasswordHash)
                    .ExecuteUpdateAsync(set => set.SetProperty(u => u.PasswordHash, upgraded), ct);
            }
            return await challenges.IssueAsync(user, session.Kind, session.Origin, factors, now, ct);
        }
        return await OpenSessionAsync(user, upgraded, session, now, ct) is { } opened
            ? opened
            : await RefuseAfterAccountChangedAsync(user, normalized, rule);
    }

    /// <summary>
    /// The password was right when it was checked, but the account changed before the session could be opened (a reset,
    /// a password change, a deactivation, "end all sessions"): the change wins, and the attempt counts as a failure.
    /// </summary>
    private async Task<Error> RefuseAfterAccountChangedAsync(User user, string normalized, ThrottleRule rule)
    {
        logger.LogInformation("Login of {UserId} refused: the account changed while its password was being checked", user.Id);
        telemetry.LoginFailures.Add(1);
        await throttle.HitAsync(IdentifierThrottle, normalized, rule);
        return InvalidCredentials;
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

    /// <summary>An older format becomes Argon2id, saved with the session; null when hashing is busy (the old hash still verifies).</summary>
    private async Task<string?> UpgradedHashAsync(string password, CancellationToken ct) =>
        (await hashing.HashAsync(password, ct)).Value;

    /// <summary>
    /// One statement: the user row is updated (last login, and the upgraded hash only over the hash that was verified)
    /// and the session inserted, only while the account still has the stamp and the standing the login saw. The update
    /// waits for any transaction that holds the row (a reset, a staff action) and then re-checks it, so a change that
    /// commits before or during this login wins. Null when it did.
    /// </summary>
    private const string OpenSessionSql = """
        WITH account AS (
            UPDATE users SET last_login = $3,
                password_hash = CASE WHEN $5::text IS NOT NULL AND password_hash = $4 THEN $5::text ELSE password_hash END
            WHERE id = $1 AND security_stamp = $2 AND is_active
            RETURNING id
        )
        INSERT INTO sessions (id, user_id, created_at, expires_at, refresh_jti, refresh_issued_at, refresh_expires_at,
                              security_stamp, kind, user_agent, address, last_used_at)
        SELECT $6, id, $3, $7, $8, $3, $9, $2, $10, $11, $12, $3 FROM account
        RETURNING id
        """;

    private async Task<OpenedSession?> OpenSessionAsync(User user, string? upgradedHash, NewSession session, DateTimeOffset now,
        CancellationToken ct)
    {
        var sessionId = Guid.CreateVersion7(now);
        var expiresAt = now + tokens.Options.SessionLifetime;
        // A browser session has no refresh token: its chain starts spent (a random jti, expired at once).
        var pair = session.Kind == SessionKinds.Api ? tokens.IssuePair(user, sessionId, expiresAt, now) : null;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var open = new NpgsqlCommand(OpenSessionSql, connection);
            // Positional parameters ($1…$12, in this order): Npgsql sends the text as it is, without rewriting it.
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = user.Id });
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = user.SecurityStamp });
            open.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            open.Parameters.Add(new NpgsqlParameter<string> { TypedValue = user.PasswordHash });
            open.Parameters.Add(Nullable(upgradedHash));
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
            open.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt });
            open.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = pair?.RefreshJti ?? Guid.NewGuid() });
            open.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = pair?.RefreshExpiresAt ?? now });
            open.Parameters.Add(new NpgsqlParameter<string> { TypedValue = session.Kind });
            open.Parameters.Add(Nullable(session.Origin.UserAgent));
            open.Parameters.Add(Nullable(session.Origin.Address));
            if (await open.ExecuteScalarAsync(ct) is null)
            {
                return null;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        if (upgradedHash is not null)
        {
            logger.LogInformation("Upgraded the password hash of {UserId} to Argon2id", user.Id);
        }
        telemetry.Logins.Add(1);
        return new OpenedSession(user, sessionId, expiresAt, pair);
    }

    private static NpgsqlParameter Nullable(string? text) =>
        new() { Value = (object?)text ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };
}

/// <summary>A session just opened by a login: whose, which, until when, and its first pair (none for a browser's).</summary>
public sealed record OpenedSession(User User, Guid SessionId, DateTimeOffset ExpiresAt, IssuedTokens? Tokens);
