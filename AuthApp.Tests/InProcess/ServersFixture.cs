using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AuthApp.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// Real PostgreSQL and Redis for the in-process tests, started once for their collection: the AppHost
/// in <c>local</c> mode without its <c>api</c> resource, so the servers and the migration worker are
/// exactly those of the distributed app while the API itself runs inside the test process.
/// </summary>
public sealed class ServersFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = LocalAppHost.NewDataDirectory("inprocess");
    private DistributedApplication? _app;

    public string DatabaseConnectionString { get; private set; } = "";
    public string CacheConnectionString { get; private set; } = "";
    public string MailConnectionString { get; private set; } = "";

    /// <summary>What the AppHost's smtp4dev received.</summary>
    public MailInbox Mail { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AuthApp_AppHost>(
            [
                "AuthApp:Infrastructure=local",
                $"AuthApp:Local:DataDirectory={_dataDirectory}",
                $"Parameters:jwt-signing-key={TestSecrets.SigningKey}",
            ],
            (options, _) => options.DisableDashboard = true,
            cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var service in builder.Resources.Where(resource => resource.Name is "api" or "admin").ToList())
        {
            builder.Resources.Remove(service);
        }

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        var migrated = await _app.ResourceNotifications.WaitForResourceAsync("migrations",
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
        Assert.Equal(0, migrated.Snapshot.ExitCode);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Cache, cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Mail, cts.Token);

        DatabaseConnectionString = await _app.GetConnectionStringAsync(ResourceNames.Database, cts.Token)
            ?? throw new InvalidOperationException("The AppHost published no connection string for the database.");
        CacheConnectionString = await _app.GetConnectionStringAsync(ResourceNames.Cache, cts.Token)
            ?? throw new InvalidOperationException("The AppHost published no connection string for Redis.");
        MailConnectionString = await _app.GetConnectionStringAsync(ResourceNames.Mail, cts.Token)
            ?? throw new InvalidOperationException("The AppHost published no connection string for the mail server.");
        Mail = new MailInbox(_app.CreateHttpClient(ResourceNames.Mail, "http"));
    }

    /// <summary>A new API in this process over these servers; dispose it at the end of the test.</summary>
    public InProcessApi StartApi(params (string Key, string Value)[] settings) => new(this, settings);

    /// <summary>An API whose services are changed by <paramref name="services"/> (a fake mail transport, say).</summary>
    public InProcessApi StartApi(Action<IServiceCollection> services, params (string Key, string Value)[] settings) =>
        new(this, settings, services: services);

    /// <summary>An API whose requests come from <paramref name="peer"/>, in <paramref name="environment"/>.</summary>
    public InProcessApi StartApi(IPAddress peer, string environment, params (string Key, string Value)[] settings) =>
        new(this, settings, peer, environment);

    public Task DisposeAsync() => LocalAppHost.StopAsync(_app, _dataDirectory);
}

[CollectionDefinition(Name)]
public sealed class InProcessCollection : ICollectionFixture<ServersFixture>
{
    public const string Name = "In-process API";
}
