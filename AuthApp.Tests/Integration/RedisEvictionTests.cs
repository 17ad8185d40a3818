using Microsoft.IdentityModel.JsonWebTokens;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>
/// Redis switched, live, to an evicting policy with a tight memory limit, as a managed Redis's default or an operator
/// can do: the blacklist keys of a logged-out token are evicted, yet the token stays refused, because the API stops
/// believing Redis about revocations as soon as it reads a policy other than noeviction.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class RedisEvictionTests(FaultsAppHostFixture fixture, ITestOutputHelper output) : AppHostTest<FaultsAppHostFixture>(fixture, output)
{
    private static readonly TimeSpan Noticed = TimeSpan.FromSeconds(20); // the API reads the policy every 5 s

    [Fact]
    public async Task A_logged_out_token_whose_blacklist_keys_were_evicted_stays_refused()
    {
        var loggedOut = await Api.RegisterAndLoginAsync();
        using (var logout = await Api.LogoutAsync(loggedOut.AccessToken, loggedOut.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }
        var token = new JsonWebToken(loggedOut.AccessToken);
        RedisKey[] blacklisted =
        [
            $"authapp:revoked:jti:{Guid.Parse(token.Id):N}",
            $"authapp:revoked:sid:{Guid.Parse(token.GetClaim("sid").Value):N}",
        ];

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Fixture.GetConnectionStringAsync("cache") + ",allowAdmin=true");
        var server = redis.GetServers().Single();
        var database = redis.GetDatabase();
        Assert.True(await database.KeyExistsAsync(blacklisted[0]));
        const string Trusted = "maxmemory-policy is noeviction: revocation checks may use Redis";
        var trustedBefore = Fixture.ApiLogs.Count(line => line.Contains(Trusted));
        try
        {
            await server.ConfigSetAsync("maxmemory-policy", "allkeys-lru");
            await WaitForApiLogAsync("maxmemory-policy is allkeys-lru", 1);
            await FillUntilEvictedAsync(server, database, blacklisted);

            using var me = await Api.GetAsync("/api/v1/user/me", loggedOut.AccessToken);
            await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");
        }
        finally
        {
            await server.ConfigSetAsync("maxmemory", "0");
            await server.ConfigSetAsync("maxmemory-policy", "noeviction");
            foreach (var key in server.Keys(pattern: "test:junk:*"))
            {
                await database.KeyDeleteAsync(key);
            }
        }
        await WaitForApiLogAsync(Trusted, trustedBefore + 1); // and trusts Redis again once it is safe
    }

    /// <summary>
    /// Caps memory just above what Redis uses, then writes junk (keeping the revocation counter warm, as live traffic
    /// does) until Redis has evicted both of the token's blacklist keys.
    /// </summary>
    private async Task FillUntilEvictedAsync(IServer server, IDatabase database, RedisKey[] blacklisted)
    {
        var used = long.Parse(RedisInfo(await server.InfoRawAsync("memory"), "used_memory"));
        await server.ConfigSetAsync("maxmemory", (used + 2 * 1024 * 1024).ToString());
        var junk = new string('x', 10_000);
        for (var i = 0; i < 20_000 && (await database.KeyExistsAsync(blacklisted[0]) || await database.KeyExistsAsync(blacklisted[1])); i++)
        {
            await database.StringSetAsync($"test:junk:{i}", junk);
            await database.StringGetAsync("authapp:revocation:applied");
        }
        var evicted = RedisInfo(await server.InfoRawAsync("stats"), "evicted_keys");
        Output.WriteLine($"Redis evicted {evicted} keys");
        Assert.False(await database.KeyExistsAsync(blacklisted[0]), "the logged-out token's key was not evicted");
        Assert.False(await database.KeyExistsAsync(blacklisted[1]), "the logged-out session's key was not evicted");
    }

    private async Task WaitForApiLogAsync(string text, int times)
    {
        using var patience = new CancellationTokenSource(Noticed);
        while (Fixture.ApiLogs.Count(line => line.Contains(text)) < times)
        {
            await Task.Delay(200, patience.Token);
        }
    }

    private static string RedisInfo(string? info, string field) => (info ?? "").Split('\n')
        .Select(line => line.Trim()).First(line => line.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..];
}
