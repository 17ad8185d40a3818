using System.Security.Cryptography;
using Aspire.Hosting.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Several instances (docs/tokens-and-sessions.md): any number of API replicas agree on every revocation, rotation and throttle at once. Every test acts on
/// one instance (A) and checks the very next request on the other (B), each addressed on its own port.
/// </summary>
[Collection(ReplicasAppHostCollection.Name)]
public sealed class ReplicaAgreementTests(ReplicasAppHostFixture fixture, ITestOutputHelper output)
    : AppHostTest<ReplicasAppHostFixture>(fixture, output)
{
    private HttpClient A => Fixture.InstanceA;
    private HttpClient B => Fixture.InstanceB;

    private async Task<string> StaffTokenAsync() => (await A.LoginAsync("root@example.com", TestSecrets.SuperuserPassword)).Access;

    private static async Task AssertMeAsync(HttpClient instance, string accessToken)
    {
        using var me = await instance.GetAsync("/api/v1/user/me", accessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task The_tests_reach_two_separate_instances_each_on_its_own_port()
    {
        var (first, second) = (Fixture.Instances[0], Fixture.Instances[1]);
        Assert.NotEqual(first.ProcessId, second.ProcessId);
        Assert.NotEqual(first.Address.Port, second.Address.Port);
        Assert.DoesNotContain(Fixture.App.GetEndpoint("api", "http").Port, new[] { first.Address.Port, second.Address.Port }); // not the proxy
        foreach (var instance in new[] { A, B })
        {
            using var health = await instance.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    [Fact]
    public async Task A_logout_on_one_instance_stops_the_access_token_on_the_other_in_the_very_next_request()
    {
        var user = await A.RegisterAndLoginAsync();
        await AssertMeAsync(B, user.AccessToken);

        using var logout = await A.LogoutAsync(user.AccessToken, user.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);

        await B.AssertSessionRevokedAsync(user.AccessToken, user.RefreshToken);
    }

    [Fact]
    public async Task Deactivation_by_staff_on_one_instance_stops_the_user_on_the_other_at_once()
    {
        var staff = await StaffTokenAsync();
        var user = await A.RegisterAndLoginAsync();
        await AssertMeAsync(B, user.AccessToken);

        using var deactivate = await A.PostJsonAsync($"/api/v1/admin/users/{user.Id}/deactivate", new { }, staff);
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);

        await B.AssertSessionRevokedAsync(user.AccessToken, user.RefreshToken);
        using var login = await B.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        await login.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
    }

    [Fact]
    public async Task Twenty_concurrent_refreshes_of_one_token_spread_over_both_instances_give_exactly_one_200()
    {
        var user = await A.RegisterAndLoginAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? A : B).RefreshAsync(user.RefreshToken)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Login_failures_for_one_identifier_count_across_instances()
    {
        var user = await A.RegisterAndLoginAsync();
        for (var i = 0; i < 10; i++)
        {
            // Five on each instance, each from another client address.
            using var failed = await (i % 2 == 0 ? A : B).PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = $"Wrong-Guess-{i}" });
            await failed.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
        }

        foreach (var instance in new[] { A, B })
        {
            using var locked = await instance.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
            await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        }
    }

    [Fact]
    public async Task A_profile_change_on_one_instance_is_not_served_stale_by_the_other()
    {
        var user = await A.RegisterAndLoginAsync();
        using (var cached = await B.GetAsync("/api/v1/user/me", user.AccessToken))
        {
            Assert.Equal(user.Email, (await cached.ReadJsonAsync()).GetProperty("email").GetString());
        }

        var username = ApiClient.NewUsername();
        var email = $"{username}@example.com";
        using var update = await A.PutJsonAsync("/api/v1/user/update", new { username, email }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        using var me = await B.GetAsync("/api/v1/user/me", user.AccessToken);
        var profile = await me.ReadJsonAsync();
        Assert.Equal(email, profile.GetProperty("email").GetString());
        Assert.Equal(username, profile.GetProperty("username").GetString());
    }

    [Fact]
    public async Task A_key_rotated_on_one_instance_signs_tokens_the_other_accepts_at_once()
    {
        var staff = await StaffTokenAsync();
        var user = await A.RegisterAndLoginAsync();
        await AssertMeAsync(B, user.AccessToken);

        using var rotate = await A.PostJsonAsync("/api/v1/admin/keys/rotate", new { }, staff);
        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        var newKid = (await rotate.ReadJsonAsync()).GetProperty("kid").GetString()!;
        // B has not re-read the keys on its own (its periodic re-read is an hour away here).
        Assert.DoesNotContain(newKid, await PublishedKidsAsync(B));

        var signedByNewKey = await A.LoginAsync(user.Email, user.Password);
        Assert.Equal(newKid, new JsonWebToken(signedByNewKey.Access).Kid);

        await AssertMeAsync(B, signedByNewKey.Access);
        using var refresh = await B.RefreshAsync(signedByNewKey.Refresh);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        // B now signs with the new key too, publishes it, and the retired key's tokens keep working there.
        Assert.Equal(newKid, new JsonWebToken((await refresh.ReadJsonAsync()).GetProperty("access_token").GetString()!).Kid);
        Assert.Contains(newKid, await PublishedKidsAsync(B));
        await AssertMeAsync(B, user.AccessToken);
    }

    [Fact]
    public async Task Tokens_with_made_up_kids_are_refused_and_the_instance_keeps_serving()
    {
        // On A only: a made-up kid holds A's key re-reads back for a few seconds, which B's rotation test must not meet.
        var user = await A.RegisterAndLoginAsync();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        for (var i = 0; i < 20; i++)
        {
            var kid = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(); // shaped like a real one
            using var response = await A.GetAsync("/api/v1/user/me", TestTokens.SignWithForeignKey(user.AccessToken, attacker, kid));
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
        }
        await AssertMeAsync(A, user.AccessToken);
    }

    private static async Task<List<string>> PublishedKidsAsync(HttpClient instance)
    {
        using var response = await instance.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new JsonWebKeySet(await response.Content.ReadAsStringAsync()).Keys.Select(k => k.Kid).ToList();
    }
}
