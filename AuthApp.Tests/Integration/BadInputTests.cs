using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class BadInputTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    public static TheoryData<string> JsonRoutes => ["/api/v1/user/create", "/api/v1/user/login", "/api/v1/user/refresh"];

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task Malformed_json_is_400(string route)
    {
        using var response = await Api.PostRawAsync(route, "{\"username\": ");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Theory]
    [MemberData(nameof(JsonRoutes))]
    public async Task Non_json_bodies_are_415(string route)
    {
        using var response = await Api.PostRawAsync(route, "username=alice", "application/x-www-form-urlencoded");
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Wrong_types_and_unknown_fields_are_400_and_store_nothing()
    {
        var username = ApiClient.NewUsername();
        using var wrongType = await Api.PostRawAsync("/api/v1/user/create",
            $$"""{"username": "{{username}}", "email": ["{{username}}@example.com"], "password": "{{ApiClient.StrongPassword}}"}""");
        await wrongType.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");

        using var extra = await Api.PostRawAsync("/api/v1/user/create",
            $$"""{"username": "{{username}}", "email": "{{username}}@example.com", "password": "{{ApiClient.StrongPassword}}", "is_staff": true}""");
        await extra.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");

        using var login = await Api.PostJsonAsync("/api/v1/user/login", new { email = $"{username}@example.com", password = ApiClient.StrongPassword });
        await login.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_credentials");
    }

    [Fact]
    public async Task Oversized_bodies_are_413()
    {
        var huge = $$"""{"username": "{{new string('a', 70_000)}}"}""";
        using var response = await Api.PostRawAsync("/api/v1/user/create", huge);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Deeply_nested_json_is_400()
    {
        var deep = "{\"username\":" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "}";
        using var response = await Api.PostRawAsync("/api/v1/user/create", deep);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task Unknown_routes_are_404_problems()
    {
        using var response = await Api.GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Empty_and_null_json_bodies_are_4xx()
    {
        using var empty = await Api.PostRawAsync("/api/v1/user/create", "");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        using var nullBody = await Api.PostRawAsync("/api/v1/user/login", "null");
        Assert.Equal(HttpStatusCode.BadRequest, nullBody.StatusCode);
    }
}
