using AuthApp.Api.Tokens;
using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Sessions;

/// <summary>
/// A signed-in user's own sessions: the list every account page shows, and ending one of them (a lost phone, a shared
/// computer). Ending a browser's session ends the apps signed in from it.
/// </summary>
public sealed class UserSessionService(AuthDbContext db, SessionRevoker revoker)
{
    /// <summary>At most this many are listed, newest first: more live sessions than this means something is wrong.</summary>
    public const int MaximumListed = 100;

    public async Task<Outcome<UserSessionList>> ListAsync(Guid userId, Guid currentSessionId, DateTimeOffset now,
        CancellationToken ct)
    {
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt)
            .Take(MaximumListed)
            .Select(s => new UserSessionInfo(s.Id, s.Kind, s.ClientId, s.UserAgent, s.Address, s.CreatedAt, s.LastUsedAt,
                s.ExpiresAt, s.Id == currentSessionId))
            .ToListAsync(ct);
        return new UserSessionList(sessions);
    }

    /// <summary>Ends one of the user's live sessions; another user's, or one already ended, is not found.</summary>
    public async Task<Outcome<bool>> EndAsync(Guid userId, Guid sessionId, DateTimeOffset now, CancellationToken ct)
    {
        var owned = await db.Sessions.AnyAsync(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null
            && s.ExpiresAt > now, ct);
        if (!owned)
        {
            return new Error(ErrorCodes.SessionNotFound, "You have no live session with this id.");
        }
        await revoker.RevokeSessionAsync(sessionId, SessionRevocationReasons.EndedByUser, now, ct);
        return true;
    }
}
