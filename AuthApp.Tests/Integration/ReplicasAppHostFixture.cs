using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuthApp.Tests.Integration;

/// <summary>
/// The app with two API instances (<c>AuthApp:Api:Replicas=2</c>) signing with ES256 keys from PostgreSQL, and each
/// instance reached on its own port rather than through Aspire's load-balancing proxy, so that a test decides which
/// instance answers. The instances re-read keys on their own only once an hour here: a key rotated on one instance
/// can only be accepted by the other through the re-read that an unknown kid triggers.
/// </summary>
public sealed class ReplicasAppHostFixture : AppHostFixture, IAsyncLifetime
{
    public HttpClient InstanceA { get; private set; } = null!;
    public HttpClient InstanceB { get; private set; } = null!;

    /// <summary>Each instance's own address and process id (from the orchestrator's snapshot of each replica).</summary>
    public IReadOnlyList<(Uri Address, int ProcessId)> Instances { get; private set; } = [];

    /// <summary>From the start of the AppHost to both instances healthy.</summary>
    public TimeSpan StartTime { get; private set; }

    protected override string[] ExtraArguments => ["AuthApp:Api:Replicas=2", "AuthApp:Jwt:SigningAlgorithm=ES256"];

    protected override void ConfigureApi(IResourceBuilder<ProjectResource> api) => api
        .WithEnvironment("Jwt__KeyRefreshInterval", "01:00:00");

    async Task IAsyncLifetime.InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        await InitializeAsync();
        using var cts = new CancellationTokenSource(StartTimeout);
        Instances = await WaitForHealthyInstancesAsync(2, cts.Token);
        StartTime = started.Elapsed;
        Console.WriteLine($"AuthApp replicas fixture: 2 API instances healthy {StartTime.TotalSeconds:F1} s after the AppHost started");
        InstanceA = new HttpClient { BaseAddress = Instances[0].Address };
        InstanceB = new HttpClient { BaseAddress = Instances[1].Address };
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        InstanceA?.Dispose();
        InstanceB?.Dispose();
        await DisposeAsync();
    }

    /// <summary>
    /// Every replica of <c>api</c> is a resource of its own in the orchestrator (api-xxxx); its snapshot carries the
    /// environment it was started with, including the URL its Kestrel listens on behind the proxy.
    /// </summary>
    private async Task<IReadOnlyList<(Uri Address, int ProcessId)>> WaitForHealthyInstancesAsync(int count, CancellationToken ct)
    {
        var healthy = new Dictionary<string, (Uri Address, int ProcessId)>();
        await foreach (var update in App.ResourceNotifications.WatchAsync(ct))
        {
            if (update.Resource.Name != "api")
            {
                continue;
            }
            var snapshot = update.Snapshot;
            var url = snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value;
            var pid = snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
            if (snapshot.HealthStatus == HealthStatus.Healthy && url is not null && pid is not null)
            {
                healthy[update.ResourceId] = (new Uri(url.Split(';')[0]), Convert.ToInt32(pid, CultureInfo.InvariantCulture));
            }
            if (healthy.Count == count)
            {
                return [.. healthy.OrderBy(i => i.Key).Select(i => i.Value)];
            }
        }
        throw new OperationCanceledException(ct);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicasAppHostCollection : ICollectionFixture<ReplicasAppHostFixture>
{
    public const string Name = "AppHost replicas";
}
