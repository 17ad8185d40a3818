using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace AuthApp.Api.Common;

/// <summary>
/// Which peers may tell the API who the client is (section <c>ForwardedHeaders</c>). Only a request
/// that arrives from a trusted proxy has its <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> applied,
/// at most <see cref="ForwardLimit"/> hops deep; anyone else's headers are ignored, so a client reached
/// directly cannot choose its own address (which the per-address throttles count).
/// </summary>
public sealed class ForwardedClientOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses to trust besides loopback (Aspire's endpoint proxy, a same-host reverse proxy).</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks in CIDR form whose every address is a trusted proxy (an ingress's subnet).</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may be trusted (1: one ingress in front; 2: a CDN before it).</summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>
    /// Trust every peer. What <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c> means to ASP.NET Core; safe only
    /// where nothing but the ingress can reach the API. Configured proxies or networks take precedence.
    /// </summary>
    public bool TrustAllPeers { get; set; }

    public IEnumerable<string> Problems()
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return $"ForwardedHeaders:KnownProxies has '{proxy}', which is not an IP address.";
        }
        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return $"ForwardedHeaders:KnownNetworks has '{network}', which is not a network in CIDR form (like 10.0.0.0/16).";
        }
        if (ForwardLimit is < 1 or > 10)
        {
            yield return $"ForwardedHeaders:ForwardLimit is {ForwardLimit}; set a number of proxy hops from 1 to 10.";
        }
    }

    public bool NamesProxies => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

public static class ForwardedClient
{
    /// <summary>The framework's switch for "behind a proxy" (set by Azure Container Apps deployments).</summary>
    private const string FrameworkSwitch = "FORWARDEDHEADERS_ENABLED";

    public static WebApplicationBuilder AddForwardedClient(this WebApplicationBuilder builder)
    {
        var frameworkSwitch = builder.Configuration.GetValue<bool>(FrameworkSwitch);
        builder.Services.AddOptions<ForwardedClientOptions>().BindConfiguration(ForwardedClientOptions.Section)
            .PostConfigure(options => options.TrustAllPeers |= frameworkSwitch && !options.NamesProxies)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ForwardedClientOptions>, ForwardedClientValidator>();

        // Runs after the framework's own setup (which, with its switch on, clears every trusted address): these
        // settings are the one truth, whether this app or the framework's start-up filter adds the middleware.
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedClientOptions>>((forwarded, trust) =>
        {
            var settings = trust.Value;
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = settings.ForwardLimit;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            if (settings.TrustAllPeers && !settings.NamesProxies)
            {
                return; // empty lists: every peer is trusted
            }
            forwarded.KnownIPNetworks.Add(IPNetwork.Parse("127.0.0.0/8"));
            forwarded.KnownProxies.Add(IPAddress.IPv6Loopback);
            foreach (var proxy in settings.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in settings.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
            }
        });
        return builder;
    }

    /// <summary>First in the pipeline, unless the framework's switch already put the same middleware there.</summary>
    public static WebApplication UseForwardedClient(this WebApplication app)
    {
        var trust = app.Services.GetRequiredService<IOptions<ForwardedClientOptions>>().Value;
        if (trust.TrustAllPeers)
        {
            app.Logger.LogWarning("Forwarded headers are trusted from every peer (ASPNETCORE_FORWARDEDHEADERS_ENABLED without ForwardedHeaders:KnownNetworks); " +
                "safe only where nothing but the ingress reaches the API");
        }
        if (!app.Configuration.GetValue<bool>(FrameworkSwitch))
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    private sealed class ForwardedClientValidator : IValidateOptions<ForwardedClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, ForwardedClientOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
