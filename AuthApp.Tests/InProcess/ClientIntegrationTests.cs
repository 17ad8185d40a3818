using AuthApp.Client;
using AuthApp.Tests.Integration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// The client integration against the in-process API, reached through a connection the test can cut: a service sees a
/// logout, answers 503 once AuthApp has been unreachable for longer than the staleness bound (or, with the Accept policy,
/// keeps accepting), and accepts tokens again when AuthApp is back.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class ClientIntegrationTests(ServersFixture servers, ITestOutputHelper output)
    : InProcessTest(servers, output, ("Jwt:SigningAlgorithm", "ES256"))
{
    private readonly CuttableHandler _link = new();

    [Fact]
    public async Task A_service_refuses_tokens_with_503_while_AuthApp_is_unreachable_and_accepts_them_once_it_is_back()
    {
        var client = await RegisterClientAsync();
        await using var service = await ServiceAsync(client, RevocationUnknownPolicy.Refuse);
        var http = service.GetTestClient();
        var user = await Api.RegisterAndLoginAsync();
        await EventuallyAsync(http, user.AccessToken, HttpStatusCode.OK);

        _link.Cut = true;
        using (var refused = await EventuallyAsync(http, user.AccessToken, HttpStatusCode.ServiceUnavailable))
        {
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
            Assert.Equal("revocation_status_unknown", (await refused.ReadJsonAsync()).GetProperty("code").GetString());
        }

        _link.Cut = false;
        (await EventuallyAsync(http, user.AccessToken, HttpStatusCode.OK)).Dispose();
        using (await Api.LogoutAsync(user.AccessToken, user.RefreshToken)) { }
        (await EventuallyAsync(http, user.AccessToken, HttpStatusCode.Unauthorized)).Dispose();
    }

    [Fact]
    public async Task With_the_accept_policy_a_service_keeps_accepting_valid_tokens_while_AuthApp_is_unreachable()
    {
        var client = await RegisterClientAsync();
        await using var service = await ServiceAsync(client, RevocationUnknownPolicy.Accept);
        var http = service.GetTestClient();
        var user = await Api.RegisterAndLoginAsync();
        (await EventuallyAsync(http, user.AccessToken, HttpStatusCode.OK)).Dispose();

        _link.Cut = true;
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the one-second staleness bound
        using var accepted = await http.SendAsync(ServiceTrustTests.Request(user.AccessToken));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private async Task<TestClient> RegisterClientAsync()
    {
        var staff = await App.RegisterStaffAsync();
        return await Api.CreateClientAsync(staff.AccessToken, [], ["orders"]);
    }

    /// <summary>A service with the one-line integration, its HTTP calls to AuthApp going through the cuttable link.</summary>
    private async Task<WebApplication> ServiceAsync(TestClient client, RevocationUnknownPolicy policy)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        _link.InnerHandler = App.Server.CreateHandler();
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => _link));
        builder.AddAuthApp("api", settings =>
        {
            settings.Authority = "http://authapp.test/";
            settings.ClientId = client.ClientId;
            settings.ClientSecret = client.Secret;
            settings.Audience = "orders";
            settings.RevocationPollInterval = TimeSpan.FromMilliseconds(100);
            settings.RevocationMaxStaleness = TimeSpan.FromSeconds(1);
            settings.WhenRevocationUnknown = policy;
        });
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", () => "ok").RequireAuthorization();
        await app.StartAsync();
        return app;
    }

    /// <summary>Polls the service until it answers <paramref name="status"/> (10 s at most).</summary>
    private static async Task<HttpResponseMessage> EventuallyAsync(HttpClient service, string token, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var response = await service.SendAsync(ServiceTrustTests.Request(token));
            if (response.StatusCode == status || DateTime.UtcNow > deadline)
            {
                Assert.Equal(status, response.StatusCode);
                return response;
            }
            response.Dispose();
            await Task.Delay(50);
        }
    }

    /// <summary>The network between the service and AuthApp, which the test can cut (every call then fails to connect).</summary>
    private sealed class CuttableHandler : DelegatingHandler
    {
        public volatile bool Cut;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Cut ? throw new HttpRequestException("Connection refused (the test cut the link to AuthApp).")
                : base.SendAsync(request, cancellationToken);
    }
}
