using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Tokens;

/// <summary>Ends sessions in PostgreSQL (the record) and then in the Redis blacklist (the fast path).</summary>
public sealed class SessionRevoker(AuthDbContext db, RevocationStore revocations)
{
    public Task<int> RevokeSessionAsync(Guid sessionId, string reason, DateTimeOffset now, CancellationToken ct) =>
        RevokeAsync(db.Sessions.Where(s => s.Id == sessionId), reason, now, ct);

    public Task<int> RevokeAllForUserAsync(Guid userId, string reason, DateTimeOffset now, CancellationToken ct, Guid? exceptSessionId = null) =>
        RevokeAsync(db.Sessions.Where(s => s.UserId == userId && s.Id != exceptSessionId), reason, now, ct);

    /// <summary>
    /// The PostgreSQL half only, for a caller that revokes inside its own transaction: it must pass the returned
    /// ids to <see cref="BlacklistAsync"/> once the transaction has committed.
    /// </summary>
    public Task<IReadOnlyList<Guid>> RevokeInDatabaseAsync(Guid userId, Guid? sessionId, string reason, DateTimeOffset now, CancellationToken ct) =>
        MarkRevokedAsync(db.Sessions.Where(s => s.UserId == userId && (sessionId == null || s.Id == sessionId)), reason, now, ct);

    public Task BlacklistAsync(IReadOnlyList<Guid> sessionIds) => revocations.BlacklistSessionsAsync(sessionIds);

    private async Task<int> RevokeAsync(IQueryable<Session> sessions, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var ids = await MarkRevokedAsync(sessions, reason, now, ct);
        await revocations.BlacklistSessionsAsync(ids);
        return ids.Count;
    }

    private async Task<IReadOnlyList<Guid>> MarkRevokedAsync(IQueryable<Session> sessions, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var ids = await sessions.Where(s => s.RevokedAt == null && s.ExpiresAt > now).Select(s => s.Id).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return ids;
        }
        await db.Sessions.Where(s => ids.Contains(s.Id) && s.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedReason, reason), ct);
        return ids;
    }
}
