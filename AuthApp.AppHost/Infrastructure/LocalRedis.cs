using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>A Redis server run from the machine's own <c>redis-server</c>.</summary>
public sealed class LocalRedisResource(string name, string command, string dataRoot, ParameterResource password)
    : ExecutableResource(name, command, dataRoot), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => field ??= new(this, EndpointName);
    public ParameterResource Password { get; } = password;
    public string DataDirectory { get; } = Path.Combine(dataRoot, "redis");
    public string ConfigFile => Path.Combine(DataDirectory, "redis.conf");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)},password={Password}");
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class LocalRedisExtensions
{
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, LocalServerPrograms programs, string dataRoot)
    {
        var password = builder.AddParameter($"{name}-password", () => LocalDataDirectory.ReadOrCreateSecret(dataRoot, name), secret: true);
        var redis = new LocalRedisResource(name, programs.RedisServer, dataRoot, password.Resource);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, new RedisPingHealthCheck(redis), failureStatus: null, tags: null));

        return builder.AddResource(redis)
            // Not behind Aspire's proxy: a stopped or dead Redis then refuses connections at once instead of
            // leaving them open in a proxy that never answers. Aspire still allocates the port.
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            // The password goes into a 0600 config file, not onto the command line the dashboard shows.
            .WithArgs(context =>
            {
                context.Args.Add(redis.ConfigFile);
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithIconName("Memory")
            .ExcludeFromManifest()
            .OnBeforeResourceStarted(async (resource, _, ct) => await WriteConfigAsync(resource, ct))
            .WithHealthCheck(healthCheckKey);
    }

    private static async Task WriteConfigAsync(LocalRedisResource redis, CancellationToken ct)
    {
        Directory.CreateDirectory(redis.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = string.Join('\n',
            "bind 127.0.0.1",
            "protected-mode yes",
            $"dir {redis.DataDirectory}",
            $"requirepass {await redis.Password.GetValueAsync(ct)}",
            // Revocations live in keys with a TTL: an evicting policy would drop them (the API checks this too).
            "maxmemory-policy noeviction",
            "");
        await File.WriteAllTextAsync(redis.ConfigFile, config, ct);
        File.SetUnixFileMode(redis.ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

/// <summary>Healthy when Redis answers PING. One multiplexer is kept and reconnects by itself after a restart.</summary>
internal sealed class RedisPingHealthCheck(LocalRedisResource redis) : IHealthCheck, IDisposable
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await ConnectAsync(cancellationToken);
            await connection.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken ct)
    {
        if (_connection is { } existing)
        {
            return existing;
        }
        await _connectLock.WaitAsync(ct);
        try
        {
            var connectionString = await redis.ConnectionStringExpression.GetValueAsync(ct);
            return _connection ??= await ConnectionMultiplexer.ConnectAsync($"{connectionString},abortConnect=false,connectTimeout=2000");
        }
        finally
        {
            _connectLock.Release();
        }
    }

    public void Dispose() => _connection?.Dispose();
}
