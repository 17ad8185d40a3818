using AuthApp.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthApp.Api.Tokens;

/// <summary>
/// Ends sessions in PostgreSQL (the record), numbered in commit order, then in the Redis blacklist (the
/// fast path). If the Redis write is lost, the number tells every instance that Redis is behind.
/// </summary>
public sealed class SessionRevoker(AuthDbContext db, RevocationStore revocations)
{
    /// <summary>The session, and the apps' sessions opened from it when it is a browser's.</summary>
    public Task<int> RevokeSessionAsync(Guid sessionId, string reason, DateTimeOffset now, CancellationToken ct) =>
        RevokeAsync(db.Sessions.Where(s => s.Id == sessionId || s.ParentId == sessionId), reason, now, ct);

    public Task<int> RevokeAllForUserAsync(Guid userId, string reason, DateTimeOffset now, CancellationToken ct, Guid? exceptSessionId = null) =>
        RevokeAsync(db.Sessions.Where(s => s.UserId == userId && s.Id != exceptSessionId), reason, now, ct);

    /// <summary>
    /// The PostgreSQL half only, inside the caller's open transaction (a password reset, a staff action with its
    /// audit entry), so that the revocation commits or rolls back with the caller's change. The caller passes the
    /// result to <see cref="PublishAsync"/> once that transaction has committed: a blacklist entry written before
    /// the commit could carry a number that a rollback hands out again.
    /// </summary>
    public async Task<PendingRevocation> RevokeInTransactionAsync(Guid userId, Guid? sessionId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("RevokeInTransactionAsync needs the caller's open transaction.");
        }
        var ids = await LiveSessionIdsAsync(db.Sessions.Where(s => s.UserId == userId && (sessionId == null || s.Id == sessionId)), now, ct);
        return ids.Count == 0 ? PendingRevocation.None : await NumberAndRevokeAsync(ids, reason, now, ct);
    }

    /// <summary>In the caller's open transaction, like <see cref="RevokeInTransactionAsync"/>: every live session of a client.</summary>
    public async Task<PendingRevocation> RevokeClientInTransactionAsync(string clientId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("RevokeClientInTransactionAsync needs the caller's open transaction.");
        }
        var ids = await LiveSessionIdsAsync(db.Sessions.Where(s => s.ClientId == clientId), now, ct);
        return ids.Count == 0 ? PendingRevocation.None : await NumberAndRevokeAsync(ids, reason, now, ct);
    }

    /// <summary>
    /// In the caller's open transaction, what a change of credentials or standing does: the account gets a new security
    /// stamp, and every live session but <paramref name="keptSessionId"/> (the caller's own, on a password change) ends;
    /// the kept one takes the new stamp. The user's row is written first: its lock makes a login in flight wait for this
    /// commit and then find the stamp changed, so no session opened with the old credentials survives.
    /// </summary>
    public async Task<PendingRevocation> EndCredentialsInTransactionAsync(Guid userId, Guid? keptSessionId, string reason,
        DateTimeOffset now, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("EndCredentialsInTransactionAsync needs the caller's open transaction.");
        }
        var stamp = Guid.NewGuid();
        await db.Database.ExecuteSqlAsync($"UPDATE users SET security_stamp = {stamp} WHERE id = {userId}", ct);
        if (keptSessionId is { } kept)
        {
            await db.Database.ExecuteSqlAsync(
                $"UPDATE sessions SET security_stamp = {stamp} WHERE id = {kept} AND user_id = {userId}", ct);
        }
        var ids = await LiveSessionIdsAsync(db.Sessions.Where(s => s.UserId == userId && s.Id != keptSessionId), now, ct);
        return ids.Count == 0 ? PendingRevocation.None : await NumberAndRevokeAsync(ids, reason, now, ct);
    }

    /// <summary>The Redis half of <see cref="RevokeInTransactionAsync"/>, after the commit.</summary>
    public Task PublishAsync(PendingRevocation revocation) =>
        revocation.Count == 0 ? Task.CompletedTask : revocations.BlacklistSessionsAsync(revocation.SessionIds, revocation.Seq);

    private async Task<int> RevokeAsync(IQueryable<Session> sessions, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var ids = await LiveSessionIdsAsync(sessions, now, ct);
        if (ids.Count == 0)
        {
            return 0;
        }
        var revocation = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
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
        await PublishAsync(revocation);
        return revocation.Count;
    }

    private static Task<List<Guid>> LiveSessionIdsAsync(IQueryable<Session> sessions, DateTimeOffset now, CancellationToken ct) =>
        sessions.Where(s => s.RevokedAt == null && s.ExpiresAt > now).Select(s => s.Id).ToListAsync(ct);

    private async Task<PendingRevocation> NumberAndRevokeAsync(List<Guid> ids, string reason, DateTimeOffset now, CancellationToken ct)
    {
        // Taking the number locks the counter's row until commit: numbers follow commit order, without gaps.
        var next = (await db.Database.SqlQuery<long>(
            $"UPDATE revocation_counter SET value = value + 1 WHERE id = {RevocationCounter.SingletonId} RETURNING value AS \"Value\"")
            .ToListAsync(ct)).Single();
        // RETURNING tells which sessions this statement ended: a concurrent revocation may have taken some.
        var revoked = await db.Database.SqlQuery<Guid>(
            $"UPDATE sessions SET revoked_at = {now}, revoked_reason = {reason}, revocation_seq = {next} WHERE id = ANY({ids}) AND revoked_at IS NULL RETURNING id AS \"Value\"")
            .ToListAsync(ct);
        return new PendingRevocation(revoked, next);
    }
}

/// <summary>Sessions ended in PostgreSQL under revocation number <see cref="Seq"/>, still to be blacklisted in Redis.</summary>
public sealed record PendingRevocation(IReadOnlyList<Guid> SessionIds, long Seq)
{
    public static readonly PendingRevocation None = new([], 0);

    public int Count => SessionIds.Count;
}
