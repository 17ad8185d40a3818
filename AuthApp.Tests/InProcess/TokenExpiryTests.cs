using System.Text.Json;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>Lifetimes as the clock moves: access tokens, refresh tokens, the session's absolute end, and the clock skew.</summary>
[Collection(InProcessCollection.Name)]
public sealed class TokenExpiryTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output,
    ("Jwt:AccessTokenLifetime", "00:15:00"),
    ("Jwt:RefreshTokenLifetime", "7.00:00:00"),
    ("Jwt:SessionLifetime", "30.00:00:00"))
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_access_token_works_until_its_expiry_plus_the_skew_then_is_refused_as_expired()
    {
        var user = await Api.RegisterAndLoginAsync();

        App.Clock.Advance(TimeSpan.FromMinutes(15) + ClockSkew - TimeSpan.FromSeconds(1));
        using var justInside = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, justInside.StatusCode);

        App.Clock.Advance(TimeSpan.FromSeconds(2));
        using var expired = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        await expired.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_expired");
    }

    [Fact]
    public async Task A_refresh_token_expires_after_its_lifetime_even_if_never_used()
    {
        var user = await Api.RegisterAndLoginAsync();
        App.Clock.Advance(TimeSpan.FromDays(7) + ClockSkew + TimeSpan.FromSeconds(1));

        using var refresh = await Api.RefreshAsync(user.RefreshToken);
        await refresh.AssertProblemAsync(HttpStatusCode.BadRequest, "refresh_token_expired");
    }

    [Fact]
    public async Task Rotation_never_extends_a_session_past_its_absolute_lifetime()
    {
        var user = await Api.RegisterAndLoginAsync();
        var refreshToken = user.RefreshToken;
        // Refreshing every 6 days keeps each refresh token fresh, but not the 30-day session.
        for (var day = 6; day < 30; day += 6)
        {
            App.Clock.Advance(TimeSpan.FromDays(6));
            using var rotated = await Api.RefreshAsync(refreshToken);
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
            refreshToken = (await rotated.ReadJsonAsync()).GetProperty("refresh_token").GetString()!;
        }

        App.Clock.Advance(TimeSpan.FromDays(6) + ClockSkew);
        using var pastSession = await Api.RefreshAsync(refreshToken);
        await pastSession.AssertProblemAsync(HttpStatusCode.BadRequest, "refresh_token_expired");
    }

    [Fact]
    public async Task Expires_in_is_the_access_lifetime_exactly_on_login_and_refresh()
    {
        var username = ApiClient.NewUsername();
        var email = $"{username}@example.com";
        using (var created = await Api.PostJsonAsync("/api/v1/user/create", new { username, email, password = ApiClient.StrongPassword }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using var login = await Api.PostJsonAsync("/api/v1/user/login", new { email, password = ApiClient.StrongPassword });
        var body = await login.ReadJsonAsync();
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());

        // Time moves between requests; each response's expires_in still agrees with its own token's exp.
        App.Clock.Advance(TimeSpan.FromMilliseconds(999));
        using var refresh = await Api.RefreshAsync(body.GetProperty("refresh_token").GetString());
        var rotated = await refresh.ReadJsonAsync();
        Assert.Equal(900, rotated.GetProperty("expires_in").GetInt32());
        Assert.Equal(ExpiryOf(rotated.GetProperty("access_token").GetString()!), App.Clock.GetUtcNow().ToUnixTimeSeconds() + 900);
    }

    private static long ExpiryOf(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '='));
        return JsonDocument.Parse(json).RootElement.GetProperty("exp").GetInt64();
    }
}
