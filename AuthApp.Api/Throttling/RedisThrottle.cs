using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace AuthApp.Api.Throttling;

/// <summary>What a throttle check decided; <see cref="RetryAfter"/> is how long until the window resets.</summary>
public readonly record struct ThrottleDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// Fixed-window counters in Redis (<c>authapp:throttle:{kind}:{hash}</c>, expiring with their window).
/// Identifiers and addresses are hashed, so Redis never holds e-mail addresses. If Redis is down the
/// checks let requests through (logged and counted): availability over a throttle that PostgreSQL
/// cannot provide; Argon2id's cost and the hashing gate still bound guessing speed.
/// </summary>
public sealed class RedisThrottle(RedisGuard redis, ApiTelemetry telemetry, ILogger<RedisThrottle> logger)
{
    // INCR and set the expiry on the first hit, atomically; returns the count and the milliseconds left.
    private static readonly LuaScript IncrementScript = LuaScript.Prepare("""
        local count = redis.call('INCR', @key)
        if count == 1 then redis.call('PEXPIRE', @key, @windowMs) end
        return { count, redis.call('PTTL', @key) }
        """);

    /// <summary>Counts one event and tells whether it is within the limit.</summary>
    public async Task<ThrottleDecision> HitAsync(string kind, string subject, ThrottleRule rule)
    {
        var (ok, result) = await redis.TryAsync($"throttle.{kind}", database => database.ScriptEvaluateAsync(IncrementScript,
            new { key = (RedisKey)Key(kind, subject), windowMs = (long)rule.Window.TotalMilliseconds }));
        if (!ok)
        {
            return FailOpen(kind);
        }
        var counted = (RedisResult[])result!;
        return Decide(kind, (long)counted[0] > rule.Limit, (long)counted[1], rule);
    }

    /// <summary>Whether the limit is already reached, without counting (checked before the costly password step).</summary>
    public async Task<ThrottleDecision> PeekAsync(string kind, string subject, ThrottleRule rule)
    {
        var key = (RedisKey)Key(kind, subject);
        var (ok, count) = await redis.TryAsync($"throttle.{kind}", async database => (long?)await database.StringGetAsync(key) ?? 0);
        if (!ok)
        {
            return FailOpen(kind);
        }
        if (count < rule.Limit)
        {
            return Decide(kind, false, 0, rule);
        }
        var (_, ttl) = await redis.TryAsync($"throttle.{kind}", database => database.KeyTimeToLiveAsync(key));
        return Decide(kind, true, (long)(ttl?.TotalMilliseconds ?? 0), rule);
    }

    public async Task ResetAsync(string kind, string subject)
    {
        if (!(await redis.TryAsync($"throttle.{kind}", database => database.KeyDeleteAsync(Key(kind, subject)))).Ok)
        {
            logger.LogWarning("Could not reset the {Kind} throttle counter; it ends with its window", kind);
        }
    }

    private ThrottleDecision Decide(string kind, bool limited, long ttlMs, ThrottleRule rule)
    {
        if (!limited)
        {
            return new(true, TimeSpan.Zero);
        }
        telemetry.Throttled.Add(1, new KeyValuePair<string, object?>("kind", kind));
        return new(false, ttlMs > 0 ? TimeSpan.FromMilliseconds(ttlMs) : rule.Window);
    }

    private ThrottleDecision FailOpen(string kind)
    {
        telemetry.ThrottleUnavailable.Add(1, new KeyValuePair<string, object?>("kind", kind));
        logger.LogWarning("Throttle {Kind} not enforced: Redis did not answer", kind);
        return new(true, TimeSpan.Zero);
    }

    private static string Key(string kind, string subject) =>
        $"authapp:throttle:{kind}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..32]}";
}
