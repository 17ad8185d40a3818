using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.OAuth;

/// <summary>Whether a validated token still counts: its session is live and, for a refresh token, it is the unspent one.</summary>
public sealed class TokenStatus(RevocationStore revocations, AuthDbContext db, TimeProvider time)
{
    public async Task<bool> IsLiveAsync(IssuedToken token, CancellationToken ct)
    {
        if (token.Kind != IssuedTokenKind.UserRefresh)
        {
            // The same check as every authenticated request: Redis in the steady state, PostgreSQL when Redis is behind.
            return !(await revocations.CheckAccessTokenAsync(token.Jti, token.SessionId, null, ct)).Revoked;
        }
        var now = time.GetUtcNow();
        return await db.Sessions.AsNoTracking().AnyAsync(s => s.Id == token.SessionId && s.UserId != null &&
            s.RevokedAt == null && s.ExpiresAt > now && s.RefreshJti == token.Jti && s.RefreshExpiresAt > now, ct);
    }
}
