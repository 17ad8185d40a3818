using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AuthApp.Tests.Support;

/// <summary>A registered, logged-in user of the running API.</summary>
public sealed record TestUser(Guid Id, string Username, string Email, string Password, string AccessToken, string RefreshToken);

/// <summary>Calls the API the way a client of the Django service would, with fresh data for every test.</summary>
public static class ApiClient
{
    public const string StrongPassword = "Plausible-Horse-Staple-42";

    public static string NewUsername() => $"u{Guid.NewGuid():N}"[..20];

    public static async Task<TestUser> RegisterAndLoginAsync(this HttpClient api, string password = StrongPassword)
    {
        var username = NewUsername();
        var email = $"{username}@example.com";
        using var created = await api.PostJsonAsync("/api/v1/user/create", new { username, email, password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var login = await api.LoginAsync(email, password);
        return new TestUser(id, username, email, password, login.Access, login.Refresh);
    }

    /// <summary>A new account that staff (<paramref name="staffToken"/>) made staff; its own tokens predate the grant.</summary>
    public static async Task<TestUser> RegisterStaffAsync(this HttpClient api, string staffToken)
    {
        var staff = await api.RegisterAndLoginAsync();
        using var grant = await api.PostJsonAsync($"/api/v1/admin/users/{staff.Id}/grant-staff", new { }, staffToken);
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        return staff;
    }

    public static async Task<(string Access, string Refresh)> LoginAsync(this HttpClient api, string email, string password)
    {
        using var response = await api.PostJsonAsync("/api/v1/user/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient api, string path, object body, string? accessToken = null,
        string? refreshToken = null, string? forwardedFor = null) =>
        api.SendAsync(Request(HttpMethod.Post, path, JsonSerializer.Serialize(body), accessToken, refreshToken, forwardedFor));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient api, string path, object body, string? accessToken) =>
        api.SendAsync(Request(HttpMethod.Put, path, JsonSerializer.Serialize(body), accessToken));

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient api, string path, object body, string? accessToken) =>
        api.SendAsync(Request(HttpMethod.Patch, path, JsonSerializer.Serialize(body), accessToken));

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient api, string path, string? body, string contentType = "application/json",
        string? accessToken = null, string? refreshToken = null) =>
        api.SendAsync(Request(HttpMethod.Post, path, body, accessToken, refreshToken, contentType: contentType));

    public static Task<HttpResponseMessage> GetAsync(this HttpClient api, string path, string? accessToken, string? forwardedFor = null) =>
        api.SendAsync(Request(HttpMethod.Get, path, null, accessToken, forwardedFor: forwardedFor));

    public static Task<HttpResponseMessage> RefreshAsync(this HttpClient api, string? refreshToken, string? accessToken = null) =>
        api.SendAsync(Request(HttpMethod.Post, "/api/v1/user/refresh", null, accessToken, refreshToken));

    public static Task<HttpResponseMessage> LogoutAsync(this HttpClient api, string? accessToken, string? refreshToken) =>
        api.SendAsync(Request(HttpMethod.Post, "/api/v1/user/logout", null, accessToken, refreshToken));

    /// <summary>Asserts that a session is revoked: its access token and its refresh token both get 401.</summary>
    public static async Task AssertSessionRevokedAsync(this HttpClient api, string accessToken, string refreshToken)
    {
        using var me = await api.GetAsync("/api/v1/user/me", accessToken);
        await me.AssertProblemAsync(HttpStatusCode.Unauthorized, "token_revoked");
        using var refresh = await api.RefreshAsync(refreshToken);
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Asserts an RFC 9457 problem with the given status and code, and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.True(problem.TryGetProperty("title", out _));
        Assert.DoesNotContain("   at ", text); // no stack trace
        return problem;
    }

    public static string[] FieldErrors(this JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>
    /// A made-up client address per request, so that tests share no per-address throttle counter by accident. A test that
    /// exhausts a per-address limit on purpose uses an address in 2001:db8:ffff::/48, which this never returns.
    /// </summary>
    private static string RandomClientAddress() =>
        $"{Random.Shared.GetItems(["192.0.2", "198.51.100", "203.0.113"], 1)[0]}.{Random.Shared.Next(1, 255)}";

    private static HttpRequestMessage Request(HttpMethod method, string path, string? json, string? accessToken = null,
        string? refreshToken = null, string? forwardedFor = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (accessToken is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {accessToken}");
        }
        if (refreshToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Refresh-Token", refreshToken);
        }
        // Every request comes from its own documentation-range address (RFC 5737), so the per-address
        // login limit sees many clients, as in production, unless a test names the address.
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor ?? RandomClientAddress());
        return request;
    }
}
