using AuthApp.Api.Common;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthApp.Api.Tokens;

/// <summary>
/// Whether Redis may be trusted to still hold every revocation it was given. Every blacklist key has a TTL, so under a
/// <c>maxmemory-policy</c> other than <c>noeviction</c> (<c>volatile-lru</c>, <c>allkeys-lru</c>, …) Redis silently drops
/// the rarely read <c>revoked:*</c> keys first while the hot counter that vouches for them survives, and a logged-out
/// token would be accepted again. So the policy is read at start, every few seconds after (an operator can change it on
/// a live managed Redis), and whenever the connection comes back; until it reads <c>noeviction</c>, revocation checks
/// ask PostgreSQL.
/// </summary>
public sealed class RedisEvictionPolicy(RedisGuard redis, ILogger<RedisEvictionPolicy> logger)
{
    private volatile bool _evictionImpossible;
    private string? _lastPolicy;

    public bool EvictionImpossible => _evictionImpossible;

    /// <summary>Called when the connection was restored: a failover may have brought another server with another policy.</summary>
    public void Distrust() => _evictionImpossible = false;

    public async Task CheckAsync()
    {
        var (ok, info) = await redis.TryAsync("redis.policy", database => database.ExecuteAsync("INFO", "memory"));
        if (!ok)
        {
            return; // Redis is not answering: its checks fall back on their own, and the next check decides.
        }
        var policy = ReadPolicy(info.ToString());
        var safe = policy == "noeviction";
        if (policy != _lastPolicy)
        {
            if (safe)
            {
                logger.LogInformation("Redis maxmemory-policy is noeviction: revocation checks may use Redis");
            }
            else
            {
                logger.LogError("Redis maxmemory-policy is {Policy}, not noeviction: Redis may evict revocations, so every "
                    + "revocation check asks PostgreSQL until it is set to noeviction", policy ?? "unknown");
            }
            _lastPolicy = policy;
        }
        _evictionImpossible = safe;
    }

    /// <summary>The <c>maxmemory_policy:</c> line of <c>INFO memory</c>.</summary>
    public static string? ReadPolicy(string info) => info.Split('\n')
        .Select(line => line.Trim())
        .FirstOrDefault(line => line.StartsWith("maxmemory_policy:", StringComparison.Ordinal))?["maxmemory_policy:".Length..];
}

/// <summary>Reads Redis's eviction policy at start, every <see cref="RedisGuardOptions.EvictionPolicyCheckInterval"/>, and on reconnection.</summary>
public sealed class RedisEvictionWatch(
    RedisEvictionPolicy policy,
    IConnectionMultiplexer connection,
    IOptions<RedisGuardOptions> options) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        connection.ConnectionRestored += OnConnectionRestored;
        await policy.CheckAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time, not the API's clock: the check guards against what happens to Redis, which a test clock does not move.
        using var timer = new PeriodicTimer(options.Value.EvictionPolicyCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await policy.CheckAsync();
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        connection.ConnectionRestored -= OnConnectionRestored;
        return base.StopAsync(cancellationToken);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        policy.Distrust();
        _ = policy.CheckAsync();
    }
}
