using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthApp.Api.Tokens;

/// <summary>
/// The fast path of revocation: Redis keys for revoked sessions (<c>sid</c>) and logged-out access tokens
/// (<c>jti</c>), each expiring when the last access token it could stop expires. PostgreSQL is the truth.
///
/// Redis is trusted only while it provably holds every revocation: each one gets a number in commit order
/// (<see cref="RevocationCounter"/>), Redis keeps the highest number up to which it holds them all
/// (<c>authapp:revocation:applied</c>, advanced only without holes), and each instance knows PostgreSQL's
/// highest number (re-read every <see cref="JwtOptions.RevocationSyncInterval"/>, and at once for its own
/// revocations). A check whose Redis is behind — flushed, restarted from an old snapshot, failed over to a
/// replica that lost writes, or missing a write that failed — asks PostgreSQL, and <see cref="SyncAsync"/>
/// fills Redis in from PostgreSQL.
/// </summary>
public sealed class RevocationStore(
    RedisGuard redis,
    RedisEvictionPolicy eviction,
    IServiceScopeFactory scopes,
    IOptions<JwtOptions> jwt,
    TimeProvider time,
    ApiTelemetry telemetry,
    ILogger<RevocationStore> logger)
{
    private const string Prefix = "authapp:revoked:";
    private static readonly RedisKey Applied = "authapp:revocation:applied";
    private static readonly RedisKey Pending = "authapp:revocation:pending";
    private static readonly TimeSpan BookkeepingLifetime = TimeSpan.FromHours(24);

    // Sets the session keys, then advances "applied" through every number that is now contiguous.
    // A missing "applied" (flushed, expired) stays missing: only SyncAsync, which reads PostgreSQL, vouches again.
    // KEYS: applied, pending, session keys…; ARGV: seq, session-key TTL (ms), bookkeeping TTL (ms).
    private const string PublishScript = """
        for i = 3, #KEYS do redis.call('SET', KEYS[i], '1', 'PX', ARGV[2]) end
        local applied = redis.call('GET', KEYS[1])
        if not applied then return -1 end
        applied = tonumber(applied)
        if tonumber(ARGV[1]) > applied then redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1]) end
        while redis.call('ZSCORE', KEYS[2], applied + 1) do
          applied = applied + 1
          redis.call('ZREM', KEYS[2], applied)
        end
        redis.call('SET', KEYS[1], applied, 'PX', ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[3])
        return applied
        """;

    // Fills in what PostgreSQL says Redis lacks, if nobody moved "applied" meanwhile (compare-and-set).
    // KEYS: applied, pending, session keys…; ARGV: from, to, bookkeeping TTL (ms), one TTL (ms) per session key.
    private const string FillScript = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current ~= tonumber(ARGV[1]) then return 0 end
        for i = 3, #KEYS do redis.call('SET', KEYS[i], '1', 'PX', ARGV[i + 1]) end
        local applied = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', applied)
        while redis.call('ZSCORE', KEYS[2], applied + 1) do
          applied = applied + 1
          redis.call('ZREM', KEYS[2], applied)
        end
        redis.call('SET', KEYS[1], applied, 'PX', ARGV[3])
        return 1
        """;

    private long _knownHighest = -1;

    private static RedisKey SessionKey(Guid sid) => $"{Prefix}sid:{sid:N}";
    private static RedisKey TokenKey(Guid jti) => $"{Prefix}jti:{jti:N}";

    /// <summary>How long a revoked session must stay blacklisted: until any access token issued before it has expired.</summary>
    private TimeSpan BlacklistLifetime => jwt.Value.AccessTokenLifetime + jwt.Value.ClockSkew;

    /// <summary>PostgreSQL's highest revocation number as this instance last saw it (-1: not known yet).</summary>
    public long KnownHighest => Interlocked.Read(ref _knownHighest);

    /// <summary>
    /// Whether an access token is revoked: one Redis round trip in the steady state, PostgreSQL when Redis cannot prove
    /// it is current. It reads <paramref name="companion"/> in the same Redis command (the route's cached
    /// profile), so that an authenticated read costs one round trip. The companion's value is null when Redis was
    /// not asked or did not answer; the caller then reads it its own way.
    /// </summary>
    public async Task<RevocationCheck> CheckAccessTokenAsync(Guid jti, Guid sid, RedisKey? companion, CancellationToken ct)
    {
        var known = KnownHighest;
        RedisValue? companionValue = null;
        // Under an evicting policy Redis is still asked (for the companion and a revoked key it does hold), never believed.
        if (known >= 0)
        {
            RedisKey[] keys = companion is { } extra ? [Applied, TokenKey(jti), SessionKey(sid), extra] : [Applied, TokenKey(jti), SessionKey(sid)];
            var (ok, values) = await redis.TryAsync("revocation.check", db => db.StringGetAsync(keys));
            if (ok)
            {
                companionValue = companion is null ? null : (RedisValue?)values[3];
                if (!values[1].IsNull || !values[2].IsNull)
                {
                    return new RevocationCheck(true, null);
                }
                // A missing counter parses as 0: without HasValue a flushed Redis would be trusted while nothing is known.
                if (eviction.EvictionImpossible && values[0].HasValue && values[0].TryParse(out long applied) && applied >= known)
                {
                    return new RevocationCheck(false, companionValue);
                }
            }
        }

        telemetry.RevocationFallbacks.Add(1);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        var revoked = await db.Sessions.AsNoTracking().AnyAsync(s => s.Id == sid && s.RevokedAt != null, ct);
        return new RevocationCheck(revoked, companionValue);
    }

    /// <summary>After PostgreSQL committed revocation number <paramref name="seq"/> for these sessions.</summary>
    public async Task BlacklistSessionsAsync(IReadOnlyCollection<Guid> sessionIds, long seq)
    {
        RaiseKnownHighest(seq);
        RedisKey[] keys = [Applied, Pending, .. sessionIds.Select(SessionKey)];
        RedisValue[] values = [seq, (long)BlacklistLifetime.TotalMilliseconds, (long)BookkeepingLifetime.TotalMilliseconds];
        var published = await redis.TryAsync("revocation.publish", db => db.ScriptEvaluateAsync(PublishScript, keys, values));
        if (!published.Ok)
        {
            // Redis stays behind this number; every instance asks PostgreSQL until SyncAsync fills it in.
            logger.LogWarning("Revocation {Seq} is in PostgreSQL but not yet in Redis; checks ask PostgreSQL until Redis catches up", seq);
        }
    }

    /// <summary>A logged-out access token (its session is revoked too; this key answers it even before a sync).</summary>
    public async Task BlacklistAccessTokenAsync(Guid jti, DateTimeOffset expiresAt)
    {
        var ttl = expiresAt - time.GetUtcNow() + jwt.Value.ClockSkew;
        if (ttl > TimeSpan.Zero)
        {
            await redis.TryAsync("revocation.token", db => db.StringSetAsync(TokenKey(jti), "1", ttl));
        }
    }

    /// <summary>
    /// Learns PostgreSQL's highest revocation number and, when Redis is behind it, copies the missing
    /// revocations from PostgreSQL into Redis. Cheap when nothing changed: one row read, one Redis GET.
    /// </summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        var highest = await db.RevocationCounters.AsNoTracking()
            .Where(c => c.Id == RevocationCounter.SingletonId).Select(c => c.Value).SingleAsync(ct);
        RaiseKnownHighest(highest);

        var (ok, stored) = await redis.TryAsync("revocation.sync", database => database.StringGetAsync(Applied));
        if (!ok)
        {
            return;
        }
        var applied = stored.TryParse(out long value) ? value : 0;
        if (stored.HasValue && applied >= highest)
        {
            return;
        }

        // A full fill (nothing vouched for) takes every session revoked within the blacklist's lifetime,
        // numbered or from before numbering; an incremental one only the numbers Redis lacks.
        var now = time.GetUtcNow();
        var since = now - BlacklistLifetime;
        var missing = db.Sessions.AsNoTracking().Where(s => s.RevokedAt != null && s.RevokedAt > since);
        missing = applied == 0
            ? missing.Where(s => s.RevocationSeq == null || s.RevocationSeq <= highest)
            : missing.Where(s => s.RevocationSeq > applied && s.RevocationSeq <= highest);
        var rows = await missing.Select(s => new { s.Id, RevokedAt = s.RevokedAt!.Value }).ToListAsync(ct);

        RedisKey[] keys = [Applied, Pending, .. rows.Select(r => SessionKey(r.Id))];
        RedisValue[] values =
        [
            applied, highest, (long)BookkeepingLifetime.TotalMilliseconds,
            .. rows.Select(r => (RedisValue)(long)Math.Max(1, (r.RevokedAt + BlacklistLifetime - now).TotalMilliseconds)),
        ];
        var filled = await redis.TryAsync("revocation.fill", database => database.ScriptEvaluateAsync(FillScript, keys, values));
        if (filled.Ok && (int)filled.Value == 1)
        {
            logger.LogInformation("Redis revocation data caught up with PostgreSQL: {Count} sessions copied, revocations {From}..{To}",
                rows.Count, applied, highest);
        }
    }

    private void RaiseKnownHighest(long seq)
    {
        var current = Interlocked.Read(ref _knownHighest);
        while (seq > current)
        {
            var seen = Interlocked.CompareExchange(ref _knownHighest, seq, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}

/// <summary>Keeps <see cref="RevocationStore"/> in step with PostgreSQL: once before the API serves, then every sync interval.</summary>
public sealed class RevocationSync(RevocationStore revocations, IOptions<JwtOptions> options, TimeProvider time, ILogger<RevocationSync> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SyncOnceAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationSyncInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SyncOnceAsync(stoppingToken);
        }
    }

    private async Task SyncOnceAsync(CancellationToken ct)
    {
        try
        {
            await revocations.SyncAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // PostgreSQL unreachable: checks keep asking it (and answer 503 while it is down); retried next tick.
            logger.LogWarning("Could not compare Redis's revocation data with PostgreSQL: {Reason}", ex.Message);
        }
    }
}

/// <summary>The answer of a revocation check, with the value of the key read alongside it (null: not read).</summary>
public readonly record struct RevocationCheck(bool Revoked, RedisValue? Companion);
