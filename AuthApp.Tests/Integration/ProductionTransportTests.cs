using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

/// <summary>Outside Development: plain HTTP is redirected to HTTPS, HTTPS answers carry HSTS, health probes stay on HTTP.</summary>
[Collection(Es256AppHostCollection.Name)]
public sealed class ProductionTransportTests(Es256AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<Es256AppHostFixture>(fixture, output)
{
    private async Task<HttpResponseMessage> SendAsync(string path, string proto, string host = "auth.example.com")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-Proto", proto);
        request.Headers.Host = host;
        return await Fixture.Api.SendAsync(request);
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_https()
    {
        using var response = await SendAsync("/api/v1/users", "http");
        Assert.True(response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect or HttpStatusCode.Redirect,
            $"got {(int)response.StatusCode}");
        Assert.Equal("https", response.Headers.Location?.Scheme);
        Assert.Equal("auth.example.com", response.Headers.Location?.Host);
    }

    [Fact]
    public async Task Https_answers_carry_hsts()
    {
        using var response = await SendAsync("/api/v1/users", "https");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_probes_are_not_redirected_and_reveal_no_details(string path)
    {
        using var response = await SendAsync(path, "http");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_api_reference_is_not_served_in_production()
    {
        using var response = await Fixture.Api.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
