using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthApp.Api.Tokens;

/// <summary>
/// The fast path of revocation: Redis keys for revoked sessions (<c>sid</c>) and logged-out access
/// tokens (<c>jti</c>), each expiring when the last access token it could stop expires.
/// PostgreSQL stays the source of truth. A marker key tells whether Redis still holds the blacklist:
/// when it is gone (flush, restart without persistence, eviction) or Redis does not answer, the
/// check asks PostgreSQL instead and the blacklist is rebuilt — losing Redis costs speed, never safety.
/// </summary>
public sealed class RevocationStore(
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    IOptions<JwtOptions> jwt,
    TimeProvider time,
    ApiTelemetry telemetry,
    ILogger<RevocationStore> logger)
{
    private const string Prefix = "authapp:revoked:";
    private static readonly RedisKey Marker = "authapp:revocation:marker";
    private static readonly TimeSpan MarkerLifetime = TimeSpan.FromHours(24);
    private readonly SemaphoreSlim _rebuild = new(1, 1);

    private static RedisKey SessionKey(Guid sid) => $"{Prefix}sid:{sid:N}";
    private static RedisKey TokenKey(Guid jti) => $"{Prefix}jti:{jti:N}";

    /// <summary>How long a revoked session must stay blacklisted: until any access token issued before it has expired.</summary>
    private TimeSpan BlacklistLifetime => jwt.Value.AccessTokenLifetime + jwt.Value.ClockSkew;

    /// <summary>One Redis round trip in the steady state; PostgreSQL only when Redis cannot vouch for its data.</summary>
    public async Task<bool> IsAccessTokenRevokedAsync(Guid jti, Guid sid, CancellationToken ct)
    {
        try
        {
            var values = await redis.GetDatabase().StringGetAsync([Marker, TokenKey(jti), SessionKey(sid)]);
            if (!values[0].IsNull)
            {
                return !values[1].IsNull || !values[2].IsNull;
            }
            _ = RebuildInBackgroundAsync();
        }
        catch (RedisException ex)
        {
            logger.LogWarning("Redis did not answer a revocation check ({Reason}); asking PostgreSQL", ex.Message);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Redis timed out on a revocation check; asking PostgreSQL");
        }

        telemetry.RevocationFallbacks.Add(1);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        return await db.Sessions.AsNoTracking().AnyAsync(s => s.Id == sid && s.RevokedAt != null, ct);
    }

    public async Task BlacklistSessionsAsync(IReadOnlyCollection<Guid> sessionIds)
    {
        if (sessionIds.Count == 0)
        {
            return;
        }
        await WriteAsync(batch => sessionIds.Select(sid => batch.StringSetAsync(SessionKey(sid), "1", BlacklistLifetime)));
    }

    public async Task BlacklistAccessTokenAsync(Guid jti, DateTimeOffset expiresAt)
    {
        var ttl = expiresAt - time.GetUtcNow() + jwt.Value.ClockSkew;
        if (ttl > TimeSpan.Zero)
        {
            await WriteAsync(batch => [batch.StringSetAsync(TokenKey(jti), "1", ttl)]);
        }
    }

    /// <summary>Re-creates the session blacklist from PostgreSQL, then sets the marker that vouches for it.</summary>
    public async Task RebuildAsync(CancellationToken ct)
    {
        await _rebuild.WaitAsync(ct);
        try
        {
            var database = redis.GetDatabase();
            if (await database.KeyExistsAsync(Marker))
            {
                return;
            }
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
            var now = time.GetUtcNow();
            var since = now - BlacklistLifetime;
            var revoked = await db.Sessions.AsNoTracking()
                .Where(s => s.RevokedAt != null && s.RevokedAt > since)
                .Select(s => new { s.Id, RevokedAt = s.RevokedAt!.Value })
                .ToListAsync(ct);

            var batch = database.CreateBatch();
            var writes = revoked
                .Select(s => batch.StringSetAsync(SessionKey(s.Id), "1", s.RevokedAt + BlacklistLifetime - now))
                .Append(batch.StringSetAsync(Marker, now.ToString("O"), MarkerLifetime))
                .ToList();
            batch.Execute();
            await Task.WhenAll(writes);
            logger.LogInformation("Rebuilt the Redis revocation blacklist from PostgreSQL ({Count} sessions)", revoked.Count);
        }
        finally
        {
            _rebuild.Release();
        }
    }

    private async Task RebuildInBackgroundAsync()
    {
        try
        {
            await RebuildAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or DbUpdateException or InvalidOperationException)
        {
            logger.LogWarning("Could not rebuild the revocation blacklist yet: {Reason}", ex.Message);
        }
    }

    private async Task WriteAsync(Func<IBatch, IEnumerable<Task>> writes)
    {
        try
        {
            var batch = redis.GetDatabase().CreateBatch();
            var tasks = writes(batch).ToList();
            batch.Execute();
            await Task.WhenAll(tasks);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // PostgreSQL already holds the revocation; refresh tokens are refused from there. Dropping the
            // marker makes every instance ask PostgreSQL about access tokens until the blacklist is rebuilt.
            logger.LogError("Could not write the revocation blacklist to Redis: {Reason}", ex.Message);
            try
            {
                await redis.GetDatabase().KeyDeleteAsync(Marker);
            }
            catch (Exception inner) when (inner is RedisException or TimeoutException)
            {
                logger.LogError("Redis is unreachable; access-token revocation checks fall back to PostgreSQL while it is down");
            }
        }
    }
}
