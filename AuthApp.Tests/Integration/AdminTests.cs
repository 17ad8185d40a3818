using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class AdminTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    private async Task<string> StaffTokenAsync() =>
        (await Api.LoginAsync("root@example.com", TestSecrets.SuperuserPassword)).Access;

    [Fact]
    public async Task Staff_list_and_search_users_with_their_emails()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.GetAsync($"/api/v1/admin/users?search={user.Email.ToUpperInvariant()}", await StaffTokenAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var found = (await response.ReadJsonAsync()).GetProperty("results").EnumerateArray().Single();
        Assert.Equal(user.Id, found.GetProperty("id").GetGuid());
        Assert.Equal(user.Email, found.GetProperty("email").GetString());
        Assert.False(found.GetProperty("is_staff").GetBoolean());
        Assert.True(found.GetProperty("is_active").GetBoolean());
        Assert.True(found.TryGetProperty("last_login", out _));
    }

    [Fact]
    public async Task Search_wildcards_are_literal()
    {
        using var response = await Api.GetAsync("/api/v1/admin/users?search=%25_%25", await StaffTokenAsync());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.ReadJsonAsync()).GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Non_staff_get_403_and_anonymous_callers_401()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var forbidden = await Api.GetAsync("/api/v1/admin/users", user.AccessToken);
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        using var anonymous = await Api.GetAsync("/api/v1/admin/users", null);
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized, "not_authenticated");
        using var action = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/deactivate", new { }, user.AccessToken);
        await action.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Deactivation_stops_access_tokens_at_once_and_activation_lets_the_user_back_in()
    {
        var staff = await StaffTokenAsync();
        var user = await Api.RegisterAndLoginAsync();

        using var deactivate = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/deactivate", new { }, staff);
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
        Assert.False((await deactivate.ReadJsonAsync()).GetProperty("is_active").GetBoolean());

        await Api.AssertSessionRevokedAsync(user.AccessToken, user.RefreshToken);
        using var login = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        await login.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");

        using var activate = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/activate", new { }, staff);
        Assert.Equal(HttpStatusCode.OK, activate.StatusCode);
        await Api.LoginAsync(user.Email, user.Password);
    }

    [Fact]
    public async Task Granting_and_revoking_staff()
    {
        var staff = await StaffTokenAsync();
        var user = await Api.RegisterAndLoginAsync();

        using var grant = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/grant-staff", new { }, staff);
        Assert.True((await grant.ReadJsonAsync()).GetProperty("is_staff").GetBoolean());
        var promoted = await Api.LoginAsync(user.Email, user.Password);
        using var asStaff = await Api.GetAsync("/api/v1/admin/users", promoted.Access);
        Assert.Equal(HttpStatusCode.OK, asStaff.StatusCode);

        using var revoke = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/revoke-staff", new { }, staff);
        Assert.False((await revoke.ReadJsonAsync()).GetProperty("is_staff").GetBoolean());
        using var afterRevoke = await Api.GetAsync("/api/v1/admin/users", promoted.Access);
        await afterRevoke.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");
    }

    [Fact]
    public async Task Revoking_sessions_stops_every_token_of_the_user()
    {
        var user = await Api.RegisterAndLoginAsync();
        var second = await Api.LoginAsync(user.Email, user.Password);

        using var revoke = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/revoke-sessions", new { }, await StaffTokenAsync());
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        foreach (var access in new[] { user.AccessToken, second.Access })
        {
            using var me = await Api.GetAsync("/api/v1/user/me", access);
            await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");
        }
        using var refresh = await Api.RefreshAsync(second.Refresh);
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");
    }

    [Theory]
    [InlineData("deactivate")]
    [InlineData("activate")]
    [InlineData("grant-staff")]
    [InlineData("revoke-staff")]
    [InlineData("revoke-sessions")]
    public async Task Unknown_ids_are_404(string action)
    {
        using var response = await Api.PostJsonAsync($"/api/v1/admin/users/{Guid.NewGuid()}/{action}", new { }, await StaffTokenAsync());
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
    }
}
