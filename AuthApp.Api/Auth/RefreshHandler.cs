using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuthApp.Api.Auth;

/// <summary>
/// Refresh with rotation: spend the presented refresh token and issue a new pair in the same session.
/// PostgreSQL decides: of all requests presenting one token, exactly one spends it; a second use is
/// reuse and revokes the session (unless it falls within the optional grace window).
/// </summary>
public sealed class RefreshHandler(
    AuthDbContext db,
    RefreshTokenReader reader,
    TokenService tokens,
    SessionRevoker sessions,
    ApiTelemetry telemetry,
    ILogger<RefreshHandler> logger)
{
    private static readonly Error Revoked = new(ErrorCodes.RefreshTokenRevoked, "The refresh token has been revoked.");

    public async Task<Outcome<TokenPairResponse>> RefreshAsync(string? refreshToken, DateTimeOffset now, CancellationToken ct)
    {
        var read = await reader.ReadAsync(refreshToken);
        if (read.Error is { } unreadable)
        {
            return unreadable;
        }
        var claims = read.Value!;

        var step = await SpendAndIssueAsync(claims, now, ct);
        switch (step.Kind)
        {
            case StepKind.Issued:
                return new TokenPairResponse(step.Pair!.AccessToken, step.Pair.RefreshToken, "Bearer", step.Pair.ExpiresIn(now));
            case StepKind.Reused:
                telemetry.RefreshReuse.Add(1);
                logger.LogWarning("Refresh token reuse detected; revoking session {SessionId}", claims.SessionId);
                await sessions.RevokeSessionAsync(claims.SessionId, SessionRevocationReasons.Reuse, now, ct);
                return new Error(ErrorCodes.RefreshTokenReused, "This refresh token was already used; the session has been revoked. Log in again.");
            case StepKind.DuplicateWithinGrace:
                return new Error(ErrorCodes.RefreshTokenReused, "This refresh token was already used.");
            case StepKind.Inactive:
                await sessions.RevokeSessionAsync(claims.SessionId, SessionRevocationReasons.Deactivated, now, ct);
                return Revoked;
            case StepKind.Expired:
                return new Error(ErrorCodes.RefreshTokenExpired, "The session has expired. Log in again.");
            default:
                return Revoked;
        }
    }

    /// <summary>
    /// The success path is one statement, one round trip: spend the presented token if it is unspent, its session
    /// live and its user active, and store the next refresh token. Of all requests presenting one token, exactly one
    /// updates its row (the others wait on the row lock, then see <c>spent_at</c> set and match nothing).
    /// </summary>
    private const string SpendAndInsertSql = """
        WITH spent AS (
            UPDATE refresh_tokens AS t SET spent_at = $1
            FROM sessions AS s JOIN users AS u ON u.id = s.user_id
            WHERE t.jti = $2 AND t.session_id = $3 AND t.spent_at IS NULL
              AND s.id = t.session_id AND s.revoked_at IS NULL AND s.expires_at > $1
              AND u.id = $4 AND u.is_active
            RETURNING s.expires_at, u.username, u.is_staff
        ), issued AS (
            INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at)
            SELECT $5, $3, $1, LEAST($6, spent.expires_at) FROM spent
        )
        SELECT expires_at, username, is_staff FROM spent
        """;

    /// <summary>Only when the statement above matched nothing: why.</summary>
    private const string DiagnoseSql = """
        SELECT t.spent_at, s.revoked_at, s.expires_at, u.id, u.is_active
        FROM refresh_tokens AS t JOIN sessions AS s ON s.id = t.session_id JOIN users AS u ON u.id = s.user_id
        WHERE t.jti = @jti AND t.session_id = @sid
        """;

    private async Task<Step> SpendAndIssueAsync(TokenIdentifiers claims, DateTimeOffset now, CancellationToken ct)
    {
        var newJti = Guid.NewGuid();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using (var spend = new NpgsqlCommand(SpendAndInsertSql, connection))
            {
                // Positional parameters ($1…$6, in this order): Npgsql sends the text as it is, without rewriting it.
                spend.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
                spend.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.Jti });
                spend.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.SessionId });
                spend.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.UserId });
                spend.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = newJti });
                spend.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + tokens.Options.RefreshTokenLifetime });
                await using var reader = await spend.ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct))
                {
                    var sessionExpiresAt = reader.GetFieldValue<DateTimeOffset>(0);
                    var username = reader.GetString(1);
                    var isStaff = reader.GetBoolean(2);
                    return Step.Issued(tokens.IssuePair(claims.UserId, username, isStaff, claims.SessionId, sessionExpiresAt, now, newJti));
                }
            }

            await using var diagnose = new NpgsqlCommand(DiagnoseSql, connection);
            diagnose.Parameters.Add(new NpgsqlParameter<Guid>("jti", claims.Jti));
            diagnose.Parameters.Add(new NpgsqlParameter<Guid>("sid", claims.SessionId));
            await using var row = await diagnose.ExecuteReaderAsync(ct);
            if (!await row.ReadAsync(ct))
            {
                return Step.Revoked;
            }
            DateTimeOffset? spentAt = row.IsDBNull(0) ? null : row.GetFieldValue<DateTimeOffset>(0);
            var revoked = !row.IsDBNull(1);
            var expiresAt = row.GetFieldValue<DateTimeOffset>(2);
            var userId = row.GetGuid(3);
            var active = row.GetBoolean(4);
            if (revoked || userId != claims.UserId)
            {
                return Step.Revoked;
            }
            if (expiresAt <= now)
            {
                return Step.Expired;
            }
            if (spentAt is { } spent)
            {
                var grace = tokens.Options.RefreshReuseGraceWindow;
                return grace > TimeSpan.Zero && spent >= now - grace ? Step.DuplicateWithinGrace : Step.Reused;
            }
            // Unspent in a live session: the user is inactive (or, in a race, revoked in between: refuse either way).
            return active ? Step.Revoked : Step.Inactive;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private enum StepKind { Issued, Revoked, Expired, Reused, DuplicateWithinGrace, Inactive }

    private sealed record Step(StepKind Kind, IssuedTokens? Pair = null)
    {
        public static readonly Step Revoked = new(StepKind.Revoked);
        public static readonly Step Expired = new(StepKind.Expired);
        public static readonly Step Reused = new(StepKind.Reused);
        public static readonly Step DuplicateWithinGrace = new(StepKind.DuplicateWithinGrace);
        public static readonly Step Inactive = new(StepKind.Inactive);
        public static Step Issued(IssuedTokens pair) => new(StepKind.Issued, pair);
    }
}
