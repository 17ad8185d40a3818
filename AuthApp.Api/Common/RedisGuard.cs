using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
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
/// ever reaching a request. State and failures are metrics and structured logs, and each call is a span.
/// </summary>
public sealed class RedisGuard
{
    /// <summary>
    /// The Redis spans of the traces: one per call, named by its purpose (<c>revocation.check</c>), started only while
    /// a tracer listens. They replace the Aspire client's command tracing, which keeps every command's profiling
    /// session and span for ten seconds before it reports them: at 15,000 reads a second that held ~110,000 spans
    /// (~120 MiB), promoted to the oldest generation, and the full collections it caused set the p99 of
    /// <c>GET /user/me</c> at 70–80 ms instead of 6–9 ms (docs/performance.md).
    /// </summary>
    private static readonly ActivitySource Spans = new(ApiTelemetry.Name);

    private readonly IConnectionMultiplexer _redis;
    private readonly KeyValuePair<string, object?>[] _serverTags;
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
        _serverTags = ServerTags(redis);
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
        using var span = StartSpan(operation);
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
            span?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name).SetTag("error.type", ex.GetType().FullName);
            Failed(operation, ex);
            return (false, default!);
        }
    }

    /// <summary>A client span in OpenTelemetry's database conventions; the server tags let the dashboard draw the call.</summary>
    private Activity? StartSpan(string operation)
    {
        if (!Spans.HasListeners())
        {
            return null;
        }
        var span = Spans.StartActivity(ActivityKind.Client, tags: _serverTags, name: operation);
        span?.SetTag("db.operation.name", operation);
        return span;
    }

    private static KeyValuePair<string, object?>[] ServerTags(IConnectionMultiplexer redis)
    {
        var (host, port) = redis.GetEndPoints() is [var first, ..] ? first switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => (first.ToString(), 0),
        } : ("", 0);
        return
        [
            new("db.system.name", "redis"),
            new("db.system", "redis"), // the name before semantic conventions 1.26, which the dashboard reads
            new("server.address", host),
            new("server.port", port),
        ];
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
