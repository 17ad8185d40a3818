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
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"authapp-tests-{Guid.NewGuid():N}");

    public DistributedApplication App { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AuthApp_AppHost>(
            [
                "AuthApp:Infrastructure=local",
                $"AuthApp:Local:DataDirectory={_dataDirectory}",
                $"Parameters:jwt-signing-key={TestSecrets.SigningKey}",
                "AuthApp:Superuser:Email=root@example.com",
                "AuthApp:Superuser:Username=rootadmin",
                $"Parameters:superuser-password={TestSecrets.SuperuserPassword}",
            ],
            (options, _) => options.DisableDashboard = true,
            cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        App = await builder.BuildAsync(cts.Token);
        await App.StartAsync(cts.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
        Api = App.CreateHttpClient("api", "http");
    }

    public async Task<string?> GetConnectionStringAsync(string resource) => await App.GetConnectionStringAsync(resource);

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing may hold a file for a moment; the folder is under the temp directory.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}

public static class TestSecrets
{
    public const string SigningKey = "test-signing-key-0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string SuperuserPassword = "Seeded-Superuser-Pass-91";
}
