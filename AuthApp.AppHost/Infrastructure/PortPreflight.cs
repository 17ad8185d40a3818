using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace AuthApp.AppHost.Infrastructure;

/// <summary>
/// Fails fast, with one line, when a fixed port the AppHost needs (dashboard, OTLP, resource service,
/// an endpoint with a fixed port such as the API's 5180) is taken — typically by another ./run.sh.
/// Otherwise the orchestrator would start half the resources before failing on the bind.
/// </summary>
public static class PortPreflight
{
    private static readonly string[] UrlSettings =
    [
        "ASPNETCORE_URLS",
        "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL",
        "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL",
        "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL",
    ];

    public static void EnsureFixedPortsAreFree(IDistributedApplicationBuilder builder)
    {
        // Test runs randomise every port, so nothing is fixed there.
        if (!builder.ExecutionContext.IsRunMode || builder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts"))
        {
            return;
        }

        var fromSettings = UrlSettings
            .SelectMany(setting => (builder.Configuration[setting] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(url => (Owner: setting, Port: PortOf(url))));
        var fromEndpoints = builder.Resources
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Select(e => (Owner: $"{r.Name} ({e.Name})", e.Port)));

        foreach (var (owner, port) in fromSettings.Concat(fromEndpoints))
        {
            if (port is int fixedPort && fixedPort > 0 && !IsFree(fixedPort))
            {
                throw new InfrastructureException(
                    $"Port {fixedPort} for {owner} is already in use (another ./run.sh?). Stop that process or change the port in launchSettings.json.");
            }
        }
    }

    private static int? PortOf(string url) =>
        Uri.TryCreate(url.Replace("*", "localhost").Replace("+", "localhost"), UriKind.Absolute, out var uri) ? uri.Port : null;

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
