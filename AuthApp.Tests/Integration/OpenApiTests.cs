using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class OpenApiTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task The_document_describes_every_route_and_the_bearer_scheme()
    {
        using var response = await Fixture.Api.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ReadJsonAsync();
        var paths = document.GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/api/v1/user/create", "/api/v1/user/login", "/api/v1/user/refresh", "/api/v1/user/logout",
                     "/api/v1/user/update", "/api/v1/user/me", "/api/v1/users", "/api/v1/admin/users",
                     "/api/v1/admin/users/{id}/deactivate", "/api/v1/admin/users/{id}/revoke-sessions", "/api/health",
                     "/api/v1/user/password/forgot", "/api/v1/user/password/reset", "/api/v1/user/email/confirm", "/api/v1/user/email/resend",
                 })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }
        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());

        var me = paths.GetProperty("/api/v1/user/me").GetProperty("get");
        Assert.True(me.TryGetProperty("security", out _));
        Assert.True(me.GetProperty("responses").TryGetProperty("401", out _));
        var create = paths.GetProperty("/api/v1/user/create").GetProperty("post");
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("400", out _));

        var forgot = paths.GetProperty("/api/v1/user/password/forgot").GetProperty("post").GetProperty("responses");
        foreach (var status in new[] { "202", "400", "429" })
        {
            Assert.True(forgot.TryGetProperty(status, out _), $"forgot lacks {status}");
        }
        var resend = paths.GetProperty("/api/v1/user/email/resend").GetProperty("post");
        Assert.True(resend.TryGetProperty("security", out _));
        Assert.True(resend.GetProperty("responses").TryGetProperty("409", out _));
    }

    [Fact]
    public async Task The_api_reference_is_served_in_development()
    {
        using var response = await Fixture.Api.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString());
    }
}
