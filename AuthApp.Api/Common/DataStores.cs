using AuthApp.Data;
using StackExchange.Redis;

namespace AuthApp.Api.Common;

/// <summary>
/// PostgreSQL and Redis for the API, both with bounded waits: a request meets a slow or dead server for at
/// most a connect or command timeout (PostgreSQL; then 503) or one Redis budget (then its fallback).
/// </summary>
public static class DataStores
{
    /// <summary>
    /// Connect within 2 s and run a command within 2 s, so that a request during an outage gets 503 within 5 s. A hung
    /// server makes a timed-out command pay once more: Npgsql sends a cancel request on a new connection, whose connect
    /// to a frozen server waits out the connect timeout (see <see cref="RequestPathDatabase.Apply"/>). Every statement on
    /// the request path takes milliseconds; the background clean-ups delete in batches sized to stay far below it.
    /// </summary>
    public static readonly RequestPathDatabase ApiDatabase = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

    public static WebApplicationBuilder AddDataStores(this WebApplicationBuilder builder)
    {
        builder.AddAuthDatabase(ApiDatabase);

        var guard = builder.Configuration.GetSection(RedisGuardOptions.Section).Get<RedisGuardOptions>() ?? new RedisGuardOptions();
        // Its command tracing is replaced by RedisGuard's spans (see there: it held every span for ten seconds).
        builder.AddRedisClient(ResourceNames.Cache, settings => settings.DisableTracing = true, configureOptions: redis =>
        {
            redis.AsyncTimeout = redis.SyncTimeout = (int)guard.OperationBudget.TotalMilliseconds;
            // The client looks for timed-out calls once per heartbeat (1 s by default), so a 250 ms budget was only
            // noticed after up to a second (a hung Redis held the first requests for ~1.7 s). Twice per budget holds it.
            redis.HeartbeatInterval = guard.OperationBudget / 2;
            redis.ConnectTimeout = 2_000;
            // Keep reconnecting in the background instead of failing the app's start when Redis is down.
            redis.AbortOnConnectFail = false;
            // The connection's reads and writes complete on .NET's thread pool rather than on the client's own pool of
            // dedicated threads: a CPU profile of GET /user/me (one Redis round trip) spent ~30% of the API's CPU handing
            // work to those threads and waiting on their lock (docs/performance.md).
            redis.SocketManager = SocketManager.ThreadPool;
        });
        builder.Services.AddOptions<RedisGuardOptions>().BindConfiguration(RedisGuardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RedisGuard>();
        return builder;
    }
}
