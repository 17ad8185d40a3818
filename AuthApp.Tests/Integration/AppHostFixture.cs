using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Starts the real AppHost once for the whole collection, in <c>local</c> mode with a throw-away data
/// directory: real PostgreSQL and Redis processes, the migration worker and the API.
/// </summary>
public class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataDirectory = LocalAppHost.NewDataDirectory("tests");

    public const string AllowedOrigin = "https://app.example.com";

    private readonly CancellationTokenSource _stopCapture = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _apiLogs = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _migrationLogs = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _adminLogs = new();

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Every console line the API has written so far.</summary>
    public IReadOnlyCollection<string> ApiLogs => _apiLogs;

    /// <summary>Every console line the migration worker has written so far, over all its runs.</summary>
    public IReadOnlyCollection<string> MigrationLogs => _migrationLogs;

    /// <summary>What the mail server (smtp4dev) received, read through its own API.</summary>
    public MailInbox Mail { get; private set; } = null!;
    /// <summary>Every console line the staff console has written so far.</summary>
    public IReadOnlyCollection<string> AdminLogs => _adminLogs;
    public HttpClient Api { get; private set; } = null!;

    /// <summary>The staff console's address (the AppHost's <c>admin</c> resource).</summary>
    public Uri Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AuthApp_AppHost>(
            [
                "AuthApp:Infrastructure=local",
                $"AuthApp:Local:DataDirectory={_dataDirectory}",
                $"Parameters:jwt-signing-key={TestSecrets.SigningKey}",
                $"AuthApp:Superuser:Email={RootEmail}",
                "AuthApp:Superuser:Username=rootadmin",
                $"Parameters:superuser-password={TestSecrets.SuperuserPassword}",
                // The console's client secret where it signs in through AuthApp (ES256): set, so none is generated and kept.
                $"Parameters:admin-client-secret={ConsoleClientSecret}",
                // HS256 and a fixed issuer, so that tests can mint tokens the API must refuse (ExtraArguments may change both).
                "AuthApp:Jwt:SigningAlgorithm=HS256",
                $"AuthApp:Issuer={TestSecrets.Issuer}",
                .. ExtraArguments,
            ],
            (options, _) => options.DisableDashboard = true,
            cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        WithoutTelemetryExport(builder);
        ConfigureApp(builder);
        var api = builder.CreateResourceBuilder<ProjectResource>("api");
        ConfigureApi(api);
        api
            // One allowed browser origin, to show CORS opens for it and stays closed for others.
            .WithEnvironment("Cors__AllowedOrigins__0", AllowedOrigin)
            // Verbose logs from the code that handles tokens and passwords, so the log test has something to read.
            .WithEnvironment("Logging__LogLevel__AuthApp", "Debug")
            .WithEnvironment("Logging__LogLevel__Microsoft.AspNetCore.Authentication", "Debug")
            .WithEnvironment("Logging__LogLevel__Microsoft.AspNetCore.Hosting", "Information")
            .WithEnvironment("Logging__LogLevel__Microsoft.AspNetCore.Routing", "Debug")
            .WithEnvironment("Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command", "Information")
            // Quick retries, so that a test of a mail-server outage sees delivery seconds after the restart.
            .WithEnvironment("Email__Outbox__PollInterval", "00:00:01")
            .WithEnvironment("Email__Outbox__RetryBaseDelay", "00:00:01")
            .WithEnvironment("Email__Outbox__RetryMaxDelay", "00:00:02")
            .WithEnvironment("Email__Outbox__SmtpTimeout", "00:00:05")
            .WithEnvironment("Email__Outbox__Lease", "00:00:15");

        builder.CreateResourceBuilder<ProjectResource>("admin")
            // Verbose logs from sign-in, token refresh and the HTTP client (headers at Trace), so the secrecy check has something to read.
            .WithEnvironment("Logging__LogLevel__AuthApp", "Debug")
            .WithEnvironment("Logging__LogLevel__Microsoft.AspNetCore.Authentication", "Debug")
            .WithEnvironment("Logging__LogLevel__Microsoft.AspNetCore.Antiforgery", "Debug")
            .WithEnvironment("Logging__LogLevel__System.Net.Http.HttpClient", "Trace");

        App = await builder.BuildAsync(cts.Token);
        await App.StartAsync(cts.Token);
        // The API starts only after the migration worker has finished; it must have finished well.
        var migrated = await App.ResourceNotifications.WaitForResourceAsync("migrations",
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        _ = CaptureLogsAsync(logs, migrated.ResourceId, _migrationLogs, _stopCapture.Token);
        Assert.True(migrated.Snapshot.ExitCode == 0, $"the migration worker exited {migrated.Snapshot.ExitCode}");
        var running = await App.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("mail", cts.Token);
        Mail = new MailInbox(App.CreateHttpClient("mail", "http"));
        // Console logs are kept per running instance (api-xxxx), not per resource name.
        _ = CaptureLogsAsync(logs, running.ResourceId, _apiLogs, _stopCapture.Token);
        Api = CreateApiClient();
        var console = await App.ResourceNotifications.WaitForResourceHealthyAsync("admin", cts.Token);
        _ = CaptureLogsAsync(logs, console.ResourceId, _adminLogs, _stopCapture.Token);
        Admin = App.GetEndpoint("admin", "http");
        await AfterStartAsync(cts.Token);
    }

    /// <summary>Waits for what a fixture adds to the app (after the API and the console are healthy).</summary>
    protected virtual Task AfterStartAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>More AppHost configuration for a fixture that runs the app differently.</summary>
    protected virtual string[] ExtraArguments => [];

    protected virtual HttpClient CreateApiClient() => App.CreateHttpClient("api", "http");

    /// <summary>Changes to the model before it is built, for a fixture that runs the app differently.</summary>
    protected virtual void ConfigureApp(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>API settings for a fixture that runs the API differently.</summary>
    protected virtual void ConfigureApi(IResourceBuilder<ProjectResource> api)
    {
    }

    public const string ConsoleClientSecret = "admin-secret-0123456789abcdef0123456789abcdef0123";

    /// <summary>The seeded superuser's e-mail (its password is <see cref="TestSecrets.SuperuserPassword"/>).</summary>
    public const string RootEmail = "root@example.com";

    /// <summary>A fresh access token of the seeded superuser.</summary>
    public async Task<string> RootAccessTokenAsync() => (await Api.LoginAsync(RootEmail, TestSecrets.SuperuserPassword)).Access;

    public async Task<string?> GetConnectionStringAsync(string resource) => await App.GetConnectionStringAsync(resource);

    /// <summary>
    /// No dashboard runs here, yet Aspire still points every service's OTLP exporter at the dashboard's address. An
    /// exporter that cannot deliver retries through a service's shutdown (OpenTelemetry's retry handler sleeps between
    /// attempts), so a stopped service outlived DCP's stop timeout. With no exporter annotation, no exporter is set up.
    /// </summary>
    private static void WithoutTelemetryExport(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var resource in builder.Resources)
        {
            foreach (var annotation in resource.Annotations.OfType<OtlpExporterAnnotation>().ToList())
            {
                resource.Annotations.Remove(annotation);
            }
        }
    }

    private static async Task CaptureLogsAsync(ResourceLoggerService logs, string resourceId, System.Collections.Concurrent.ConcurrentQueue<string> into, CancellationToken ct)
    {
        try
        {
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(ct))
            {
                foreach (var line in batch)
                {
                    into.Enqueue(line.Content);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async Task DisposeAsync()
    {
        await _stopCapture.CancelAsync();
        Api?.Dispose();
        await LocalAppHost.StopAsync(App, _dataDirectory);
    }
}

// The distributed apps run one after another (after the unit and in-process tests): two AppHosts at
// once would share two cores with their PostgreSQL, Redis and API processes.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}

/// <summary>
/// The same app as production runs it: the API in the Production environment behind a TLS-terminating
/// proxy (every request says X-Forwarded-Proto: https), signing with rotating ES256 keys from PostgreSQL
/// instead of the HS256 secret.
/// </summary>
public sealed class Es256AppHostFixture : AppHostFixture
{
    protected override string[] ExtraArguments => ["AuthApp:Jwt:SigningAlgorithm=ES256"];

    protected override void ConfigureApi(IResourceBuilder<ProjectResource> api) => api
        .WithEnvironment("Jwt__KeyRefreshInterval", "00:00:02")
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
        .WithEnvironment("ASPNETCORE_HTTPS_PORT", "443");

    protected override HttpClient CreateApiClient() =>
        new(new ForwardedHttpsHandler { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false } })
        {
            BaseAddress = App.GetEndpoint("api", "http"),
        };

    /// <summary>What a TLS-terminating proxy adds: the original request was HTTPS.</summary>
    private sealed class ForwardedHttpsHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.Headers.Contains("X-Forwarded-Proto"))
            {
                request.Headers.Add("X-Forwarded-Proto", "https");
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Es256AppHostCollection : ICollectionFixture<Es256AppHostFixture>
{
    public const string Name = "AppHost ES256";
}

