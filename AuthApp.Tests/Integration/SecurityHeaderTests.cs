namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class SecurityHeaderTests(AppHostFixture fixture)
{
    private HttpClient Api => fixture.Api;

    [Theory]
    [InlineData("/api/v1/users")]
    [InlineData("/api/v1/user/me")]
    [InlineData("/api/health")]
    [InlineData("/openapi/v1.json")]
    public async Task Every_response_carries_the_security_headers_and_no_server_banner(string path)
    {
        using var response = await Api.GetAsync(path);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
        if (path.StartsWith("/api"))
        {
            Assert.True(response.Headers.CacheControl?.NoStore);
        }
    }

    [Fact]
    public async Task Cors_is_closed_to_unknown_origins_and_open_to_configured_ones()
    {
        async Task<HttpResponseMessage> Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/user/login");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
            return await Api.SendAsync(request);
        }

        using var evil = await Preflight("https://evil.example");
        Assert.False(evil.Headers.Contains("Access-Control-Allow-Origin"));

        using var allowed = await Preflight(AppHostFixture.AllowedOrigin);
        Assert.Equal(AppHostFixture.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Tokens_passwords_and_hashes_never_reach_the_logs()
    {
        var user = await Api.RegisterAndLoginAsync();
        using (await Api.GetAsync("/api/v1/user/me", user.AccessToken)) { }
        using var refresh = await Api.RefreshAsync(user.RefreshToken);
        var rotated = await refresh.ReadJsonAsync();
        using (await Api.RefreshAsync(user.RefreshToken)) { } // reuse: logged as a warning
        using (await Api.GetAsync("/api/v1/user/me", "forged." + user.AccessToken)) { }
        using (await Api.PostJsonAsync("/api/v1/user/login", new { email = user.Email, password = "Wrong-But-Secret-99" })) { }
        const string newPassword = "Brand-New-Secret-Pass-55";
        var second = await Api.LoginAsync(user.Email, user.Password);
        using (await Api.PutJsonAsync("/api/v1/user/update", new { password = newPassword, confirm_password = newPassword, current_password = user.Password }, second.Access)) { }
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the console lines arrive

        var logs = string.Join('\n', fixture.ApiLogs);
        Assert.Contains("/api/v1/user/login", logs); // the capture works and saw these requests
        var secrets = new[]
        {
            user.Password, newPassword, "Wrong-But-Secret-99",
            user.AccessToken, user.RefreshToken, second.Access, second.Refresh,
            rotated.GetProperty("access_token").GetString()!, rotated.GetProperty("refresh_token").GetString()!,
        };
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret.Split('.').Last(), logs); // not even a token's signature
        }
        Assert.DoesNotContain("$argon2id$", logs);
        // SQL is logged (Information) but its parameter values never are: EF prints them as '?'.
        Assert.Contains("Executed DbCommand", logs);
        Assert.DoesNotMatch(@"@\w+='[^?]", logs);
    }
}
