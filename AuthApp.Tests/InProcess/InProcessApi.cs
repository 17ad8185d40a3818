using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// The API hosted in the test process (WebApplicationFactory) over the fixture's real PostgreSQL and
/// Redis, with a clock the test moves (<see cref="Clock"/>) and every log line kept (<see cref="Logs"/>).
/// Requests arrive from loopback, like Aspire's proxy, so <c>X-Forwarded-For</c> names the client, unless the
/// test names another peer address (an ingress, a client reaching the API directly).
/// </summary>
// Any type of the API's assembly names its entry point; Program is ambiguous here (the AppHost has one too).
public sealed class InProcessApi : WebApplicationFactory<AuthApp.Api.Common.ApiTelemetry>
{
    private readonly ServersFixture _servers;
    private readonly (string Key, string Value)[] _settings;
    private readonly ConcurrentQueue<string> _logs = new();

    private readonly IPAddress _peer;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _services;

    public InProcessApi(ServersFixture servers, (string Key, string Value)[] settings, IPAddress? peer = null, string environment = "Development",
        Action<IServiceCollection>? services = null)
    {
        _servers = servers;
        _settings = settings;
        _peer = peer ?? IPAddress.Loopback;
        _environment = environment;
        _services = services;
    }

    public const string LinkBaseUrl = "https://app.example.com";

    /// <summary>Starts at the real time (Redis keys expire in real time) and moves only when a test advances it.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The first use starts the API (and throws if it cannot start).</summary>
    public HttpClient Client => field ??= CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public IReadOnlyCollection<string> Logs => _logs;

    /// <summary>Writes what the API logged to a test's output, which the runner shows when the test fails.</summary>
    public void WriteLogsTo(ITestOutputHelper output)
    {
        foreach (var line in _logs)
        {
            output.WriteLine(line);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting($"ConnectionStrings:{Data.ResourceNames.Database}", _servers.DatabaseConnectionString);
        builder.UseSetting($"ConnectionStrings:{Data.ResourceNames.Cache}", _servers.CacheConnectionString);
        builder.UseSetting($"ConnectionStrings:{Data.ResourceNames.Mail}", _servers.MailConnectionString);
        builder.UseSetting("Email:LinkBaseUrl", LinkBaseUrl);
        builder.UseSetting("Jwt:SigningKey", TestSecrets.SigningKey);
        builder.UseSetting("Jwt:Issuer", TestSecrets.Issuer);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(new CapturingLoggerProvider(_logs));
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddFilter("AuthApp", LogLevel.Debug);
            logging.AddFilter("Microsoft.AspNetCore.Authentication", LogLevel.Debug);
            logging.AddFilter("Microsoft.AspNetCore.Hosting", LogLevel.Information);
            logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Debug);
            logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information);
        });
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IStartupFilter>(new Peer(_peer));
            _services?.Invoke(services);
        });
    }

    /// <summary>TestServer leaves the peer address empty; a real connection has one (loopback through a local proxy).</summary>
    private sealed class Peer(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
