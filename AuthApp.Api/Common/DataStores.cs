using AuthApp.Data;

namespace AuthApp.Api.Common;

/// <summary>
/// PostgreSQL and Redis for the API, both with bounded waits: a request meets a slow or dead server for at
/// most a connect or command timeout (PostgreSQL; then 503) or one Redis budget (then its fallback).
/// </summary>
public static class DataStores
{
    /// <summary>Connect within 2 s and run a command within 4 s, so that a request during an outage gets 503 within 5 s.</summary>
    public static readonly RequestPathDatabase ApiDatabase = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));

    public static WebApplicationBuilder AddDataStores(this WebApplicationBuilder builder)
    {
        builder.AddAuthDatabase(ApiDatabase);

        var guard = builder.Configuration.GetSection(RedisGuardOptions.Section).Get<RedisGuardOptions>() ?? new RedisGuardOptions();
        builder.AddRedisClient(ResourceNames.Cache, configureOptions: redis =>
        {
            redis.AsyncTimeout = redis.SyncTimeout = (int)guard.OperationBudget.TotalMilliseconds;
            // The client looks for timed-out calls once per heartbeat (1 s by default), so a 250 ms budget was only
            // noticed after up to a second (a hung Redis held the first requests for ~1.7 s). Twice per budget holds it.
            redis.HeartbeatInterval = guard.OperationBudget / 2;
            redis.ConnectTimeout = 2_000;
            // Keep reconnecting in the background instead of failing the app's start when Redis is down.
            redis.AbortOnConnectFail = false;
        });
        builder.Services.AddOptions<RedisGuardOptions>().BindConfiguration(RedisGuardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RedisGuard>();
        return builder;
    }
}
