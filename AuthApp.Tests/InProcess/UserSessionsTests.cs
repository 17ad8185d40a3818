using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>A signed-in user's own sessions: the list (what, from where, which is this one) and ending one.</summary>
[Collection(InProcessCollection.Name)]
public sealed class UserSessionsTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    [Fact]
    public async Task A_user_sees_their_live_sessions_and_which_one_is_theirs()
    {
        var user = await Api.RegisterAndLoginAsync();
        var phone = await LoginFromAsync(user, "Phone/1.0 (test)", "203.0.113.7");

        using var response = await Api.GetAsync("/api/v1/user/sessions", phone.Access);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sessions = (await response.ReadJsonAsync()).GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal(SessionOf(phone.Access), current.GetProperty("id").GetGuid());
        Assert.Equal("api", current.GetProperty("kind").GetString());
        Assert.Equal("Phone/1.0 (test)", current.GetProperty("user_agent").GetString());
        Assert.Equal("203.0.113.7", current.GetProperty("address").GetString());
        Assert.Equal(current.GetProperty("created_at").GetDateTimeOffset(), current.GetProperty("last_used_at").GetDateTimeOffset());
        Assert.True(current.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        // Another user's list does not show them.
        var other = await Api.RegisterAndLoginAsync();
        using var theirs = await Api.GetAsync("/api/v1/user/sessions", other.AccessToken);
        var ids = (await theirs.ReadJsonAsync()).GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetGuid());
        Assert.Equal([SessionOf(other.AccessToken)], ids);
    }

    [Fact]
    public async Task Ending_a_session_stops_its_tokens_at_once_and_leaves_the_others()
    {
        var user = await Api.RegisterAndLoginAsync();
        var laptop = await LoginFromAsync(user, "Laptop/2.0", "198.51.100.9");

        using var ended = await DeleteAsync($"/api/v1/user/sessions/{SessionOf(laptop.Access)}", user.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        await Api.AssertSessionRevokedAsync(laptop.Access, laptop.Refresh);
        using var mine = await Api.GetAsync("/api/v1/user/me", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);

        using var list = await Api.GetAsync("/api/v1/user/sessions", user.AccessToken);
        var ids = (await list.ReadJsonAsync()).GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetGuid());
        Assert.Equal([SessionOf(user.AccessToken)], ids);
    }

    [Fact]
    public async Task Another_users_session_an_ended_one_or_a_bad_id_is_not_found()
    {
        var user = await Api.RegisterAndLoginAsync();
        var other = await Api.RegisterAndLoginAsync();

        using var theirs = await DeleteAsync($"/api/v1/user/sessions/{SessionOf(other.AccessToken)}", user.AccessToken);
        await theirs.AssertProblemAsync(HttpStatusCode.NotFound, "session_not_found");
        using var stillLive = await Api.GetAsync("/api/v1/user/me", other.AccessToken);
        Assert.Equal(HttpStatusCode.OK, stillLive.StatusCode);

        using var unknown = await DeleteAsync($"/api/v1/user/sessions/{Guid.NewGuid()}", user.AccessToken);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "session_not_found");
        using var malformed = await DeleteAsync("/api/v1/user/sessions/not-a-guid", user.AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        using var anonymous = await Api.GetAsync("/api/v1/user/sessions", accessToken: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<(string Access, string Refresh)> LoginFromAsync(TestUser user, string userAgent, string address)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/user/login")
        {
            Content = JsonContent.Create(new { email = user.Email, password = user.Password }),
        };
        request.Headers.UserAgent.ParseAdd(userAgent);
        request.Headers.Add("X-Forwarded-For", address);
        using var response = await Api.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    private Task<HttpResponseMessage> DeleteAsync(string path, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return Api.SendAsync(request);
    }

    private static Guid SessionOf(string accessToken) =>
        Guid.Parse(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(accessToken).GetClaim("sid").Value);
}
