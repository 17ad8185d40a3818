using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

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

    private async Task<Step> SpendAndIssueAsync(TokenIdentifiers claims, DateTimeOffset now, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var record = await db.RefreshTokens.AsNoTracking()
                .Where(t => t.Jti == claims.Jti && t.SessionId == claims.SessionId)
                .Select(t => new { t.SpentAt, t.Session!.RevokedAt, t.Session.ExpiresAt, t.Session.User })
                .SingleOrDefaultAsync(ct);
            if (record is null || record.RevokedAt is not null || record.User is null || record.User.Id != claims.UserId)
            {
                return Step.Revoked;
            }
            if (record.ExpiresAt <= now)
            {
                return Step.Expired;
            }

            // The one atomic step: of all requests presenting this token, exactly one sees spent_at still null.
            var spent = await db.RefreshTokens
                .Where(t => t.Jti == claims.Jti && t.SpentAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.SpentAt, now), ct);
            if (spent == 0)
            {
                var spentAt = await db.RefreshTokens.Where(t => t.Jti == claims.Jti).Select(t => t.SpentAt).SingleAsync(ct);
                var grace = tokens.Options.RefreshReuseGraceWindow;
                return grace > TimeSpan.Zero && spentAt >= now - grace ? Step.DuplicateWithinGrace : Step.Reused;
            }
            if (!record.User.IsActive)
            {
                return Step.Inactive;
            }

            var pair = tokens.IssuePair(record.User, claims.SessionId, record.ExpiresAt, now);
            db.RefreshTokens.Add(pair.ToRefreshRow(claims.SessionId, now));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return Step.Issued(pair);
        });
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
