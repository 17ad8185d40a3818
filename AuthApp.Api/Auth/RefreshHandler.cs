using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuthApp.Api.Auth;

/// <summary>
/// Refresh with rotation: spend the presented refresh token and issue a new pair in the same session.
/// PostgreSQL decides: of all requests presenting one token, exactly one spends it; a second use is
/// reuse and revokes the session (unless it is the token just spent, within the optional grace window).
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
    /// The success path is one statement, one round trip, one row: if the presented token is its session's current
    /// one, the session live, its user active and the stamps in agreement, the session moves on to the next token (an in-place update of the
    /// session's row). Of all requests presenting one token, exactly one updates the row: the others wait on its
    /// lock, then see another current token and match nothing.
    /// </summary>
    private const string RotateSql = """
        UPDATE sessions AS s
        SET previous_refresh_jti = s.refresh_jti, previous_refresh_spent_at = $1,
            refresh_jti = $5, refresh_issued_at = $1, refresh_expires_at = LEAST($6, s.expires_at), last_used_at = $1
        FROM users AS u
        WHERE s.id = $3 AND s.refresh_jti = $2 AND s.revoked_at IS NULL AND s.expires_at > $1
          AND u.id = s.user_id AND u.id = $4 AND u.is_active AND u.security_stamp = s.security_stamp
        RETURNING s.expires_at, u.username, u.is_staff
        """;

    /// <summary>Only when the statement above matched nothing: why.</summary>
    private const string DiagnoseSql = """
        SELECT s.refresh_jti, s.previous_refresh_jti, s.previous_refresh_spent_at, s.revoked_at, s.expires_at, s.user_id, u.is_active
        FROM sessions AS s JOIN users AS u ON u.id = s.user_id
        WHERE s.id = $1
        """;

    private async Task<Step> SpendAndIssueAsync(TokenIdentifiers claims, DateTimeOffset now, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await RotateAsync(connection, claims, now, ct) ?? await DiagnoseAsync(connection, claims, now, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The success path: one statement moves the session's current token on; null when it matched nothing.</summary>
    private async Task<Step?> RotateAsync(NpgsqlConnection connection, TokenIdentifiers claims, DateTimeOffset now, CancellationToken ct)
    {
        var newJti = Guid.NewGuid();
        await using var rotate = new NpgsqlCommand(RotateSql, connection);
        // Positional parameters ($1…$6, in this order): Npgsql sends the text as it is, without rewriting it.
        rotate.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        rotate.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.Jti });
        rotate.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.SessionId });
        rotate.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.UserId });
        rotate.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = newJti });
        rotate.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + tokens.Options.RefreshTokenLifetime });
        await using var reader = await rotate.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        var sessionExpiresAt = reader.GetFieldValue<DateTimeOffset>(0);
        var username = reader.GetString(1);
        var isStaff = reader.GetBoolean(2);
        return Step.Issued(tokens.IssuePair(claims.UserId, username, isStaff, claims.SessionId, sessionExpiresAt, now, newJti,
            claims.Scope));
    }

    /// <summary>The failure path only: tells reuse, revocation, expiry and an inactive user apart.</summary>
    private async Task<Step> DiagnoseAsync(NpgsqlConnection connection, TokenIdentifiers claims, DateTimeOffset now, CancellationToken ct)
    {
        await using var diagnose = new NpgsqlCommand(DiagnoseSql, connection);
        diagnose.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claims.SessionId });
        await using var row = await diagnose.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct))
        {
            return Step.Revoked; // the session is gone (cleaned up after it ended)
        }
        var current = row.GetGuid(0);
        Guid? previous = row.IsDBNull(1) ? null : row.GetGuid(1);
        DateTimeOffset? previousSpentAt = row.IsDBNull(2) ? null : row.GetFieldValue<DateTimeOffset>(2);
        var revoked = !row.IsDBNull(3);
        var expiresAt = row.GetFieldValue<DateTimeOffset>(4);
        var userId = row.GetGuid(5);
        var active = row.GetBoolean(6);
        if (revoked || userId != claims.UserId)
        {
            return Step.Revoked;
        }
        if (expiresAt <= now)
        {
            return Step.Expired;
        }
        if (claims.Jti == current)
        {
            // The session's current token in a live session, yet the update matched nothing: the user was inactive
            // (if the user is active again by now, refuse without ending the session).
            return active ? Step.Revoked : Step.Inactive;
        }
        // Signed by us for this session and not its current token: spent. Only the token the last refresh spent
        // can be a client's near-simultaneous duplicate.
        var grace = tokens.Options.RefreshReuseGraceWindow;
        return grace > TimeSpan.Zero && claims.Jti == previous && previousSpentAt >= now - grace
            ? Step.DuplicateWithinGrace
            : Step.Reused;
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
