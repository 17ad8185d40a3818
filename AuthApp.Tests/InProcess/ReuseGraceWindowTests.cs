using Xunit.Abstractions;

namespace AuthApp.Tests.InProcess;

/// <summary>With Jwt:RefreshReuseGraceWindow set, a client's near-simultaneous duplicate does not end the session.</summary>
[Collection(InProcessCollection.Name)]
public sealed class ReuseGraceWindowTests(ServersFixture servers, ITestOutputHelper output)
    : InProcessTest(servers, output, ("Jwt:RefreshReuseGraceWindow", "00:00:05"))
{
    private static readonly TimeSpan GraceWindow = TimeSpan.FromSeconds(5); // as configured above

    [Fact]
    public async Task A_duplicate_within_the_window_gets_401_and_the_session_survives()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var first = await Api.RefreshAsync(user.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var rotated = await first.ReadJsonAsync();

        App.Clock.Advance(GraceWindow - TimeSpan.FromSeconds(1));
        using var duplicate = await Api.RefreshAsync(user.RefreshToken);
        await duplicate.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");

        using var next = await Api.RefreshAsync(rotated.GetProperty("refresh_token").GetString());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Reuse_after_the_window_still_revokes_the_session()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var first = await Api.RefreshAsync(user.RefreshToken);
        var rotated = await first.ReadJsonAsync();

        App.Clock.Advance(GraceWindow + TimeSpan.FromSeconds(1));
        using var reuse = await Api.RefreshAsync(user.RefreshToken);
        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");

        using var next = await Api.RefreshAsync(rotated.GetProperty("refresh_token").GetString());
        await next.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");
    }

    [Fact]
    public async Task Only_the_token_the_last_refresh_spent_is_a_duplicate_one_two_rotations_back_is_reuse()
    {
        var user = await Api.RegisterAndLoginAsync();
        using var first = await Api.RefreshAsync(user.RefreshToken);
        var second = (await first.ReadJsonAsync()).GetProperty("refresh_token").GetString();
        using var rotatedAgain = await Api.RefreshAsync(second);
        Assert.Equal(HttpStatusCode.OK, rotatedAgain.StatusCode);
        var third = (await rotatedAgain.ReadJsonAsync()).GetProperty("refresh_token").GetString();

        App.Clock.Advance(TimeSpan.FromSeconds(1)); // well inside the window
        using var replay = await Api.RefreshAsync(user.RefreshToken);
        await replay.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");

        using var next = await Api.RefreshAsync(third);
        await next.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_revoked");
    }
}
