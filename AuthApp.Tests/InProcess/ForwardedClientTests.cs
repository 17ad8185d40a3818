using System.Net;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// Who the client is, behind an ingress and reached directly. The per-address login throttle (2 a minute
/// here) makes the API's idea of the client address observable: a third login from one address is refused.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class ForwardedClientTests(ServersFixture servers, ITestOutputHelper output) : IDisposable
{
    private static readonly (string, string) TwoLoginsPerAddress = ("Throttling:LoginPerAddress:Limit", "2");
    private static readonly (string, string) HttpsPort = ("https_port", "443");
    private static readonly IPAddress Ingress = IPAddress.Parse("10.240.7.9");
    private readonly List<InProcessApi> _apis = [];

    [Fact]
    public async Task Behind_a_trusted_ingress_the_throttle_counts_each_real_client()
    {
        var api = Start(Ingress, "Development", TwoLoginsPerAddress, ("ForwardedHeaders:KnownNetworks:0", "10.240.0.0/16"));
        var alice = NewClientAddress();
        var bob = NewClientAddress();

        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, alice));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, alice));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(api, alice));
        // The ingress forwards everyone: Bob is not locked out with Alice.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, bob));
    }

    [Fact]
    public async Task A_client_reaching_the_api_directly_cannot_choose_its_address()
    {
        // An address no other test sends: the counter lives in the shared Redis, and other tests pick random
        // addresses in 192.0.2/24, 198.51.100/24, 203.0.113/24 and 2001:db8::/64 (a collision failed CI once).
        var direct = IPAddress.Parse("2001:db8:ffff::177");
        var api = Start(direct, "Development", TwoLoginsPerAddress, ("ForwardedHeaders:KnownNetworks:0", "10.240.0.0/16"));

        // A new made-up X-Forwarded-For on every request: ignored, the peer's own address is counted.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, NewClientAddress()));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, NewClientAddress()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(api, NewClientAddress()));
    }

    [Fact]
    public async Task A_spoofed_entry_before_the_ingress_entry_is_not_believed()
    {
        var api = Start(Ingress, "Development", TwoLoginsPerAddress, ("ForwardedHeaders:KnownNetworks:0", "10.240.0.0/16"));
        var real = NewClientAddress();

        // The client sends X-Forwarded-For itself; the ingress appends the address it saw. One hop is trusted.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, $"{NewClientAddress()}, {real}"));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, $"{NewClientAddress()}, {real}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(api, $"{NewClientAddress()}, {real}"));
        // …while the entry the ingress wrote is believed: another real client is not limited.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, $"{real}, {NewClientAddress()}"));
    }

    [Fact]
    public async Task Several_trusted_hops_are_followed_up_to_the_forward_limit()
    {
        var api = Start(Ingress, "Development", TwoLoginsPerAddress,
            ("ForwardedHeaders:KnownNetworks:0", "10.240.0.0/16"), ("ForwardedHeaders:KnownProxies:0", "10.1.0.5"),
            ("ForwardedHeaders:ForwardLimit", "2"));
        var client = NewClientAddress();

        // client → CDN edge (10.1.0.5, trusted) → ingress (10.240.7.9, trusted) → API.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, $"{client}, 10.1.0.5"));
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, $"{client}, 10.1.0.5"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginStatusAsync(api, $"{client}, 10.1.0.5"));
        // Another client behind the same edge is someone else.
        Assert.Equal(HttpStatusCode.BadRequest, await LoginStatusAsync(api, $"{NewClientAddress()}, 10.1.0.5"));
    }

    [Fact]
    public async Task Behind_a_tls_ingress_in_production_https_is_seen_no_redirect_loop_and_hsts_is_sent()
    {
        var api = Start(Ingress, "Production", HttpsPort, ("ForwardedHeaders:KnownNetworks:0", "10.240.0.0/16"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Host = "auth.example.com";
        request.Headers.Add("X-Forwarded-For", NewClientAddress());
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task An_untrusted_peer_claiming_https_is_redirected_in_production()
    {
        var api = Start(IPAddress.Parse("203.0.113.78"), "Production", HttpsPort, ("ForwardedHeaders:KnownNetworks:0", "10.240.0.0/16"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users");
        request.Headers.Host = "auth.example.com";
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://auth.example.com/api/v1/users", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.240.0.0/99", "KnownNetworks")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "ingress.internal", "KnownProxies")]
    [InlineData("ForwardedHeaders:ForwardLimit", "0", "ForwardLimit")]
    public void Settings_that_do_not_parse_stop_the_api_at_start_saying_what_to_set(string key, string value, string named)
    {
        var api = Start(IPAddress.Loopback, "Development", (key, value));
        var failure = Assert.ThrowsAny<Exception>(() => api.Client);
        Assert.Contains(named, failure.GetBaseException().Message + failure.Message);
    }

    private static async Task<HttpStatusCode> LoginStatusAsync(InProcessApi api, string forwardedFor)
    {
        // An empty password is refused before any hashing, but the per-address throttle counts it first.
        using var response = await api.Client.PostJsonAsync("/api/v1/user/login", new { email = "nobody@example.com", password = "" },
            forwardedFor: forwardedFor);
        return response.StatusCode;
    }

    private static string NewClientAddress() => $"2001:db8::{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";

    private InProcessApi Start(IPAddress peer, string environment, params (string, string)[] settings)
    {
        var api = new InProcessApi(servers, settings, peer, environment);
        _apis.Add(api);
        return api;
    }

    public void Dispose()
    {
        foreach (var api in _apis)
        {
            api.WriteLogsTo(output);
            api.Dispose();
        }
    }
}
