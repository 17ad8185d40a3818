using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>
/// What an authenticated read costs: <c>GET /user/me</c> reads the revocation keys and the cached profile in one
/// Redis command (the clock stands still, so no background work of the API talks to Redis meanwhile).
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class AuthenticatedReadTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    [Fact]
    public async Task GET_me_reads_revocation_and_profile_in_one_Redis_command()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (var warm = await Api.GetAsync("/api/v1/user/me", user.AccessToken)) // caches the profile
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var commands = await RedisCommandsDuringAsync(async () =>
        {
            using var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Equal(user.Username, (await me.ReadJsonAsync()).GetProperty("username").GetString());
        });
        Assert.Equal(["MGET"], commands);
    }

    [Fact]
    public async Task A_profile_not_in_Redis_is_read_from_PostgreSQL_and_cached_for_the_next_read()
    {
        var user = await Api.RegisterAndLoginAsync();
        var redis = App.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await redis.KeyDeleteAsync($"authapp:user:v2:{user.Id:N}");

        var first = await RedisCommandsDuringAsync(async () =>
        {
            using var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        });
        Assert.Equal(["MGET", "SETEX"], first); // the missing entry came with the check; the profile is cached again
        Assert.True(await redis.KeyExistsAsync($"authapp:user:v2:{user.Id:N}"));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_even_though_its_profile_is_cached()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (var warm = await Api.GetAsync("/api/v1/user/me", user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }
        using (var logout = await Api.LogoutAsync(user.AccessToken, user.RefreshToken))
        {
            Assert.True(logout.IsSuccessStatusCode);
        }
        await Api.AssertSessionRevokedAsync(user.AccessToken, user.RefreshToken);
    }

    [Fact]
    public async Task Each_Redis_call_is_a_span_of_the_requests_trace()
    {
        var user = await Api.RegisterAndLoginAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "AuthApp",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { if (activity.TraceId == traceId) { spans.Enqueue(activity); } },
        };
        ActivitySource.AddActivityListener(listener);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/user/me");
        request.Headers.Authorization = new("Bearer", user.AccessToken);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var me = await Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        var span = Assert.Single(spans, span => span.DisplayName == "revocation.check");
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("redis", span.GetTagItem("db.system.name"));
        Assert.Equal("revocation.check", span.GetTagItem("db.operation.name"));
        Assert.False(string.IsNullOrEmpty(span.GetTagItem("server.address") as string));
        Assert.NotEqual(ActivityStatusCode.Error, span.Status);
    }

    private async Task<string[]> RedisCommandsDuringAsync(Func<Task> work)
    {
        var multiplexer = App.Services.GetRequiredService<IConnectionMultiplexer>();
        var session = new ProfilingSession();
        multiplexer.RegisterProfiler(() => session);
        try
        {
            await work();
        }
        finally
        {
            multiplexer.RegisterProfiler(() => null);
        }
        return session.FinishProfiling().Select(command => command.Command).ToArray();
    }
}
