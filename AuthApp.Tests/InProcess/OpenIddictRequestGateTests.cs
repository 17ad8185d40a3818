using AuthApp.Api.OAuth;
using AuthApp.Api.SignIn;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Xunit.Abstractions;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// The API hands OpenIddict only the requests whose path could be one of its endpoints (<see cref="OpenIddictEndpointPaths"/>).
/// Checked against OpenIddict's own matching (its <c>InferEndpointType</c> handler, with the app's configured endpoints)
/// on many paths, and through the running app on paths OpenIddict accepts in another case or with a trailing slash.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class OpenIddictRequestGateTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    [Fact]
    public async Task Every_path_OpenIddict_takes_as_its_endpoint_passes_the_gate_and_the_apis_routes_do_not()
    {
        var options = App.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var gate = App.Services.GetRequiredService<OpenIddictEndpointPaths>();
        // Every endpoint this app configures, named here rather than read back from the gate (people's sign-in, with
        // its three, is served only with the ES256 key ring).
        string[] signIn = SignInFeature.IsServed(App.Services.GetRequiredService<IConfiguration>())
            ? ["/connect/authorize", "/connect/userinfo", "/connect/endsession"]
            : [];
        string[] endpoints =
        [
            "/connect/token", "/connect/introspect", "/connect/revoke", "/.well-known/openid-configuration", "/.well-known/jwks", .. signIn,
        ];
        Assert.Equal(endpoints.Order(), gate.Suffixes.Order());

        var taken = 0;
        foreach (var pathBase in new[] { "", "/auth", "/Auth/v2" })
        {
            foreach (var path in Candidates(endpoints))
            {
                if (await InferredByOpenIddictAsync(options, pathBase, path) is not OpenIddictServerEndpointType.Unknown)
                {
                    taken++;
                    // As Kestrel hands them over: percent-escapes decoded.
                    Assert.True(gate.MayMatch(PathString.FromUriComponent(pathBase), PathString.FromUriComponent(path)), $"{pathBase} {path}");
                }
            }
        }
        // Each endpoint as written, in upper case, and with a trailing slash, under each base.
        Assert.True(taken >= endpoints.Length * 3 * 3, $"OpenIddict took only {taken} paths");

        foreach (var route in new[] { "/api/v1/user/me", "/api/v1/user/refresh", "/api/v1/user/login", "/connect", "/api/health" })
        {
            Assert.False(gate.MayMatch(PathString.Empty, new PathString(route)), route);
        }
    }

    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.WELL-KNOWN/OpenID-Configuration")]
    [InlineData("/.well-known/openid-configuration/")]
    public async Task Discovery_answers_on_every_spelling_OpenIddict_accepts(string path)
    {
        using var response = await Api.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestSecrets.Issuer, (await response.ReadJsonAsync()).GetProperty("issuer").GetString());
    }

    /// <summary>Each endpoint's path with variations of case, trailing slash, prefixes, suffixes and escapes.</summary>
    private static IEnumerable<string> Candidates(IEnumerable<string> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            yield return endpoint;
            yield return endpoint.ToUpperInvariant();
            yield return endpoint + "/";
            yield return endpoint.ToUpperInvariant() + "/";
            yield return endpoint + "//";
            yield return endpoint + "x";
            yield return endpoint[..^1];
            yield return "/x" + endpoint;
            yield return endpoint + "/x";
            yield return endpoint.Replace("/", "//", StringComparison.Ordinal);
            yield return endpoint.Replace("c", "%63", StringComparison.Ordinal);
        }
    }

    /// <summary>What OpenIddict's own handler infers for a request to this base and path.</summary>
    private static async Task<OpenIddictServerEndpointType> InferredByOpenIddictAsync(OpenIddictServerOptions options, string pathBase, string path)
    {
        const string origin = "https://auth.example.com";
        var transaction = new OpenIddictServerTransaction { Options = options, Logger = NullLogger.Instance };
        var context = new ProcessRequestContext(transaction)
        {
            BaseUri = new Uri(origin + pathBase + "/"),
            RequestUri = new Uri(origin + pathBase + path),
        };
        await new OpenIddictServerHandlers.InferEndpointType().HandleAsync(context);
        return context.EndpointType;
    }
}
