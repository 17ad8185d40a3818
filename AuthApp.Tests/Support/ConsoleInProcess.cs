using System.Net;
using System.Net.Sockets;
using AuthApp.Admin.Sessions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthApp.Tests.Support;

/// <summary>
/// The staff console hosted in the test process on a free loopback port (a real socket, for the browser), calling
/// the API at <c>api</c>. With <c>sessionClock</c>, its server-side sessions age on the test's clock instead of the
/// system's, so expiry is a clock move rather than a wait. It signs in with its own password form (the HS256 AppHost's
/// console) unless <c>settings</c> say otherwise.
/// </summary>
public sealed class ConsoleInProcess : WebApplicationFactory<AuthApp.Admin.ApiStatus>
{
    private readonly Uri _api;
    private readonly TimeProvider? _sessionClock;
    private readonly (string Key, string Value)[] _settings;

    public ConsoleInProcess(Uri api, TimeProvider? sessionClock = null, int? port = null, params (string Key, string Value)[] settings)
    {
        _api = api;
        _sessionClock = sessionClock;
        _settings = settings.Length > 0 ? settings : [("Console:SignIn:Mode", "Password")];
        var listening = port ?? FreePort();
        Address = $"http://127.0.0.1:{listening}";
        UseKestrel(listening);
        StartServer();
    }

    /// <summary>
    /// A console that signs staff in through AuthApp at <paramref name="authority"/>, as a first-party client registered
    /// for it by staff (its redirect URIs name the port it will listen on), calling the API at <paramref name="api"/>.
    /// </summary>
    public static async Task<ConsoleInProcess> ThroughAuthAppAsync(HttpClient authApp, string staffToken, Uri authority, Uri api,
        TimeProvider? sessionClock = null, params (string Key, string Value)[] settings)
    {
        var port = FreePort();
        var clientId = $"console-{Guid.NewGuid():N}"[..20];
        using var created = await authApp.PostJsonAsync("/api/v1/admin/clients", new
        {
            client_id = clientId,
            redirect_uris = new[] { $"http://127.0.0.1:{port}/signin-oidc" },
            post_logout_redirect_uris = new[] { $"http://127.0.0.1:{port}/signout-callback-oidc" },
            first_party = true,
        }, staffToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = (await created.ReadJsonAsync()).GetProperty("client_secret").GetString()!;
        return new ConsoleInProcess(api, sessionClock, port,
        [
            ("Console:SignIn:Authority", authority.ToString()), ("AuthApp:ClientId", clientId), ("AuthApp:ClientSecret", secret),
            ("Console:SignIn:MetadataRefreshInterval", "00:00:01"), .. settings,
        ]);
    }

    public string Address { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Console:ApiAddress", _api.ToString());
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_sessionClock is { } clock)
        {
            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton(
                provider => new ConsoleSessionStore(clock, provider.GetRequiredService<IOptions<ConsoleSessionOptions>>()))));
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
