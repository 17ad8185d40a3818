using AuthApp.Tests.Integration;
using Microsoft.AspNetCore.TestHost;
using Microsoft.IdentityModel.JsonWebTokens;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// Scheduled ES256 rotation publishes the next key ahead of using it, so a stock JwtBearer service — which re-reads a
/// key set only every 12 hours, or after refusing a token with an unknown kid — never meets a key it lacks. Here the
/// interval is two minutes and the lead one, on the API's moved clock.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class KeyPublicationTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output,
    ("Jwt:SigningAlgorithm", "ES256"),
    ("Jwt:KeyRotationInterval", "00:02:00"),
    ("Jwt:KeyPublicationLead", "00:01:00"),
    ("Jwt:KeyRefreshInterval", "00:00:05"))
{
    [Fact]
    public async Task A_stock_JwtBearer_service_validates_the_first_token_of_a_scheduled_key()
    {
        var before = await Api.RegisterAndLoginAsync();
        var firstKid = new JsonWebToken(before.AccessToken).Kid;

        // A minute on: the next key is published, and the current one still signs.
        await AdvanceUntilAsync(TimeSpan.FromSeconds(61), async () => (await KidsAsync()).Count == 2);
        Assert.Equal(firstKid, new JsonWebToken((await Api.RegisterAndLoginAsync()).AccessToken).Kid);

        // The service starts now and reads the key set once: both keys.
        await using var service = await ServiceTrustTests.StockJwtBearerServiceAsync(TestSecrets.Issuer, App.CreateClient());
        var client = service.GetTestClient();
        Assert.Equal(before.Id.ToString(), await ServiceTrustTests.SubjectAsync(client, before.AccessToken));

        // Another minute: the published key signs, and the service validates its very first token.
        TestUser? after = null;
        await AdvanceUntilAsync(TimeSpan.FromSeconds(61), async () =>
        {
            after = await Api.RegisterAndLoginAsync();
            return new JsonWebToken(after.AccessToken).Kid != firstKid;
        });
        using var first = await client.SendAsync(ServiceTrustTests.Request(after!.AccessToken));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(before.Id.ToString(), await ServiceTrustTests.SubjectAsync(client, before.AccessToken)); // the old key verifies
    }

    private async Task<List<string>> KidsAsync()
    {
        using var response = await Api.GetAsync("/.well-known/jwks.json");
        return [.. (await response.ReadJsonAsync()).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    /// <summary>Moves the API's clock, then lets its key maintenance (a timer on that clock) run until the condition holds.</summary>
    private async Task AdvanceUntilAsync(TimeSpan by, Func<Task<bool>> condition)
    {
        App.Clock.Advance(by);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            App.Clock.Advance(TimeSpan.FromSeconds(5)); // one maintenance tick
            await Task.Delay(50);
            if (await condition())
            {
                return;
            }
        }
        Assert.Fail("the key maintenance did not get there");
    }
}
