using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Tokens;

/// <summary>
/// Ends sessions in PostgreSQL (the record), numbered in commit order, then in the Redis blacklist (the
/// fast path). If the Redis write is lost, the number tells every instance that Redis is behind.
/// </summary>
public sealed class SessionRevoker(AuthDbContext db, RevocationStore revocations)
{
    public Task<int> RevokeSessionAsync(Guid sessionId, string reason, DateTimeOffset now, CancellationToken ct) =>
        RevokeAsync(db.Sessions.Where(s => s.Id == sessionId), reason, now, ct);

    public Task<int> RevokeAllForUserAsync(Guid userId, string reason, DateTimeOffset now, CancellationToken ct, Guid? exceptSessionId = null) =>
        RevokeAsync(db.Sessions.Where(s => s.UserId == userId && s.Id != exceptSessionId), reason, now, ct);

    private async Task<int> RevokeAsync(IQueryable<Session> sessions, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var ids = await sessions.Where(s => s.RevokedAt == null && s.ExpiresAt > now).Select(s => s.Id).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        // Inside a caller's transaction (a password reset), the revocation commits with the caller's change.
        var (revoked, seq) = db.Database.CurrentTransaction is not null
            ? await NumberAndRevokeAsync(ids, reason, now, ct)
            : await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var result = await NumberAndRevokeAsync(ids, reason, now, ct);
                if (result.Count == 0)
                {
                    await transaction.RollbackAsync(ct); // revoked meanwhile by someone else: no number spent
                    return result;
                }
                await transaction.CommitAsync(ct);
                return result;
            });
        if (revoked > 0)
        {
            await revocations.BlacklistSessionsAsync(ids, seq);
        }
        return revoked;
    }

    private async Task<(int Count, long Seq)> NumberAndRevokeAsync(List<Guid> ids, string reason, DateTimeOffset now, CancellationToken ct)
    {
        // Taking the number locks the counter's row until commit: numbers follow commit order, without gaps.
        var next = (await db.Database.SqlQuery<long>(
            $"UPDATE revocation_counter SET value = value + 1 WHERE id = {RevocationCounter.SingletonId} RETURNING value AS \"Value\"")
            .ToListAsync(ct)).Single();
        var count = await db.Sessions.Where(s => ids.Contains(s.Id) && s.RevokedAt == null)
            .ExecuteUpdateAsync(set => set
                .SetProperty(s => s.RevokedAt, now)
                .SetProperty(s => s.RevokedReason, reason)
                .SetProperty(s => s.RevocationSeq, next), ct);
        return (count, next);
    }
}
