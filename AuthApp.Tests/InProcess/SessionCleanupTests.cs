using AuthApp.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>The hourly cleanup deletes sessions a day after they ended, whichever way they ended, and keeps live ones.</summary>
[Collection(InProcessCollection.Name)]
public sealed class SessionCleanupTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output,
    ("Jwt:RefreshTokenLifetime", "7.00:00:00"),
    ("Jwt:SessionLifetime", "30.00:00:00"),
    ("Jwt:CleanupInterval", "01:00:00"))
{
    [Fact]
    public async Task Idle_and_logged_out_sessions_are_deleted_a_day_after_they_ended_and_a_refreshed_one_stays()
    {
        var user = await Api.RegisterAndLoginAsync();
        _ = await Api.LoginAsync(user.Email, user.Password); // left idle
        var loggedOut = await Api.LoginAsync(user.Email, user.Password);
        using (var logout = await Api.LogoutAsync(loggedOut.Access, loggedOut.Refresh))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }
        Assert.Equal(3, await CountSessionsAsync(user.Id));

        // The first session refreshes every 4 days; the idle one's refresh token lapses on day 7.
        var refreshToken = user.RefreshToken;
        for (var i = 0; i < 2; i++)
        {
            App.Clock.Advance(TimeSpan.FromDays(4));
            using var rotated = await Api.RefreshAsync(refreshToken);
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            refreshToken = (await rotated.ReadJsonAsync()).GetProperty("refresh_token").GetString()!;
        }
        var lastRefresh = App.Clock.GetUtcNow();

        App.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromHours(1)); // the next hourly run sees both a day past their end
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (await CountSessionsAsync(user.Id) > 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50); // the cleanup runs in the background once the clock ticks
        }

        await using var scope = App.Services.CreateAsyncScope();
        var left = await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Sessions.AsNoTracking()
            .Where(s => s.UserId == user.Id).ToListAsync();
        var kept = Assert.Single(left);
        Assert.Equal(lastRefresh, kept.RefreshIssuedAt, TimeSpan.FromMilliseconds(1));

        using var stillWorks = await Api.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    private async Task<int> CountSessionsAsync(Guid userId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Sessions.CountAsync(s => s.UserId == userId);
    }
}
