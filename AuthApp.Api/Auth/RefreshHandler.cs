using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuthApp.Api.Auth;

/// <summary>
/// Refresh with rotation: spend the presented refresh token and issue a new pair in the same session.
/// PostgreSQL decides: of all requests presenting one token, exactly one spends it; a second use is
/// reuse and revokes the session (unless it is the token just spent, within the optional grace window). Rotations
/// are committed in batches (<see cref="RotationBatches"/>).
/// </summary>
public sealed class RefreshHandler(
    AuthDbContext db,
    RotationBatches rotations,
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

    /// <summary>Only when the rotation matched nothing: why.</summary>
    private const string DiagnoseSql = """
        SELECT s.refresh_jti, s.previous_refresh_jti, s.previous_refresh_spent_at, s.revoked_at, s.expires_at, s.user_id, u.is_active
        FROM sessions AS s JOIN users AS u ON u.id = s.user_id
        WHERE s.id = $1
        """;

    /// <summary>
    /// The success path is one statement (<see cref="RotationBatches.RotateSql"/>), committed together with the other
    /// refreshes of the moment; only when it matched nothing does this ask PostgreSQL why.
    /// </summary>
    private async Task<Step> SpendAndIssueAsync(TokenIdentifiers claims, DateTimeOffset now, CancellationToken ct)
    {
        var newJti = Guid.NewGuid();
        var rotated = await rotations.RotateAsync(new Rotation(claims, newJti, now, now + tokens.Options.RefreshTokenLifetime), ct);
        if (rotated is not null)
        {
            return Step.Issued(tokens.IssuePair(claims.UserId, rotated.Username, rotated.IsStaff, claims.SessionId,
                rotated.SessionExpiresAt, now, newJti, claims.Scope));
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await DiagnoseAsync(connection, claims, now, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
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
