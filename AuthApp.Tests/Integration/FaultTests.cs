using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AuthApp.Tests.Integration;

/// <summary>An AppHost of its own: these tests hang, kill and stop its Redis and PostgreSQL.</summary>
public sealed class FaultsAppHostFixture : AppHostFixture;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection : ICollectionFixture<FaultsAppHostFixture>
{
    public const string Name = "AppHost faults";
}

/// <summary>
/// What an operator meets: Redis hung or killed and restarted from an old snapshot, PostgreSQL stopped.
/// A revoked token never comes back, nothing answers 500, and no request waits out an outage: each request
/// here gets a client timeout of <see cref="Patience"/> (the old code took ~18 s per request with Redis hung).
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class FaultTests(FaultsAppHostFixture fixture, ITestOutputHelper output) : AppHostTest<FaultsAppHostFixture>(fixture, output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task While_redis_hangs_reads_answer_revoked_tokens_stay_refused_and_a_revocation_made_meanwhile_holds_after()
    {
        using var client = PatientClient();
        var loggedOut = await Api.RegisterAndLoginAsync();
        using (var logout = await Api.LogoutAsync(loggedOut.AccessToken, loggedOut.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }
        var active = await Api.RegisterAndLoginAsync();
        var revokedDuringHang = await Api.RegisterAndLoginAsync();

        var redis = RedisProcess();
        Signal(redis, "STOP");
        var latencies = new List<double>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var watch = Stopwatch.StartNew();
                using var me = await client.GetAsync("/api/v1/user/me", active.AccessToken);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                Assert.Equal(HttpStatusCode.OK, me.StatusCode);
                using var revoked = await client.GetAsync("/api/v1/user/me", loggedOut.AccessToken);
                await revoked.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");
            }
            Output.WriteLine($"GET /user/me while Redis hangs: max {latencies.Max():F0} ms, median {latencies.Order().ElementAt(latencies.Count / 2):F0} ms");
            using var logout = await client.LogoutAsync(revokedDuringHang.AccessToken, revokedDuringHang.RefreshToken);
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
            using var login = await client.PostJsonAsync("/api/v1/user/login", new { email = active.Email, password = active.Password });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        finally
        {
            Signal(redis, "CONT");
        }

        // Redis is back, without the revocation made while it hung: it must not be believed for that token.
        for (var i = 0; i < 20; i++)
        {
            using var revoked = await client.GetAsync("/api/v1/user/me", revokedDuringHang.AccessToken);
            await revoked.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");
            using var me = await client.GetAsync("/api/v1/user/me", active.AccessToken);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Redis_killed_and_restarted_from_an_old_snapshot_revives_no_revoked_token()
    {
        using var client = PatientClient();
        var early = await Api.RegisterAndLoginAsync();
        using (var logout = await Api.LogoutAsync(early.AccessToken, early.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }

        // The snapshot Redis will come back from: it holds the early logout, not the late one.
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{await Fixture.GetConnectionStringAsync("cache")},allowAdmin=true"))
        {
            var server = admin.GetServers().Single();
            var before = await server.LastSaveAsync();
            await server.SaveAsync(SaveType.BackgroundSave);
            using var saved = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await server.LastSaveAsync() == before)
            {
                await Task.Delay(100, saved.Token);
            }
        }
        var late = await Api.RegisterAndLoginAsync();
        using (var logout = await Api.LogoutAsync(late.AccessToken, late.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }
        var active = await Api.RegisterAndLoginAsync();

        Signal(RedisProcess(), "KILL");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await Fixture.App.ResourceNotifications.WaitForResourceAsync("cache",
            e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);
        // While Redis is gone, and after it is back from the old snapshot: both logouts hold.
        await AssertRevokedAsync(client, early, late);
        var commands = Fixture.App.Services.GetRequiredService<ResourceCommandService>();
        Assert.True((await commands.ExecuteCommandAsync("cache", KnownResourceCommands.StartCommand, cts.Token)).Success);
        await Fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("cache", cts.Token);

        for (var i = 0; i < 20; i++)
        {
            await AssertRevokedAsync(client, early, late);
            using var me = await client.GetAsync("/api/v1/user/me", active.AccessToken);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task While_postgres_is_stopped_routes_that_need_it_answer_503_at_once_and_recover_when_it_returns()
    {
        using var client = PatientClient();
        var user = await Api.RegisterAndLoginAsync();
        using (await Api.GetAsync("/api/v1/user/me", user.AccessToken)) { } // cached in Redis

        var commands = Fixture.App.Services.GetRequiredService<ResourceCommandService>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Assert.True((await commands.ExecuteCommandAsync("postgres", KnownResourceCommands.StopCommand, cts.Token)).Success);
        try
        {
            await Fixture.App.ResourceNotifications.WaitForResourceAsync("postgres",
                e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), cts.Token);

            var watch = Stopwatch.StartNew();
            using var login = await client.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
            Output.WriteLine($"Login answered {(int)login.StatusCode} after {watch.Elapsed.TotalMilliseconds:F0} ms with PostgreSQL stopped");
            await login.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "database_unavailable");
            Assert.True(login.Headers.RetryAfter is not null);
            using var refresh = await client.RefreshAsync(user.RefreshToken);
            await refresh.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "database_unavailable");
            using var health = await client.GetAsync("/api/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            // The authenticated read needs no database: Redis still answers it.
            using var me = await client.GetAsync("/api/v1/user/me", user.AccessToken);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }
        finally
        {
            Assert.True((await commands.ExecuteCommandAsync("postgres", KnownResourceCommands.StartCommand, CancellationToken.None)).Success);
        }
        await Fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("postgres", cts.Token);

        var back = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            using var login = await client.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
            status = login.StatusCode;
            Assert.NotEqual(HttpStatusCode.InternalServerError, status);
        }
        while (status != HttpStatusCode.OK && !cts.IsCancellationRequested);
        Output.WriteLine($"Login answered 200 again {back.Elapsed.TotalSeconds:F1} s after PostgreSQL was healthy");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static async Task AssertRevokedAsync(HttpClient client, params TestUser[] users)
    {
        foreach (var user in users)
        {
            using var me = await client.GetAsync("/api/v1/user/me", user.AccessToken);
            await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");
        }
    }

    private HttpClient PatientClient()
    {
        var client = new HttpClient { BaseAddress = Fixture.Api.BaseAddress, Timeout = Patience };
        return client;
    }

    private int RedisProcess()
    {
        Assert.True(Fixture.App.ResourceNotifications.TryGetCurrentState("cache", out var state));
        var pid = state!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        return Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }
}
