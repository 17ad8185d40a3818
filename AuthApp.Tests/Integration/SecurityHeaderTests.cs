using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class SecurityHeaderTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
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
}
