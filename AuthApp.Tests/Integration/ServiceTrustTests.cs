using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Services of the app trusting AuthApp: a stock JwtBearer service and a Python service from the discovery document and
/// the key set alone; the samples through the client integration, which see a logout, a deactivation and a disabled
/// client within a second and call each other with their own tokens, and refuse tokens (503) while AuthApp is stopped. The
/// Accept policy and a cut link are shown in-process (InProcess/ClientIntegrationTests).
/// </summary>
[Collection(ServiceTrustCollection.Name)]
public sealed class ServiceTrustTests(ServiceTrustFixture fixture, ITestOutputHelper output)
    : AppHostTest<ServiceTrustFixture>(fixture, output)
{
    /// <summary>The goal: a logout reaches every service within this (the feed is read every 250 ms).</summary>
    private static readonly TimeSpan RevocationDeadline = TimeSpan.FromSeconds(1);

    private HttpClient Inventory => Fixture.InventoryClient;
    private HttpClient Storefront => Fixture.StorefrontClient;

    [Fact]
    public async Task The_AppHost_signs_with_es256_and_its_discovery_names_the_apis_own_url_as_issuer()
    {
        using var response = await Api.GetAsync("/.well-known/openid-configuration");
        var discovery = await response.ReadJsonAsync();
        Assert.Equal(Fixture.Issuer, discovery.GetProperty("issuer").GetString());
        Assert.Equal(["ES256"], discovery.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()));

        var token = new JsonWebToken((await Api.RegisterAndLoginAsync()).AccessToken);
        Assert.Equal(Fixture.Issuer, token.Issuer);
        Assert.Equal("ES256", token.Alg);
    }

    [Fact]
    public async Task The_clients_declared_in_the_AppHost_are_registered_with_their_scopes_and_audiences()
    {
        using var response = await Api.GetAsync("/api/v1/admin/clients", await Fixture.RootAccessTokenAsync());
        var clients = (await response.ReadJsonAsync()).EnumerateArray().ToDictionary(c => c.GetProperty("client_id").GetString()!);
        var storefront = clients["storefront"];
        Assert.True(storefront.GetProperty("declared_in_app_host").GetBoolean());
        Assert.Equal(["inventory.read"], storefront.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["inventory"], storefront.GetProperty("audiences").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(clients["inventory"].GetProperty("scopes").EnumerateArray());
    }

    [Fact]
    public async Task A_stock_JwtBearer_service_validates_tokens_with_the_authority_and_its_audience_alone()
    {
        // Key publication ahead of rotation, which a stock validator needs, is shown in-process with a moved clock
        // (InProcess/KeyPublicationTests); here, the discovery document and the key set as a real service reads them.
        await using var service = await StockJwtBearerServiceAsync(Fixture.Issuer);
        var client = service.GetTestClient();
        var user = await Api.RegisterAndLoginAsync();
        Assert.Equal(user.Id.ToString(), await SubjectAsync(client, user.AccessToken));

        using var stranger = await client.SendAsync(Request(TestTokens.SignWithForeignKey(user.AccessToken,
            System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256), "made-up")));
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
    }

    [Fact]
    public async Task The_client_integration_accepts_the_first_token_signed_by_a_key_staff_just_made()
    {
        var before = await Api.RegisterAndLoginAsync();
        using (var accepted = await Inventory.SendAsync(Request(before.AccessToken, "/whoami")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        await RotateKeyAsync();
        var after = await Api.RegisterAndLoginAsync();
        Assert.NotEqual(new JsonWebToken(before.AccessToken).Kid, new JsonWebToken(after.AccessToken).Kid);
        using var first = await Inventory.SendAsync(Request(after.AccessToken, "/whoami"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var old = await Inventory.SendAsync(Request(before.AccessToken, "/whoami"));
        Assert.Equal(HttpStatusCode.OK, old.StatusCode); // the retired key still verifies
    }

    [Fact]
    public async Task A_python_service_validates_tokens_with_PyJWKClient_and_after_a_key_rotation()
    {
        var jwks = $"{Fixture.Issuer}.well-known/jwks.json";
        await using var python = PythonService.Start("validate_token.py", jwks, Fixture.Issuer, "authapp-clients");
        var before = await Api.RegisterAndLoginAsync();
        Assert.Equal(before.Id.ToString(), (await python.AskAsync(before.AccessToken)).GetProperty("sub").GetString());

        // The running client has cached the key set; the first token of a new key makes it read the set again.
        await RotateKeyAsync();
        var after = await Api.RegisterAndLoginAsync();
        Assert.NotEqual(new JsonWebToken(before.AccessToken).Kid, new JsonWebToken(after.AccessToken).Kid);
        Assert.Equal(after.Id.ToString(), (await python.AskAsync(after.AccessToken)).GetProperty("sub").GetString());
        Assert.Equal(before.Id.ToString(), (await python.AskAsync(before.AccessToken)).GetProperty("sub").GetString());
        Assert.StartsWith("InvalidSignatureError", (await python.AskAsync(before.AccessToken[..^4] + "AAAA")).GetProperty("refused").GetString());
    }

    [Fact]
    public async Task A_users_token_is_accepted_by_a_service_and_refused_within_a_second_of_the_logout()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (var accepted = await Inventory.SendAsync(Request(user.AccessToken, "/items")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal("user", (await accepted.ReadJsonAsync()).GetProperty("caller").GetProperty("kind").GetString());
        }
        var delay = await TimeUntilRefusedAsync(Inventory, user.AccessToken, async () =>
        {
            using var logout = await Api.LogoutAsync(user.AccessToken, user.RefreshToken);
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        });
        Assert.True(delay < RevocationDeadline, $"refused {delay.TotalMilliseconds:F0} ms after the logout");
    }

    [Fact]
    public async Task A_deactivated_users_token_is_refused_by_a_service_within_a_second()
    {
        var user = await Api.RegisterAndLoginAsync();
        var staff = await Fixture.RootAccessTokenAsync();
        using (var accepted = await Inventory.SendAsync(Request(user.AccessToken, "/whoami")))
        {
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{accepted.StatusCode} {accepted.Headers.WwwAuthenticate}");
        }
        var delay = await TimeUntilRefusedAsync(Inventory, user.AccessToken, async () =>
        {
            using var deactivated = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/deactivate", new { }, staff);
            Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        });
        Assert.True(delay < RevocationDeadline, $"refused {delay.TotalMilliseconds:F0} ms after the deactivation");
    }

    [Fact]
    public async Task A_service_calls_another_with_its_own_token_one_token_for_many_calls_and_a_missing_scope_is_403()
    {
        var user = await Api.RegisterAndLoginAsync();
        var calls = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await Storefront.SendAsync(Request(user.AccessToken, "/peer/items"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.ReadJsonAsync();
        }));
        foreach (var call in calls)
        {
            Assert.Equal(200, call.GetProperty("status").GetInt32());
            var caller = JsonDocument.Parse(call.GetProperty("body").GetString()!).RootElement.GetProperty("caller");
            Assert.Equal("service", caller.GetProperty("kind").GetString());
            Assert.Equal("storefront", caller.GetProperty("id").GetString());
            Assert.Equal(["inventory.read"], caller.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        }
        using (var obtained = await Storefront.SendAsync(Request(user.AccessToken, "/peer/tokens-obtained")))
        {
            Assert.Equal(1, (await obtained.ReadJsonAsync()).GetProperty("obtained").GetInt32());
        }

        using var write = await Storefront.SendAsync(Request(user.AccessToken, "/peer/items", HttpMethod.Post));
        Assert.Equal(403, (await write.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_disabled_clients_token_is_refused_by_the_service_it_calls_within_a_second()
    {
        var staff = await Fixture.RootAccessTokenAsync();
        var token = await Api.ClientTokenAsync(ServiceTrustFixture.Storefront, "inventory.read");
        try
        {
            var delay = await TimeUntilRefusedAsync(Inventory, token, async () =>
            {
                using var disabled = await Api.PostJsonAsync("/api/v1/admin/clients/storefront/disable", new { }, staff);
                Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            }, "/items");
            Assert.True(delay < RevocationDeadline, $"refused {delay.TotalMilliseconds:F0} ms after the client was disabled");
            using var refused = await Api.RequestTokenAsync(ServiceTrustFixture.Storefront, "inventory.read");
            Assert.Equal("invalid_client", (await refused.ReadJsonAsync()).GetProperty("error").GetString());
        }
        finally
        {
            using var enabled = await Api.PostJsonAsync("/api/v1/admin/clients/storefront/enable", new { }, staff);
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        }
        // The storefront's cached token was revoked with the others: its next call renews it and goes through.
        var user = await Api.RegisterAndLoginAsync();
        using var again = await Storefront.SendAsync(Request(user.AccessToken, "/peer/items"));
        Assert.Equal(200, (await again.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task With_AuthApp_stopped_a_service_answers_503_and_accepts_tokens_again_once_it_is_back()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (var accepted = await Inventory.SendAsync(Request(user.AccessToken, "/whoami")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        var commands = Fixture.App.Services.GetRequiredService<ResourceCommandService>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stopped = await commands.ExecuteCommandAsync("api", KnownResourceCommands.StopCommand, cts.Token);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            // The default policy (Refuse): once the feed has been unreachable past its bound, a token's status is unknown.
            using var refused = await ServiceAnswersAsync(user.AccessToken, HttpStatusCode.ServiceUnavailable, cts.Token);
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
            Assert.Equal("revocation_status_unknown", (await refused.ReadJsonAsync()).GetProperty("code").GetString());
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync("api", KnownResourceCommands.StartCommand, CancellationToken.None);
            Assert.True(started.Success, started.Message);
        }
        await Fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token);
        using var back = await ServiceAnswersAsync(user.AccessToken, HttpStatusCode.OK, cts.Token);
        Assert.Equal("user", (await back.ReadJsonAsync()).GetProperty("kind").GetString());
    }

    /// <summary>Asks the inventory service every 100 ms until it gives <paramref name="wanted"/>; that answer.</summary>
    private async Task<HttpResponseMessage> ServiceAnswersAsync(string token, HttpStatusCode wanted, CancellationToken ct)
    {
        while (true)
        {
            var response = await Inventory.SendAsync(Request(token, "/whoami"), ct);
            if (response.StatusCode == wanted)
            {
                return response;
            }
            response.Dispose();
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Runs <paramref name="revoke"/> and polls the service every 10 ms until it refuses the token; the time from the revocation's answer.</summary>
    private static async Task<TimeSpan> TimeUntilRefusedAsync(HttpClient service, string token, Func<Task> revoke, string path = "/whoami")
    {
        await revoke();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            using var response = await service.SendAsync(Request(token, path));
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return clock.Elapsed;
            }
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(10);
        }
        return clock.Elapsed;
    }

    /// <summary>
    /// Staff rotate the key now. First a pause longer than the samples' KeySetRefreshInterval (1 s here): a service re-reads
    /// the key set at most once per interval, so two rotations closer than that would leave it a moment behind.
    /// </summary>
    private async Task RotateKeyAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var rotate = await Api.PostJsonAsync("/api/v1/admin/keys/rotate", new { }, await Fixture.RootAccessTokenAsync());
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
    }

    /// <summary>An ASP.NET Core service as anyone would write it: AddJwtBearer with the authority and its audience, nothing else.</summary>
    internal static async Task<WebApplication> StockJwtBearerServiceAsync(string authority, HttpClient? backchannel = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication().AddJwtBearer(options =>
        {
            options.Authority = authority;
            options.Audience = "authapp-clients";
            options.RequireHttpsMetadata = false; // the AppHost serves the API over plain HTTP on localhost
            if (backchannel is not null)
            {
                options.Backchannel = backchannel; // in-process: the API has no socket to reach
            }
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        // JwtBearer's default claim mapping turns "sub" into ClaimTypes.NameIdentifier.
        app.MapGet("/", (ClaimsPrincipal user) => user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "").RequireAuthorization();
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// A Python process from <c>Fixtures/Python</c> that answers one JSON line for each line it is given. Its answers
    /// arrive through the process's output event, not an awaited read of the pipe, which waited minutes here.
    /// </summary>
    private sealed class PythonService : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();

        private PythonService(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => _ = e.Data is { } line ? _answers.Writer.TryWrite(line) : _answers.Writer.TryComplete();
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public static PythonService Start(string script, params string[] arguments)
        {
            var start = new ProcessStartInfo("/usr/bin/python3")
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Python", script));
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            return new PythonService(new Process { StartInfo = start });
        }

        public async Task<JsonElement> AskAsync(string line)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
            var answer = await _answers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
            return JsonDocument.Parse(answer).RootElement;
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            _process.Dispose();
        }
    }

    internal static HttpRequestMessage Request(string token, string path = "/", HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    internal static async Task<string> SubjectAsync(HttpClient service, string token)
    {
        using var response = await service.SendAsync(Request(token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
