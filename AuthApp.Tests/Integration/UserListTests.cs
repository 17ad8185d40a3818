using Xunit.Abstractions;
namespace AuthApp.Tests.Integration;

[Collection(AppHostCollection.Name)]
public sealed class UserListTests(AppHostFixture fixture, ITestOutputHelper output) : AppHostTest<AppHostFixture>(fixture, output)
{
    [Fact]
    public async Task The_public_list_pages_by_cursor_and_hides_emails()
    {
        var created = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await Api.RegisterAndLoginAsync());
        }

        // Walk the whole list two at a time, following "next" URLs as a client would.
        var seen = new List<string>();
        string? next = "/api/v1/users?limit=2";
        var pages = 0;
        while (next is not null && pages++ < 1000)
        {
            using var response = await Api.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.ReadJsonAsync();
            var results = body.GetProperty("results").EnumerateArray().ToList();
            Assert.True(results.Count <= 2);
            foreach (var user in results)
            {
                Assert.False(user.TryGetProperty("email", out _));
                Assert.True(user.TryGetProperty("date_joined", out _));
                seen.Add(user.GetProperty("username").GetString()!);
            }
            next = body.GetProperty("next").GetString() is { } url ? new Uri(url).PathAndQuery : null;
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        foreach (var user in created)
        {
            Assert.Contains(user.Username, seen);
        }
        Assert.True(seen.IndexOf(created[0].Username) < seen.IndexOf(created[2].Username), "oldest first");
    }

    [Fact]
    public async Task Default_limit_is_ten()
    {
        for (var i = 0; i < 11; i++)
        {
            await Api.RegisterAndLoginAsync();
        }
        using var response = await Api.GetAsync("/api/v1/users");
        var body = await response.ReadJsonAsync();
        Assert.Equal(10, body.GetProperty("results").GetArrayLength());
        Assert.Contains("limit=10", body.GetProperty("next").GetString());
    }

    [Fact]
    public async Task A_page_past_the_end_is_an_empty_200()
    {
        using var first = await Api.GetAsync("/api/v1/users?limit=100");
        var body = await first.ReadJsonAsync();
        var last = body.GetProperty("results").EnumerateArray().Last();
        var cursor = new AuthApp.Api.Common.KeysetCursor(last.GetProperty("date_joined").GetDateTimeOffset().AddYears(50), Guid.Empty).Encode();

        using var response = await Api.GetAsync($"/api/v1/users?cursor={cursor}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var empty = await response.ReadJsonAsync();
        Assert.Equal(0, empty.GetProperty("results").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, empty.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?limit=abc", "limit")]
    [InlineData("?cursor=bogus", "cursor")]
    [InlineData("?cursor=%00%01", "cursor")]
    public async Task Bad_paging_parameters_are_400(string query, string field)
    {
        using var response = await Api.GetAsync($"/api/v1/users{query}");
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotEmpty(problem.FieldErrors(field));
    }
}
