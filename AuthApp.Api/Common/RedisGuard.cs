using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AuthApp.Api.Common;

/// <summary>How long AuthApp waits for Redis, and when it stops asking (section <c>Redis</c>).</summary>
public sealed class RedisGuardOptions
{
    public const string Section = "Redis";

    /// <summary>The most one Redis call may take before the caller falls back (StackExchange.Redis's async timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:05")]
    public TimeSpan OperationBudget { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Failures in a row that open the breaker: callers then skip Redis without waiting.</summary>
    [Range(1, 100)]
    public int FailuresToOpen { get; set; } = 3;

    /// <summary>How long the breaker stays open before one call probes Redis again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan OpenFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often Redis's maxmemory-policy is read again (see <see cref="Tokens.RedisEvictionPolicy"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan EvictionPolicyCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Every Redis call of the API goes through here: a short budget per call, a breaker that stops asking a
/// Redis that keeps failing (callers go straight to their fallback, PostgreSQL or fail-open), one probe
/// after <see cref="RedisGuardOptions.OpenFor"/>, and no exception of a slow, dead or restarting Redis
/// ever reaching a request. State and failures are metrics and structured logs.
/// </summary>
public sealed class RedisGuard
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisGuardOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisGuard> _logger;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _skipped;
    private readonly Lock _lock = new();
    private int _failuresInARow;
    private long _openUntilTicks;
    private bool _probing;

    public RedisGuard(IConnectionMultiplexer redis, IOptions<RedisGuardOptions> options, TimeProvider time, IMeterFactory meters, ILogger<RedisGuard> logger)
    {
        _redis = redis;
        _options = options.Value;
        _time = time;
        _logger = logger;
        var meter = meters.Create(ApiTelemetry.Name);
        _failures = meter.CreateCounter<long>("authapp.redis.failures", description: "Redis calls that failed or ran out of budget, by operation.");
        _skipped = meter.CreateCounter<long>("authapp.redis.skipped", description: "Redis calls not made because the breaker was open, by operation.");
        meter.CreateObservableGauge("authapp.redis.breaker_open", () => IsOpen ? 1 : 0, description: "1 while the Redis breaker is open.");
    }

    public bool IsOpen => _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _openUntilTicks);

    /// <summary>Runs <paramref name="call"/> unless the breaker is open; <c>Ok</c> is false when Redis could not answer.</summary>
    public async Task<(bool Ok, T Value)> TryAsync<T>(string operation, Func<IDatabase, Task<T>> call)
    {
        if (!MayCall())
        {
            _skipped.Add(1, new KeyValuePair<string, object?>("operation", operation));
            return (false, default!);
        }
        try
        {
            var value = await call(_redis.GetDatabase());
            Succeeded();
            return (true, value);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // StackExchange.Redis surfaces a hung or restarting server as timeouts, cancellations and
            // "reading is not allowed after reader was completed"; each means "Redis did not answer".
            Failed(operation, ex);
            return (false, default!);
        }
    }

    public async Task<bool> TryAsync(string operation, Func<IDatabase, Task> call) =>
        (await TryAsync(operation, async database => { await call(database); return true; })).Ok;

    private bool MayCall()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow().UtcTicks;
            if (now < _openUntilTicks)
            {
                return false;
            }
            if (_failuresInARow >= _options.FailuresToOpen)
            {
                // Half-open: one caller probes, the others keep skipping until it reports.
                if (_probing)
                {
                    return false;
                }
                _probing = true;
            }
            return true;
        }
    }

    private void Succeeded()
    {
        lock (_lock)
        {
            if (_failuresInARow >= _options.FailuresToOpen)
            {
                _logger.LogInformation("Redis answers again; the breaker is closed");
            }
            _failuresInARow = 0;
            _probing = false;
        }
    }

    private void Failed(string operation, Exception ex)
    {
        _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));
        lock (_lock)
        {
            _failuresInARow++;
            _probing = false;
            if (_failuresInARow >= _options.FailuresToOpen)
            {
                var wasOpen = _failuresInARow > _options.FailuresToOpen;
                _openUntilTicks = (_time.GetUtcNow() + _options.OpenFor).UtcTicks;
                if (!wasOpen)
                {
                    _logger.LogWarning("Redis failed {Failures} times in a row ({Operation}: {Reason}); skipping it for {OpenFor}",
                        _failuresInARow, operation, ex.GetType().Name, _options.OpenFor);
                }
                return;
            }
        }
        _logger.LogWarning("Redis did not answer {Operation}: {Reason}", operation, ex.Message);
    }
}
