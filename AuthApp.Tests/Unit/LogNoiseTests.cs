using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuthApp.Tests.Unit;

/// <summary>
/// Logs are signal, not noise: a healthy service writes no line per telemetry export (Polly's "Execution attempt …
/// Result: '200'" from the resilience handler around the OTLP exporter's client) and no line per step of a Redis
/// connection (StackExchange.Redis's handshake at Information), while their warnings and errors still show.
/// </summary>
public sealed class LogNoiseTests
{
    [Fact]
    public void Polly_writes_warnings_but_not_its_per_attempt_information_lines()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.ConfigureOpenTelemetry();
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Polly");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void The_api_writes_redis_client_warnings_but_not_its_connection_steps()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "api-appsettings.json"), optional: false);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StackExchange.Redis.ConnectionMultiplexer");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }
}
