using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class TokenLifecycleTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task Refresh_by_header_returns_a_new_pair_and_spends_the_old_token()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.RefreshAsync(user.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var access = body.GetProperty("access_token").GetString()!;
        var refresh = body.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(user.RefreshToken, refresh);
        Assert.NotEqual(user.AccessToken, access);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());

        using var me = await Api.GetAsync("/api/v1/user/me", access);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var next = await Api.RefreshAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Refresh_accepts_the_token_in_the_body_and_ignores_an_authorization_header()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.PostJsonAsync("/api/v1/user/refresh", new { refresh_token = user.RefreshToken }, accessToken: "garbage.not.valid");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Presenting_a_spent_refresh_token_revokes_the_whole_session()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var first = await Api.RefreshAsync(user.RefreshToken);
        var rotated = await first.ReadJsonAsync();
        var newAccess = rotated.GetProperty("access_token").GetString()!;
        var newRefresh = rotated.GetProperty("refresh_token").GetString()!;

        using var reuse = await Api.RefreshAsync(user.RefreshToken);
        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");

        // The thief's copy and the legitimate client's newer tokens are all dead now.
        using var afterReuse = await Api.RefreshAsync(newRefresh);
        await afterReuse.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");
        using var me = await Api.GetAsync("/api/v1/user/me", newAccess);
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");

        // Other sessions of the same user are untouched.
        var other = await Api.LoginAsync(user.Email, user.Password);
        using var otherMe = await Api.GetAsync("/api/v1/user/me", other.Access);
        Assert.Equal(HttpStatusCode.OK, otherMe.StatusCode);
    }

    [Fact]
    public async Task Twenty_concurrent_refreshes_with_one_token_give_exactly_one_200()
    {
        var user = await Api.RegisterAndLoginAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Api.RefreshAsync(user.RefreshToken)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
    }

    [Theory]
    [InlineData(null, "refresh_token_missing")]
    [InlineData("", "refresh_token_missing")]
    [InlineData("not-a-jwt", "refresh_token_invalid")]
    [InlineData("a.b.c", "refresh_token_invalid")]
    public async Task Missing_or_malformed_refresh_tokens_are_400(string? token, string code)
    {
        using var response = await Api.RefreshAsync(token);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task An_access_token_is_not_accepted_as_a_refresh_token()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.RefreshAsync(user.AccessToken);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "refresh_token_invalid");
    }

    [Fact]
    public async Task A_refresh_token_is_not_accepted_as_an_access_token()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.GetAsync("/api/v1/user/me", user.RefreshToken);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Fact]
    public async Task An_expired_refresh_token_is_400()
    {
        var user = await Api.RegisterAndLoginAsync();
        var expired = TestTokens.Mint(TestTokens.ClaimsOf(user.RefreshToken),
            DateTimeOffset.UtcNow.AddDays(-8), DateTimeOffset.UtcNow.AddMinutes(-5));
        using var response = await Api.RefreshAsync(expired);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "refresh_token_expired");
    }

    /// <summary>
    /// The session knows only its current token: any other refresh token signed for it is taken as spent, even one
    /// the server never issued (which only a holder of the signing key could make), and ends the session.
    /// </summary>
    [Fact]
    public async Task A_well_signed_refresh_token_that_is_not_its_sessions_current_one_is_reuse_and_ends_the_session()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.RefreshAsync(RefreshTokenLike(user.RefreshToken, "jti", Guid.NewGuid()));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");

        await Api.AssertSessionRevokedAsync(user.AccessToken, user.RefreshToken);
    }

    [Fact]
    public async Task A_well_signed_refresh_token_for_a_session_that_does_not_exist_is_401_revoked()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.RefreshAsync(RefreshTokenLike(user.RefreshToken, "sid", Guid.NewGuid()));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");

        using var stillWorks = await Api.RefreshAsync(user.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
    }

    /// <summary>A refresh token signed with the API's key, as <paramref name="refreshToken"/> but for one claim.</summary>
    private static string RefreshTokenLike(string refreshToken, string claim, Guid value)
    {
        var claims = TestTokens.ClaimsOf(refreshToken);
        claims[claim] = value.ToString();
        return TestTokens.Mint(claims, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public async Task Logout_revokes_the_session_and_stops_the_access_token_at_once()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var logout = await Api.LogoutAsync(user.AccessToken, user.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal("Logout successful", (await logout.ReadJsonAsync()).GetProperty("message").GetString());

        await Api.AssertSessionRevokedAsync(user.AccessToken, user.RefreshToken);
    }

    [Fact]
    public async Task Logout_accepts_the_refresh_token_in_the_body()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var logout = await Api.PostJsonAsync("/api/v1/user/logout", new { refresh_token = user.RefreshToken }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
    }

    [Fact]
    public async Task Logout_needs_a_valid_access_token()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var none = await Api.LogoutAsync(null, user.RefreshToken);
        await none.AssertProblemAsync(HttpStatusCode.Unauthorized, "not_authenticated");
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        using var garbage = await Api.LogoutAsync("x.y.z", user.RefreshToken);
        await garbage.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_invalid");
    }

    [Fact]
    public async Task Logout_with_a_missing_or_invalid_refresh_token_is_400()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var missing = await Api.LogoutAsync(user.AccessToken, null);
        await missing.AssertProblemAsync(HttpStatusCode.BadRequest, "refresh_token_missing");
        using var invalid = await Api.LogoutAsync(user.AccessToken, "nope");
        await invalid.AssertProblemAsync(HttpStatusCode.BadRequest, "refresh_token_invalid");
    }

    [Fact]
    public async Task Logout_with_tokens_of_different_users_is_400_and_revokes_nothing()
    {
        var alice = await Api.RegisterAndLoginAsync();
        var bob = await Api.RegisterAndLoginAsync();
        using var logout = await Api.LogoutAsync(alice.AccessToken, bob.RefreshToken);
        await logout.AssertProblemAsync(HttpStatusCode.BadRequest, "token_user_mismatch");

        using var bobRefresh = await Api.RefreshAsync(bob.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, bobRefresh.StatusCode);
        using var aliceMe = await Api.GetAsync("/api/v1/user/me", alice.AccessToken);
        Assert.Equal(HttpStatusCode.OK, aliceMe.StatusCode);
    }
}
