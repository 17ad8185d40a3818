using Xunit.Abstractions;
using StackExchange.Redis;

namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class ThrottlingTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    private async Task FailLoginsAsync(string email, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await Api.PostJsonAsync("/api/v1/user/login", new { email, password = $"Wrong-Guess-{i}" });
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
        }
    }

    [Fact]
    public async Task Ten_failures_for_one_account_lock_it_from_every_address_even_with_the_right_password()
    {
        var user = await Api.RegisterAndLoginAsync();
        await FailLoginsAsync(user.Email, 10); // each from a different client address

        using var locked = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(locked.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        // Another account is unaffected.
        var other = await Api.RegisterAndLoginAsync();
        await Api.LoginAsync(other.Email, other.Password);
    }

    [Fact]
    public async Task Unknown_accounts_lock_the_same_way_so_a_429_reveals_nothing()
    {
        var email = $"{ApiClient.NewUsername()}@example.com";
        await FailLoginsAsync(email, 10);
        using var locked = await Api.PostJsonAsync("/api/v1/user/login", new { email, password = "Anything-At-All-1" });
        await locked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task A_successful_login_clears_the_failure_count()
    {
        var user = await Api.RegisterAndLoginAsync();
        await FailLoginsAsync(user.Email, 9);
        await Api.LoginAsync(user.Email, user.Password);
        await FailLoginsAsync(user.Email, 9);
        await Api.LoginAsync(user.Email, user.Password);
    }

    [Theory]
    [InlineData("/api/v1/user/create", 100)]  // Development: 100 registrations per address per minute
    [InlineData("/api/v1/user/refresh", 1000)] // Development: 1000 refreshes per address per minute
    public async Task Register_and_refresh_are_limited_per_address(string route, int limit)
    {
        var address = $"2001:db8::{Random.Shared.Next(0x1000, 0xffff):x}";
        for (var i = 0; i < limit; i++)
        {
            using var allowed = await Api.PostJsonAsync(route, new { }, forwardedFor: address);
            Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode); // invalid, but counted
        }
        using var limited = await Api.PostJsonAsync(route, new { }, forwardedFor: address);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task The_anonymous_user_list_is_limited_per_address()
    {
        var address = $"2001:db8::1:{Random.Shared.Next(0x1000, 0xffff):x}";
        for (var i = 0; i < 300; i++) // 300 per address per minute
        {
            using var allowed = await Api.GetAsync("/api/v1/users?limit=1", accessToken: null, forwardedFor: address);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var limited = await Api.GetAsync("/api/v1/users?limit=1", accessToken: null, forwardedFor: address);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        using var elsewhere = await Api.GetAsync("/api/v1/users?limit=1", accessToken: null, forwardedFor: address.Replace("::1:", "::2:"));
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Counters_live_in_redis_hashed_and_expiring()
    {
        var email = $"{ApiClient.NewUsername()}@example.com";
        await FailLoginsAsync(email, 1);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Fixture.GetConnectionStringAsync("cache") ?? "");
        var keys = redis.GetServers().Single().Keys(pattern: "authapp:throttle:login-identifier:*").ToList();
        Assert.NotEmpty(keys);
        Assert.DoesNotContain(keys, k => k.ToString().Contains(email, StringComparison.OrdinalIgnoreCase));
        foreach (var key in keys)
        {
            Assert.NotNull(await redis.GetDatabase().KeyTimeToLiveAsync(key));
        }
    }
}
