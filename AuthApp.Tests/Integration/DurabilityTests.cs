using Xunit.Abstractions;
using StackExchange.Redis;

namespace AuthApp.Tests.Integration;

/// <summary>PostgreSQL is the source of truth: losing Redis data never makes a revoked or spent token valid again.</summary>
[Collection(AppHostCollection.Name)]
public sealed class DurabilityTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task Every_app_key_in_redis_is_namespaced_and_expires()
    {
        var user = await Api.RegisterAndLoginAsync();
        await using var redis = await ConnectAsync();
        var server = redis.GetServers().Single();
        // A test before this one may have restarted Redis: the API skips it for a few seconds after failures
        // (its breaker), so ask until the profile is cached again.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        do
        {
            using (await Api.GetAsync("/api/v1/user/me", user.AccessToken)) { }
            await Task.Delay(200, patience.Token);
        }
        while (!server.Keys(pattern: $"authapp:user:*{user.Id:N}").Any());
        using (await Api.LogoutAsync(user.AccessToken, user.RefreshToken)) { }

        var keys = server.Keys(pattern: "*").ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            Assert.StartsWith("authapp:", key.ToString());
            Assert.NotNull(await redis.GetDatabase().KeyTimeToLiveAsync(key));
        }
    }

    [Fact]
    public async Task After_redis_is_flushed_revoked_and_spent_tokens_stay_rejected()
    {
        var loggedOut = await Api.RegisterAndLoginAsync();
        using (var logout = await Api.LogoutAsync(loggedOut.AccessToken, loggedOut.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }
        var rotated = await Api.RegisterAndLoginAsync();
        using (var refresh = await Api.RefreshAsync(rotated.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        }
        var untouched = await Api.RegisterAndLoginAsync();

        await using (var redis = await ConnectAsync())
        {
            await redis.GetServers().Single().FlushAllDatabasesAsync();
        }

        await Api.AssertSessionRevokedAsync(loggedOut.AccessToken, loggedOut.RefreshToken);
        using var spent = await Api.RefreshAsync(rotated.RefreshToken);
        await spent.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");

        using var valid = await Api.GetAsync("/api/v1/user/me", untouched.AccessToken);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync($"{await Fixture.GetConnectionStringAsync("cache")},allowAdmin=true");
}
