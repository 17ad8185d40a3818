using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class ProfileTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task Me_returns_the_profile()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var response = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(user.Id, body.GetProperty("id").GetGuid());
        Assert.Equal(user.Username, body.GetProperty("username").GetString());
        Assert.Equal(user.Email, body.GetProperty("email").GetString());
        Assert.True(body.GetProperty("is_active").GetBoolean());
        Assert.False(body.GetProperty("is_staff").GetBoolean());
        Assert.True(body.TryGetProperty("date_joined", out _));
    }

    [Theory]
    [InlineData(null, "not_authenticated")]
    [InlineData("garbage", "token_invalid")]
    public async Task Me_without_a_valid_token_is_401(string? token, string code)
    {
        using var response = await Api.GetAsync("/api/v1/user/me", token);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, code);
    }

    [Fact]
    public async Task Updating_username_and_email_invalidates_the_cached_profile()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (await Api.GetAsync("/api/v1/user/me", user.AccessToken)) { } // now cached

        var newName = ApiClient.NewUsername();
        using var update = await Api.PutJsonAsync("/api/v1/user/update", new { username = newName, email = $"{newName}@example.org" }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var body = await update.ReadJsonAsync();
        Assert.Equal("User updated successfully", body.GetProperty("message").GetString());
        Assert.Equal(newName, body.GetProperty("user").GetProperty("username").GetString());

        using var me = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        var profile = await me.ReadJsonAsync();
        Assert.Equal(newName, profile.GetProperty("username").GetString());
        Assert.Equal($"{newName}@example.org", profile.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Sending_ones_own_current_values_is_not_taken()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var update = await Api.PutJsonAsync("/api/v1/user/update",
            new { username = user.Username.ToUpperInvariant(), email = user.Email }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
    }

    [Fact]
    public async Task Another_users_username_or_email_is_taken()
    {
        var user = await Api.RegisterAndLoginAsync();
        var other = await Api.RegisterAndLoginAsync();
        using var update = await Api.PutJsonAsync("/api/v1/user/update", new { username = other.Username, email = other.Email }, user.AccessToken);
        var problem = await update.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["A user with that username already exists."], problem.FieldErrors("username"));
        Assert.Equal(["user with this email already exists."], problem.FieldErrors("email"));
    }

    [Fact]
    public async Task Password_change_rules()
    {
        var user = await Api.RegisterAndLoginAsync();
        const string next = "Another-Strong-Pass-77";

        async Task<System.Text.Json.JsonElement> Rejected(object body)
        {
            using var response = await Api.PutJsonAsync("/api/v1/user/update", body, user.AccessToken);
            return await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        }

        Assert.Equal(["This field is required."], (await Rejected(new { password = next, current_password = user.Password })).FieldErrors("confirm_password"));
        Assert.Equal(["This field is required."], (await Rejected(new { confirm_password = next, current_password = user.Password })).FieldErrors("password"));
        Assert.Equal(["Passwords do not match."], (await Rejected(new { password = next, confirm_password = next + "x", current_password = user.Password })).FieldErrors("confirm_password"));
        Assert.Equal(["This field is required."], (await Rejected(new { password = next, confirm_password = next })).FieldErrors("current_password"));
        Assert.Equal(["Current password is incorrect."], (await Rejected(new { password = next, confirm_password = next, current_password = "Not-The-Password-1" })).FieldErrors("current_password"));
        Assert.Contains("This password is too common.", (await Rejected(new { password = "password123", confirm_password = "password123", current_password = user.Password })).FieldErrors("password"));
    }

    [Fact]
    public async Task A_password_change_revokes_the_other_sessions_and_keeps_this_one()
    {
        var user = await Api.RegisterAndLoginAsync();
        var otherDevice = await Api.LoginAsync(user.Email, user.Password);
        const string next = "Another-Strong-Pass-77";

        using var update = await Api.PutJsonAsync("/api/v1/user/update",
            new { password = next, confirm_password = next, current_password = user.Password }, user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        await Api.AssertSessionRevokedAsync(otherDevice.Access, otherDevice.Refresh);

        using var thisMe = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, thisMe.StatusCode);
        using var oldPassword = await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = user.Password });
        await oldPassword.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
        await Api.LoginAsync(user.Email, next);
    }

    [Fact]
    public async Task Update_needs_an_access_token()
    {
        using var response = await Api.PutJsonAsync("/api/v1/user/update", new { username = "whoever" }, null);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "not_authenticated");
    }
}
