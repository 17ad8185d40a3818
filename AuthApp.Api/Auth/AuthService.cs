using AuthApp.Api.Common;
using AuthApp.Api.Data;
using AuthApp.Api.Passwords;
using AuthApp.Api.Tokens;
using AuthApp.Api.Users;
using AuthApp.Api.Throttling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthApp.Api.Auth;

/// <summary>How a token operation ended: a value, or an error code with its HTTP status class.</summary>
public sealed record AuthOutcome<T>(T? Value, int Status = StatusCodes.Status200OK, string? Code = null, string? Detail = null, TimeSpan? RetryAfter = null)
{
    public static AuthOutcome<T> BadRequest(string code, string detail) => new(default, StatusCodes.Status400BadRequest, code, detail);
    public static AuthOutcome<T> Unauthorized(string code, string detail) => new(default, StatusCodes.Status401Unauthorized, code, detail);
}

/// <summary>Login, refresh with rotation and reuse detection, and logout. PostgreSQL decides; Redis follows.</summary>
public sealed class AuthService(
    AuthDbContext db,
    PasswordHasher hasher,
    PasswordHashingGate hashing,
    TokenService tokens,
    SessionRevoker sessions,
    RevocationStore revocations,
    ApiTelemetry telemetry,
    RedisThrottle throttle,
    IOptions<ThrottleOptions> throttling,
    TimeProvider time,
    ILogger<AuthService> logger)
{
    private const string InvalidCredentials = "Invalid credentials.";
    private const string IdentifierThrottle = "login-identifier";

    public async Task<AuthOutcome<LoginResponse>> LoginAsync(string identifier, string password, CancellationToken ct)
    {
        var normalized = identifier.Contains('@') ? UserNormalization.Email(identifier) : UserNormalization.Username(identifier);

        // Counted per submitted identifier whether or not the account exists, so a 429 reveals nothing;
        // checked before hashing, so a locked-out guesser costs no Argon2id.
        var rule = throttling.Value.LoginFailuresPerIdentifier;
        var gate = await throttle.PeekAsync(IdentifierThrottle, normalized, rule);
        if (!gate.Allowed)
        {
            return new(default, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                "Too many failed logins for this account; retry after the time in Retry-After.", gate.RetryAfter);
        }

        // No stored username or e-mail holds a control character (and PostgreSQL text cannot hold NUL):
        // such an identifier names no account, and costs the same as any unknown one.
        var user = identifier.Any(char.IsControl) ? null
            : identifier.Contains('@')
                ? await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct)
                : await db.Users.SingleOrDefaultAsync(u => u.NormalizedUsername == normalized, ct);

        // Unknown users cost one Argon2id verification too, so timing does not tell which accounts exist.
        var verification = await hashing.RunAsync(
            () => user is null ? hasher.VerifyAgainstDummy(password) : hasher.Verify(user.PasswordHash, password), ct);
        if (user is null || verification == PasswordVerification.Failed || !user.IsActive)
        {
            telemetry.LoginFailures.Add(1);
            await throttle.HitAsync(IdentifierThrottle, normalized, rule);
            return AuthOutcome<LoginResponse>.BadRequest(ErrorCodes.InvalidCredentials, InvalidCredentials);
        }
        await throttle.ResetAsync(IdentifierThrottle, normalized);

        var now = time.GetUtcNow();
        if (verification == PasswordVerification.SuccessRehashNeeded)
        {
            user.PasswordHash = await hashing.RunAsync(() => hasher.Hash(password), ct);
            logger.LogInformation("Upgraded the password hash of {UserId} to Argon2id", user.Id);
        }
        user.LastLogin = now;

        var session = new Session { Id = Guid.CreateVersion7(now), UserId = user.Id, CreatedAt = now, ExpiresAt = now + tokens.Options.SessionLifetime };
        var pair = tokens.IssuePair(user, session.Id, session.ExpiresAt);
        db.Sessions.Add(session);
        db.RefreshTokens.Add(NewRefreshRow(pair, session.Id, now));
        await db.SaveChangesAsync(ct);
        telemetry.Logins.Add(1);

        return new(new LoginResponse("Login successful", pair.AccessToken, pair.RefreshToken, "Bearer",
            ExpiresIn(pair, now), new LoginUser(user.Id, user.Username, user.Email)));
    }

    public async Task<AuthOutcome<TokenPairResponse>> RefreshAsync(string? refreshToken, CancellationToken ct)
    {
        var (claims, failure) = await ReadRefreshTokenAsync(refreshToken);
        if (claims is null)
        {
            return new(default, failure!.Status, failure.Code, failure.Detail);
        }

        var now = time.GetUtcNow();
        var strategy = db.Database.CreateExecutionStrategy();
        var outcome = await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var record = await db.RefreshTokens.AsNoTracking()
                .Where(t => t.Jti == claims.Jti && t.SessionId == claims.SessionId)
                .Select(t => new { t.SpentAt, t.Session!.RevokedAt, t.Session.ExpiresAt, t.Session.User })
                .SingleOrDefaultAsync(ct);
            if (record is null || record.RevokedAt is not null || record.User is null || record.User.Id != claims.UserId)
            {
                return RefreshStep.Revoked;
            }
            if (record.ExpiresAt <= now)
            {
                return RefreshStep.Expired;
            }

            // The one atomic step: of all requests presenting this token, exactly one sees spent_at still null.
            var spent = await db.RefreshTokens
                .Where(t => t.Jti == claims.Jti && t.SpentAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.SpentAt, now), ct);
            if (spent == 0)
            {
                var spentAt = await db.RefreshTokens.Where(t => t.Jti == claims.Jti).Select(t => t.SpentAt).SingleAsync(ct);
                var grace = tokens.Options.RefreshReuseGraceWindow;
                return grace > TimeSpan.Zero && spentAt >= now - grace ? RefreshStep.DuplicateWithinGrace : RefreshStep.Reused;
            }
            if (!record.User.IsActive)
            {
                return RefreshStep.Inactive;
            }

            var pair = tokens.IssuePair(record.User, claims.SessionId, record.ExpiresAt);
            db.RefreshTokens.Add(NewRefreshRow(pair, claims.SessionId, now));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return RefreshStep.Issued(pair);
        });

        switch (outcome.Kind)
        {
            case RefreshKind.Issued:
                var issued = outcome.Pair!;
                return new(new TokenPairResponse(issued.AccessToken, issued.RefreshToken, "Bearer", ExpiresIn(issued, now)));
            case RefreshKind.Reused:
                telemetry.RefreshReuse.Add(1);
                logger.LogWarning("Refresh token reuse detected; revoking session {SessionId}", claims.SessionId);
                await sessions.RevokeSessionAsync(claims.SessionId, SessionRevocationReasons.Reuse, ct);
                return AuthOutcome<TokenPairResponse>.Unauthorized(ErrorCodes.RefreshTokenReused,
                    "This refresh token was already used; the session has been revoked. Log in again.");
            case RefreshKind.DuplicateWithinGrace:
                return AuthOutcome<TokenPairResponse>.Unauthorized(ErrorCodes.RefreshTokenReused, "This refresh token was already used.");
            case RefreshKind.Inactive:
                await sessions.RevokeSessionAsync(claims.SessionId, SessionRevocationReasons.Deactivated, ct);
                return AuthOutcome<TokenPairResponse>.Unauthorized(ErrorCodes.RefreshTokenRevoked, "The refresh token has been revoked.");
            case RefreshKind.Expired:
                return AuthOutcome<TokenPairResponse>.BadRequest(ErrorCodes.RefreshTokenExpired, "The session has expired. Log in again.");
            default:
                return AuthOutcome<TokenPairResponse>.Unauthorized(ErrorCodes.RefreshTokenRevoked, "The refresh token has been revoked.");
        }
    }

    public async Task<AuthOutcome<MessageResponse>> LogoutAsync(TokenIdentifiers access, DateTimeOffset accessExpiresAt, string? refreshToken, CancellationToken ct)
    {
        var (refresh, failure) = await ReadRefreshTokenAsync(refreshToken);
        if (refresh is null)
        {
            // Logout's contract: a bad refresh token is 400 whatever the reason (revocation is not checked first).
            return AuthOutcome<MessageResponse>.BadRequest(failure!.Code!, failure.Detail!);
        }
        if (refresh.UserId != access.UserId)
        {
            return AuthOutcome<MessageResponse>.BadRequest(ErrorCodes.TokenUserMismatch, "The access and refresh tokens belong to different users.");
        }

        await sessions.RevokeSessionAsync(refresh.SessionId, SessionRevocationReasons.Logout, ct);
        if (access.SessionId != refresh.SessionId)
        {
            await sessions.RevokeSessionAsync(access.SessionId, SessionRevocationReasons.Logout, ct);
        }
        await revocations.BlacklistAccessTokenAsync(access.Jti, accessExpiresAt);
        return new(new MessageResponse("Logout successful"));
    }

    private async Task<(TokenIdentifiers? Claims, AuthOutcome<object>? Failure)> ReadRefreshTokenAsync(string? refreshToken)
    {
        if (string.IsNullOrWhiteSpace(refreshToken))
        {
            return (null, AuthOutcome<object>.BadRequest(ErrorCodes.RefreshTokenMissing,
                "Send the refresh token in the X-Refresh-Token header or as refresh_token in the body."));
        }
        if (refreshToken.Length > 4096)
        {
            return (null, AuthOutcome<object>.BadRequest(ErrorCodes.RefreshTokenInvalid, "The refresh token is not valid."));
        }
        var (claims, error) = await tokens.ReadRefreshTokenAsync(refreshToken.Trim());
        return error switch
        {
            TokenReadError.None => (claims, null),
            TokenReadError.Expired => (null, AuthOutcome<object>.BadRequest(ErrorCodes.RefreshTokenExpired, "The refresh token has expired. Log in again.")),
            _ => (null, AuthOutcome<object>.BadRequest(ErrorCodes.RefreshTokenInvalid, "The refresh token is not valid.")),
        };
    }

    private static RefreshToken NewRefreshRow(IssuedTokens pair, Guid sessionId, DateTimeOffset now) =>
        new() { Jti = pair.RefreshJti, SessionId = sessionId, IssuedAt = now, ExpiresAt = pair.RefreshExpiresAt };

    private static int ExpiresIn(IssuedTokens pair, DateTimeOffset now) => (int)Math.Max(0, (pair.AccessExpiresAt - now).TotalSeconds);

    private enum RefreshKind { Issued, Revoked, Expired, Reused, DuplicateWithinGrace, Inactive }

    private sealed record RefreshStep(RefreshKind Kind, IssuedTokens? Pair = null)
    {
        public static readonly RefreshStep Revoked = new(RefreshKind.Revoked);
        public static readonly RefreshStep Expired = new(RefreshKind.Expired);
        public static readonly RefreshStep Reused = new(RefreshKind.Reused);
        public static readonly RefreshStep DuplicateWithinGrace = new(RefreshKind.DuplicateWithinGrace);
        public static readonly RefreshStep Inactive = new(RefreshKind.Inactive);
        public static RefreshStep Issued(IssuedTokens pair) => new(RefreshKind.Issued, pair);
    }
}
