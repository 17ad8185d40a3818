using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>The routes the staff console needs: one user, their live sessions, ending one session, and the list's flag filters.</summary>
[Collection(InProcessCollection.Name)]
public sealed class StaffSessionTests(ServersFixture servers, ITestOutputHelper output) : InProcessTest(servers, output)
{
    [Fact]
    public async Task A_users_live_sessions_show_when_each_began_was_last_refreshed_and_ends()
    {
        var staff = await App.RegisterStaffAsync();
        var user = await Api.RegisterAndLoginAsync();
        var loggedInAt = App.Clock.GetUtcNow();
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        var second = await Api.LoginAsync(user.Email, user.Password);
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        using (var refreshed = await Api.RefreshAsync(user.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }
        var third = await Api.LoginAsync(user.Email, user.Password);
        using (await Api.LogoutAsync(third.Access, third.Refresh)) { }

        using var response = await Api.GetAsync($"/api/v1/admin/users/{user.Id}/sessions", staff.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sessions = (await response.ReadJsonAsync()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count); // the logged-out one is not live
        var (newest, oldest) = (sessions[0], sessions[1]);
        Assert.Equal(newest.GetProperty("created_at").GetDateTimeOffset(), newest.GetProperty("last_refreshed_at").GetDateTimeOffset());
        Assert.Equal(loggedInAt, oldest.GetProperty("created_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(App.Clock.GetUtcNow(), oldest.GetProperty("last_refreshed_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(loggedInAt + TimeSpan.FromDays(30), oldest.GetProperty("expires_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(App.Clock.GetUtcNow() + TimeSpan.FromDays(7), oldest.GetProperty("refresh_expires_at").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        _ = second;
    }

    [Fact]
    public async Task Ending_one_session_stops_its_tokens_and_leaves_the_others()
    {
        var staff = await App.RegisterStaffAsync();
        var user = await Api.RegisterAndLoginAsync();
        App.Clock.Advance(TimeSpan.FromMinutes(1)); // sessions of one instant have no defined order
        var other = await Api.LoginAsync(user.Email, user.Password);
        var sessionId = await SessionOfAsync(staff, user, newest: false);

        using var end = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/sessions/{sessionId}/revoke", new { }, staff.AccessToken);
        Assert.Equal(HttpStatusCode.OK, end.StatusCode);
        Assert.Equal(user.Id, (await end.ReadJsonAsync()).GetProperty("id").GetGuid());

        await Api.AssertSessionRevokedAsync(user.AccessToken, user.RefreshToken);
        using var kept = await Api.GetAsync("/api/v1/user/me", other.Access);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);

        App.Clock.Advance(TimeSpan.FromSeconds(1));
        using var again = await Api.PostJsonAsync($"/api/v1/admin/users/{user.Id}/sessions/{sessionId}/revoke", new { }, staff.AccessToken);
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "session_not_found");
        using var notTheirs = await Api.PostJsonAsync($"/api/v1/admin/users/{staff.Id}/sessions/{await SessionOfAsync(staff, user, newest: true)}/revoke",
            new { }, staff.AccessToken);
        await notTheirs.AssertProblemAsync(HttpStatusCode.NotFound, "session_not_found");
        using var unknownUser = await Api.PostJsonAsync($"/api/v1/admin/users/{Guid.NewGuid()}/sessions/{sessionId}/revoke", new { }, staff.AccessToken);
        await unknownUser.AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");

        using var audit = await Api.GetAsync($"/api/v1/admin/audit?target={user.Id}&action=user.revoke_session", staff.AccessToken);
        var entries = (await audit.ReadJsonAsync()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["not_found", "succeeded"], entries.Select(e => e.GetProperty("outcome").GetString()));
        Assert.All(entries, e => Assert.Equal(sessionId.ToString(), e.GetProperty("subject").GetString()));
    }

    [Fact]
    public async Task One_user_by_id_and_a_clean_404_for_an_unknown_one()
    {
        var staff = await App.RegisterStaffAsync();
        var user = await Api.RegisterAndLoginAsync();
        using var found = await Api.GetAsync($"/api/v1/admin/users/{user.Id}", staff.AccessToken);
        var body = await found.ReadJsonAsync();
        Assert.Equal(user.Email, body.GetProperty("email").GetString());
        Assert.True(body.GetProperty("is_active").GetBoolean());

        using var missing = await Api.GetAsync($"/api/v1/admin/users/{Guid.NewGuid()}", staff.AccessToken);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
        using var missingSessions = await Api.GetAsync($"/api/v1/admin/users/{Guid.NewGuid()}/sessions", staff.AccessToken);
        await missingSessions.AssertProblemAsync(HttpStatusCode.NotFound, "user_not_found");
    }

    [Fact]
    public async Task The_user_list_filters_on_active_and_staff_and_keeps_them_in_the_next_link()
    {
        var staff = await App.RegisterStaffAsync();
        var prefix = ApiClient.NewUsername()[..12];
        var users = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            var username = $"{prefix}n{i}";
            using var created = await Api.PostJsonAsync("/api/v1/user/create",
                new { username, email = $"{username}@example.com", password = ApiClient.StrongPassword });
            users.Add(new TestUser((await created.ReadJsonAsync()).GetProperty("id").GetGuid(), username, $"{username}@example.com", "", "", ""));
        }
        using (await Api.PostJsonAsync($"/api/v1/admin/users/{users[0].Id}/deactivate", new { }, staff.AccessToken)) { }
        using (await Api.PostJsonAsync($"/api/v1/admin/users/{users[1].Id}/grant-staff", new { }, staff.AccessToken)) { }

        Assert.Equal([users[0].Id], await IdsAsync($"search={prefix}&is_active=false"));
        Assert.Equal([users[1].Id], await IdsAsync($"search={prefix}&is_staff=true"));
        Assert.Equal([users[2].Id], await IdsAsync($"search={prefix}&is_active=true&is_staff=false"));

        using var paged = await Api.GetAsync($"/api/v1/admin/users?search={prefix}&is_active=true&limit=1", staff.AccessToken);
        var next = (await paged.ReadJsonAsync()).GetProperty("next").GetString()!;
        Assert.Contains("is_active=true", next);
        Assert.Contains($"search={prefix}", next);

        using var bad = await Api.GetAsync("/api/v1/admin/users?is_active=maybe&is_staff=1", staff.AccessToken);
        var problem = await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(["Must be true or false."], problem.FieldErrors("is_active"));
        Assert.Equal(["Must be true or false."], problem.FieldErrors("is_staff"));

        async Task<Guid[]> IdsAsync(string query)
        {
            using var response = await Api.GetAsync($"/api/v1/admin/users?{query}", staff.AccessToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.ReadJsonAsync()).GetProperty("results").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).ToArray();
        }
    }

    private async Task<Guid> SessionOfAsync(TestUser staff, TestUser user, bool newest)
    {
        using var response = await Api.GetAsync($"/api/v1/admin/users/{user.Id}/sessions", staff.AccessToken);
        var sessions = (await response.ReadJsonAsync()).GetProperty("results").EnumerateArray().ToList();
        return (newest ? sessions[0] : sessions[^1]).GetProperty("id").GetGuid();
    }
}
