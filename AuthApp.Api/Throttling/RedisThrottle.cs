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
public sealed class RedisThrottle(IConnectionMultiplexer redis, ApiTelemetry telemetry, ILogger<RedisThrottle> logger)
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
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(IncrementScript,
                new { key = (RedisKey)Key(kind, subject), windowMs = (long)rule.Window.TotalMilliseconds }))!;
            var count = (long)result[0];
            return Decide(kind, count > rule.Limit, (long)result[1], rule);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return FailOpen(kind, ex);
        }
    }

    /// <summary>Whether the limit is already reached, without counting (checked before the costly password step).</summary>
    public async Task<ThrottleDecision> PeekAsync(string kind, string subject, ThrottleRule rule)
    {
        try
        {
            var database = redis.GetDatabase();
            var key = (RedisKey)Key(kind, subject);
            var count = (long?)await database.StringGetAsync(key) ?? 0;
            var ttl = count >= rule.Limit ? (long)((await database.KeyTimeToLiveAsync(key))?.TotalMilliseconds ?? 0) : 0;
            return Decide(kind, count >= rule.Limit, ttl, rule);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return FailOpen(kind, ex);
        }
    }

    public async Task ResetAsync(string kind, string subject)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(Key(kind, subject));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning("Could not reset a throttle counter: {Reason}", ex.Message);
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

    private ThrottleDecision FailOpen(string kind, Exception ex)
    {
        telemetry.ThrottleUnavailable.Add(1, new KeyValuePair<string, object?>("kind", kind));
        logger.LogWarning("Throttle {Kind} not enforced, Redis did not answer: {Reason}", kind, ex.Message);
        return new(true, TimeSpan.Zero);
    }

    private static string Key(string kind, string subject) =>
        $"authapp:throttle:{kind}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..32]}";
}
